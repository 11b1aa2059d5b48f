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


def image_lists(table, owner):
    """The statement giving the images of the owners in its one parameter
    (a :func:`key_list`) from ``table`` (its owner's rowid in ``owner``).

    The data holds duplicated image sets: each distinct image once, widest
    first. Most owners' images come back as one row holding them as a JSON
    array, which SQLite writes byte for byte as the answer's encoder would
    for text urls and integer sizes (tests/catalog/test_image_lists.py); an
    owner with any other value (a size stored as text or REAL) comes back
    as one row per image, for the schemas to shape as they always did.
    """
    plain = "typeof({0}url) = 'text' AND typeof({0}width) = 'integer' AND typeof({0}height) = 'integer'"
    return f"""
SELECT {owner}, json_group_array(json_object('url', url, 'width', width, 'height', height)
                                 ORDER BY width DESC, height DESC, url),
       NULL, NULL, NULL
FROM (SELECT DISTINCT {owner}, url, width, height FROM {table}
      WHERE {owner} IN (SELECT value FROM json_each(?1)))
GROUP BY {owner} HAVING min({plain.format("")})
UNION ALL
SELECT DISTINCT wanted.value, NULL, url, width, height
FROM json_each(?1) AS wanted JOIN {table} ON {table}.{owner} = wanted.value
WHERE EXISTS (SELECT 1 FROM {table} AS odd WHERE odd.{owner} = wanted.value AND NOT ({plain.format("odd.")}))
ORDER BY 1, 4 DESC, 5 DESC, 3
"""


def group_image_lists(rows):
    """Group the rows of an :func:`image_lists` statement into {owner rowid:
    images}: an :class:`orjson.Fragment` where SQLite wrote them, else a
    list of image rows (dicts)."""
    images = {}
    for owner_rowid, encoded, url, width, height in rows:
        if encoded is not None:
            images[owner_rowid] = orjson.Fragment(encoded)
        else:
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
