"""An artist's albums, grouped as Spotify groups them, newest first in each group.

The order is album, single, compilation (the artist's own releases, by album
type), then appears_on (albums the artist is on without an album credit);
in each group newest first, ties by the higher album rowid. An album the
artist is linked to more than once is listed once, in its best group.

The dump's own indexes find an artist's links but not in that order. For
artists with more than :data:`LIGHT_LINKS` links the sidecar index holds
the order and each group's count (:mod:`app.index.discographies`), so a page
is a range seek; for the others the links are few enough to sort whole.
"""

from app.catalog import key_list
from app.db import SEARCH_SCHEMA

PART = "discographies"
GROUPS = ("album", "single", "compilation", "appears_on")
GROUP_CODES = {name: code for code, name in enumerate(GROUPS)}
# An artist with at most this many artist_albums rows is sorted per request
# (the largest page); the index holds every artist with more.
LIGHT_LINKS = 50

# Only (0, 0, index set) rows are album credits (DATA-NOTES); the other
# two kinds are "appears on". An unknown album type counts as an album.
ALBUM_GROUP = """
CASE WHEN links.index_in_album IS NOT NULL
      AND links.is_appears_on = 0 AND links.is_implicit_appears_on = 0
     THEN CASE albums.album_type WHEN 'single' THEN 1 WHEN 'compilation' THEN 2 ELSE 0 END
     ELSE 3 END
"""
# Each album of the artist once, in its best (lowest) group; an album
# whose row is missing cannot be shown, so the join leaves it out.
ARTIST_LINKS = f"""
WITH artist_links AS (
    SELECT min({ALBUM_GROUP}) AS album_group, albums.rowid AS album_rowid,
           albums.release_date AS release_date
    FROM artist_albums AS links JOIN albums ON albums.rowid = links.album_rowid
    WHERE links.artist_rowid = :artist
    GROUP BY albums.rowid
)
"""
NEWEST_FIRST = "ORDER BY album_group, release_date DESC, album_rowid DESC"

# Read by the index builder: every album of one artist in discography order.
DISCOGRAPHY = f"{ARTIST_LINKS} SELECT album_group, album_rowid FROM artist_links {NEWEST_FIRST}"

COUNTS = f"{ARTIST_LINKS} SELECT album_group, count(*) FROM artist_links GROUP BY album_group"
# The chosen groups as bits of one integer (bit n for group code n): a
# test of each link, where an IN list is built into a fresh b-tree on
# every execution, which measured slower.
PAGE = f"""{ARTIST_LINKS}
SELECT album_group, album_rowid FROM artist_links
WHERE (:groups >> album_group) & 1
{NEWEST_FIRST}
LIMIT :limit OFFSET :offset
"""

INDEXED_COUNTS = f"""
SELECT album_group, albums FROM {SEARCH_SCHEMA}.artist_album_counts WHERE artist_rowid = ?
"""
# One range of positions per group the page touches: [[group, first, last], …].
# CROSS JOIN keeps the ranges as the outer loop, so each is one seek of the
# primary key; left to itself the planner walks the artist's whole list.
INDEXED_PAGE = f"""
SELECT ordered.album_group, ordered.album_rowid
FROM json_each(:ranges) AS wanted
CROSS JOIN {SEARCH_SCHEMA}.artist_albums_ordered AS ordered
WHERE ordered.artist_rowid = :artist
  AND ordered.album_group = json_extract(wanted.value, '$[0]')
  AND ordered.position BETWEEN json_extract(wanted.value, '$[1]')
                           AND json_extract(wanted.value, '$[2]')
ORDER BY wanted.key, ordered.position
"""


def discography_page(connection, artist_rowid, groups, limit, offset):
    """Return (total, [(group name, album rowid), …]) of one page of the artist's albums.

    :param groups: names from :data:`GROUPS`; the answer keeps the canonical order.
    :return: ``total`` counts every album of those groups, not only the page's.
    """
    codes = sorted(GROUP_CODES[name] for name in set(groups))
    counts = {}
    if PART in connection.index_parts:
        counts = dict(connection.execute(INDEXED_COUNTS, (artist_rowid,)))
    if counts:
        ranges = page_ranges(codes, counts, limit, offset)
        rows = connection.execute(
            INDEXED_PAGE, {"ranges": key_list(ranges), "artist": artist_rowid}
        ).fetchall()
    else:
        counts = dict(connection.execute(COUNTS, {"artist": artist_rowid}))
        rows = connection.execute(PAGE, {
            "artist": artist_rowid, "groups": sum(1 << code for code in codes),
            "limit": limit, "offset": offset,
        }).fetchall()
    total = sum(counts.get(code, 0) for code in codes)
    return total, [(GROUPS[code], album_rowid) for code, album_rowid in rows]


def page_ranges(codes, counts, limit, offset):
    """The positions (1-based, per group) that albums ``offset`` to
    ``offset + limit`` of the chosen groups, one after the other, occupy."""
    ranges = []
    start, end = offset, offset + limit
    before = 0
    for code in codes:
        size = counts.get(code, 0)
        first, last = max(start, before), min(end, before + size)
        if first < last:
            ranges.append([code, first - before + 1, last - before])
        before += size
    return ranges
