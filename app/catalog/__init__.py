"""All SQL of the service, one module per area.

Functions take the connection first and touch no Flask globals. Every
function runs a fixed number of statements whatever the size of its answer:
lists of keys travel as one JSON array parameter read by ``json_each(?)``,
so each statement's text is constant and APSW's statement cache reuses it.
A statement joins the table to the keys (:func:`each_key`) rather than
testing ``IN (SELECT value FROM json_each(?))``: SQLite builds an IN list
into a fresh b-tree on every execution, which cost more than most lookups.

Rows are dicts keyed by their columns' names (``followers_total``,
``external_id_isrc``), whatever an answer calls them: the schemas
(:mod:`app.schemas.objects`) rename with ``data_key``.
"""

import orjson

from app.encoded_json import ORJSON_OPTIONS


def key_list(keys):
    """Encode keys, in the order given, as the single JSON-array parameter
    of a statement that answers in that order (``ORDER BY wanted.key``)."""
    # Keys are ids, ISRCs and rowids: orjson writes what json_each reads
    # back as the same values, in a fraction of the stdlib's time.
    return orjson.dumps(list(keys)).decode()


def key_set(keys):
    """Encode keys as the JSON-array parameter of an :func:`each_key` join:
    each key once, so no row is read twice, and sorted as SQLite sorts
    (numbers before text, text by code point), so rows come in key order
    as they did from an IN list, which callers' dicts keep. NULL is left
    out: it equals no key."""
    distinct = set(keys)
    distinct.discard(None)
    try:
        ordered = sorted(distinct)  # keys of one kind: Python's own order is SQLite's
    except TypeError:
        # Numbers and text mixed; a sort key for every list costs several times more.
        ordered = sorted(distinct, key=sqlite_order)
    return orjson.dumps(ordered).decode()


def sqlite_order(value):
    """A sort key ordering values of any types as SQLite's ORDER BY does:
    NULL, then numbers, then text (by code point, which is UTF-8's byte
    order), then blobs."""
    if value is None:
        return (0, 0)
    if isinstance(value, (int, float)):
        return (1, value)
    return (2, value) if isinstance(value, str) else (3, value)


def each_key(table, column, parameter="?"):
    """The FROM clause joining ``table`` to the keys of ``parameter`` (a
    :func:`key_set`) on ``table.column``: one index seek per key.

    CROSS JOIN keeps the keys as the outer loop, whatever the planner
    guesses of json_each's size; the join is named ``wanted``.
    """
    return f"json_each({parameter}) AS wanted CROSS JOIN {table} ON {table}.{column} = wanted.value"


def columns(table, names):
    """The select list ``table.name, …`` of ``names``, so a row's keys and its
    columns are written once."""
    return ", ".join(f"{table}.{name}" for name in names)


def group_distinct(pairs):
    """Group (key, value) pairs into {key: [value, …]}, each value once, first seen first."""
    groups = {}
    for key, value in pairs:
        values = groups.setdefault(key, [])
        if value not in values:
            values.append(value)
    return groups


def image_lists(table, owner):
    """The statement giving the images of the owners in its one parameter
    (a :func:`key_set`) from ``table`` (its owner's rowid in ``owner``):
    (owner rowid, url, width, height) rows grouped by owner, each owner's
    widest first, for :func:`group_image_lists`.

    The data holds duplicated image sets: each distinct image once. Equal
    rows come out one after the other, and :func:`group_image_lists` keeps
    the first: SQLite's DISTINCT over these rows cost a third of the
    statement (docs/PERFORMANCE.md).
    """
    return f"""
SELECT {table}.{owner}, url, width, height FROM {each_key(table, owner)}
ORDER BY {table}.{owner}, width DESC, height DESC, url
"""


def group_image_lists(rows):
    """{owner rowid: images} from the rows of an :func:`image_lists`
    statement, each distinct image once: the list encoded as the answer's
    encoder writes it (an :class:`orjson.Fragment`) when every image is
    plain (a text url, integer sizes), else a list of image rows (dicts)
    for the schemas to shape as they always did."""
    images = {}
    not_plain = set()
    previous = None
    for row in rows:
        # Rows DISTINCT would merge are equal tuples: the size columns'
        # integer affinity stores 64.0 as 64, so no REAL equals an INTEGER.
        if row == previous:
            continue
        previous = row
        owner, url, width, height = row
        owner_images = images.get(owner)
        if owner_images is None:
            owner_images = images[owner] = []
        owner_images.append({"url": url, "width": width, "height": height})
        # Checked here, not per owner afterwards: a generator over each list
        # cost more than the check (≈ 1,250 owners in a batch).
        if type(url) is not str or type(width) is not int or type(height) is not int:
            not_plain.add(owner)
    encode, fragment = orjson.dumps, orjson.Fragment
    for owner, owner_images in images.items():
        if owner not in not_plain:
            # orjson_or_none's own call, inlined: it cost as much as the encoding.
            try:
                images[owner] = fragment(encode(owner_images, option=ORJSON_OPTIONS))
            except orjson.JSONEncodeError:
                pass  # a url orjson refuses (a lone surrogate): the schemas shape it
    return images


def attach_artists(rows, credits, artists):
    """Give each row (album, track) its ``artists``: the loaded artists of
    its credits ({row's rowid: [artist rowid, …]}), in credit order; a
    rowid whose artist row is missing is skipped."""
    # One loop, not a call per row: the call cost more than the list it
    # makes (≈ 1,100 rows in a batch).
    for row in rows:
        row["artists"] = [
            artists[rowid] for rowid in credits.get(row["rowid"], ()) if rowid in artists
        ]


def like_pattern(text):
    """Return a LIKE pattern (ESCAPE '\\') matching names that contain ``text`` literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
