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
        ordered = sorted(distinct, key=_sqlite_order)
    return orjson.dumps(ordered).decode()


def _sqlite_order(key):
    return (isinstance(key, str), key)


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


def rows_as_dicts(cursor, names):
    """Yield each row of ``cursor`` as a dict keyed by ``names``."""
    for row in cursor:
        yield dict(zip(names, row))


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
    one row per owner, (owner rowid, its images as a JSON array, whether
    every value is plain).

    The data holds duplicated image sets: each distinct image once, widest
    first. An image of text url and integer sizes is written as the JSON
    object the answer's encoder would write, byte for byte
    (tests/catalog/test_image_lists.py), so an owner whose images are all
    plain is answered with SQLite's text as it is. Any other image (a size
    stored as text or REAL) is written as its values as stored
    (:func:`_stored_value`), for the schemas to shape as they always did.
    Rows come grouped by owner so the grouping needs no sort of its own;
    each list keeps its own ORDER BY. This one statement keeps the IN list
    rather than :func:`each_key`: walking the IN list's b-tree gives the
    owner order, where the join adds a sort of every image row. The join
    counted a tenth fewer instructions for one owner but more from about
    16 owners on (a tenth more for 400).
    """
    plain = "typeof(url) = 'text' AND typeof(width) = 'integer' AND typeof(height) = 'integer'"
    stored = ", ".join(
        f"typeof({column}), CASE typeof({column}) WHEN 'real' THEN quote({column}) "
        f"WHEN 'blob' THEN hex({column}) ELSE {column} END"
        for column in ("url", "width", "height")
    )
    return f"""
SELECT {owner},
       json_group_array(CASE WHEN {plain} THEN json_object('url', url, 'width', width, 'height', height)
                        ELSE json_array({stored}) END
                        ORDER BY width DESC, height DESC, url),
       min({plain})
FROM (SELECT DISTINCT {owner}, url, width, height FROM {table}
      WHERE {owner} IN (SELECT value FROM json_each(?))
      ORDER BY {owner})
GROUP BY {owner}
"""


def group_image_lists(rows):
    """{owner rowid: images} from the rows of an :func:`image_lists`
    statement: an :class:`orjson.Fragment` of SQLite's text where every
    value is plain, else a list of image rows (dicts)."""
    images = {}
    for owner_rowid, encoded, plain in rows:
        if plain:
            images[owner_rowid] = orjson.Fragment(encoded)
        else:
            images[owner_rowid] = [_image_row(image) for image in orjson.loads(encoded)]
    return images


def _image_row(image):
    if type(image) is dict:
        return image
    url, width, height = (_stored_value(*image[at:at + 2]) for at in (0, 2, 4))
    return {"url": url, "width": width, "height": height}


def _stored_value(kind, value):
    """A value as SQLite stored it, from its type and a JSON-safe form: a
    REAL as ``quote()`` writes it (which reads back as the same double), a
    BLOB in hex, anything else as it is."""
    if kind == "real":
        return float(value)
    if kind == "blob":
        return bytes.fromhex(value)
    return value


def credited(artist_rowids, artists):
    """The loaded artists of ``artist_rowids``, in that order (credit order,
    search rank); a rowid whose artist row is missing is skipped."""
    return [artists[rowid] for rowid in artist_rowids if rowid in artists]


def like_pattern(text):
    """Return a LIKE pattern (ESCAPE '\\') matching names that contain ``text`` literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
