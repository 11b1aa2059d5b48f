"""All SQL of the service, one module per area.

Functions take the connection first and touch no Flask globals. Every
function runs a fixed number of statements whatever the size of its answer:
lists of keys travel as one JSON array parameter (``IN (SELECT value FROM
json_each(?))``), so each statement's text is constant and APSW's statement
cache reuses it.

Rows are dicts keyed by their columns' names (``followers_total``,
``external_id_isrc``), whatever an answer calls them: the schemas
(:mod:`app.schemas.objects`) rename with ``data_key``.
"""

import orjson


def key_list(keys):
    """Encode keys as the single JSON-array parameter the IN lists expect."""
    # Keys are ids, ISRCs and rowids: orjson writes what json_each reads
    # back as the same values, in a fraction of the stdlib's time.
    return orjson.dumps(list(keys)).decode()


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


def group_images(rows):
    """Group (owner rowid, url, width, height) rows into {owner rowid: [image, …]}."""
    images = {}
    for owner_rowid, url, width, height in rows:
        images.setdefault(owner_rowid, []).append({"url": url, "width": width, "height": height})
    return images


def credited(artist_rowids, artists):
    """The loaded artists of ``artist_rowids``, in that order (credit order,
    search rank); a rowid whose artist row is missing is skipped."""
    return [artists[rowid] for rowid in artist_rowids if rowid in artists]


def like_pattern(text):
    """Return a LIKE pattern (ESCAPE '\\') matching names that contain ``text`` literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
