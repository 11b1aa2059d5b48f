"""The search index: its schema, how it is filled, and how it is asked.

The index is a sidecar SQLite file (attached as ``search``) holding, for
tracks, albums and artists:

- ``<kind>_ranks``: rank → rowid in the main file. Rank 1 is the most popular
  track or album, the most followed artist; ties go to the higher rowid, the
  order the scan fallback and every "most popular first" list use.
- ``<kind>_words``: FTS5 over the names, word tokens folded for case and
  accents, with prefix indexes so a short last word stays an index walk.
- ``<kind>_terms``: every distinct word, to expand a long last word.
- ``<kind>_trigrams``: FTS5 trigram index over the same names, for matches
  in the middle of a word.

Both FTS tables use the rank as their rowid. FTS5 returns matches in rowid
order, so the first matches it finds are the most popular ones: a page is a
walk that stops after ``offset + limit`` matches instead of a sort of every
match.
"""

import json

import apsw

from app.catalog import albums as albums_sql
from app.catalog import artists as artists_sql
from app.catalog import credited
from app.catalog import tracks as tracks_sql
from app.db import SEARCH_SCHEMA

# Bump when the layout changes: the service refuses an index of another format.
FORMAT = 1

KINDS = ("track", "album", "artist")

# The same tokenizer settings build the index and split the query, so both
# fold "Beyoncé" and "BEYONCE" to the same token.
WORD_TOKENIZER = ("unicode61", ("remove_diacritics", "2"))
TRIGRAM_TOKENIZER = "trigram remove_diacritics 1"
# Prefix indexes for 1 to 5 characters turn a short last word (`daft p`) into
# one index term; a longer one is expanded from the vocabulary (see TIERS).
PREFIX_LENGTHS = "1 2 3 4 5"
MAX_PREFIX_INDEX = 5
# The trigram index only finds substrings of at least three characters.
TRIGRAM_MIN_CHARACTERS = 3

META_TABLE = """
CREATE TABLE search_meta (key TEXT PRIMARY KEY NOT NULL, value) WITHOUT ROWID
"""
# Every distinct word of the names, for expanding a long last word.
TERMS_TABLE = """
CREATE TABLE {kind}_terms (term TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID
"""
FILL_TERMS = """
CREATE VIRTUAL TABLE temp.{kind}_vocabulary USING fts5vocab(main, {kind}_words, row);
INSERT INTO {kind}_terms (term) SELECT term FROM temp.{kind}_vocabulary;
DROP TABLE temp.{kind}_vocabulary;
"""
RANKS_TABLE = """
CREATE TABLE {kind}_ranks (rank INTEGER PRIMARY KEY NOT NULL, main_rowid INTEGER NOT NULL)
"""
# contentless (content=''): the names live in the main file already; no
# column sizes either, since ranking never uses bm25.
WORDS_TABLE = f"""
CREATE VIRTUAL TABLE {{kind}}_words USING fts5(
    name, content='', columnsize=0, detail=none,
    tokenize='{WORD_TOKENIZER[0]} {" ".join(WORD_TOKENIZER[1])}', prefix='{PREFIX_LENGTHS}'
)
"""
# detail=full: a substring of four or more characters is a phrase of trigrams.
TRIGRAMS_TABLE = f"""
CREATE VIRTUAL TABLE {{kind}}_trigrams USING fts5(
    name, content='', columnsize=0, detail=full, tokenize='{TRIGRAM_TOKENIZER}'
)
"""

# Each walk reads the main file best first through an existing index walked
# backwards, so rows stream in rank order without a sort. Tracks whose album
# row is missing are never shown, so they are not indexed; empty names match
# nothing.
SOURCES = {
    "track": """
        SELECT tracks.rowid, tracks.name FROM main.tracks INDEXED BY tracks_popularity
        JOIN main.albums ON albums.rowid = tracks.album_rowid
        WHERE tracks.name <> ''
        ORDER BY tracks.popularity DESC, tracks.rowid DESC
    """,
    "album": """
        SELECT rowid, name FROM main.albums INDEXED BY album_popularity
        WHERE name <> ''
        ORDER BY popularity DESC, rowid DESC
    """,
    "artist": """
        SELECT rowid, name FROM main.artists INDEXED BY artists_followers
        WHERE name <> ''
        ORDER BY followers_total DESC, rowid DESC
    """,
}
# Upper bounds for the progress bar (rowids may have gaps; cheap through the key).
SOURCE_SIZES = {
    "track": "SELECT max(rowid) FROM main.tracks",
    "album": "SELECT max(rowid) FROM main.albums",
    "artist": "SELECT max(rowid) FROM main.artists",
}

INSERT_RANK = "INSERT INTO {kind}_ranks (rank, main_rowid) VALUES (?, ?)"
INSERT_WORDS = "INSERT INTO {kind}_words (rowid, name) VALUES (?, ?)"
INSERT_TRIGRAMS = "INSERT INTO {kind}_trigrams (rowid, name) VALUES (?, ?)"
# Merge each FTS table into one segment: queries then read one b-tree.
OPTIMIZE = "INSERT INTO {table} ({table}) VALUES ('optimize')"
SET_META = "INSERT OR REPLACE INTO search_meta (key, value) VALUES (?, ?)"
READ_META = "SELECT key, value FROM {schema}.search_meta"

# One statement per page, whatever its size. Three tiers, each a walk in rank
# order that stops after `depth` = offset + limit matches:
#   1. every word whole (`daft punk`),
#   2. every word whole, the last as a prefix (`daft pu`),
#   3. every word inside a word (`aft unk`; only words of 3+ characters).
# A row keeps its best tier; within a tier the most popular comes first. The
# first `depth` rows of the merged list only ever come from the first `depth`
# of each tier, so each walk stays bounded, and UNION ALL stops as soon as the
# page is full: a common word never reaches the later tiers.
#
# FTS5 answers a prefix longer than its prefix indexes by merging the whole
# doclist of every matching word before returning a row. So a long last word
# is expanded from the <kind>_terms vocabulary into an OR of the few words it
# starts (`("night" OR "nights")`), which FTS5 walks lazily; only when it
# starts too many words does the plain prefix query run.
TIERS = """
WITH
completions AS (
    SELECT term FROM {schema}.{kind}_terms
    WHERE term >= :last AND term < :last || char(1114111)
    ORDER BY term LIMIT :completions + 1
),
start_query AS (
    SELECT CASE WHEN count(*) BETWEEN 1 AND :completions
        THEN :head || '(' || group_concat('"' || term || '"', ' OR ') || ')'
        ELSE :prefix END AS text
    FROM completions
),
whole AS (
    SELECT rowid AS rank FROM {schema}.{kind}_words
    WHERE {kind}_words MATCH :whole ORDER BY rowid LIMIT :depth
),
start AS (
    SELECT rowid AS rank FROM {schema}.{kind}_words
    WHERE {kind}_words MATCH (SELECT text FROM start_query) ORDER BY rowid LIMIT :depth
),
inside AS (
    SELECT rowid AS rank FROM {schema}.{kind}_trigrams
    WHERE {kind}_trigrams MATCH :inside ORDER BY rowid LIMIT :depth
),
page AS (
    SELECT rank FROM whole
    UNION ALL
    SELECT rank FROM start WHERE rank NOT IN (SELECT rank FROM whole)
    {inside_tier}
    LIMIT :limit OFFSET :offset
),
numbered AS (SELECT rank, row_number() OVER () AS position FROM page)
SELECT ranks.main_rowid FROM numbered
JOIN {schema}.{kind}_ranks AS ranks ON ranks.rank = numbered.rank
ORDER BY numbered.position
"""
INSIDE_TIER = """
    UNION ALL
    SELECT rank FROM inside WHERE rank NOT IN (SELECT rank FROM start)
"""
# Completions beyond this many: the prefix query is cheaper than the OR.
MAX_COMPLETIONS = 64


def _page_statement(kind, with_trigrams):
    return TIERS.format(
        schema=SEARCH_SCHEMA, kind=kind, inside_tier=INSIDE_TIER if with_trigrams else ""
    )


# Statement texts are fixed per kind, so APSW's statement cache reuses them.
PAGE_STATEMENTS = {
    (kind, with_trigrams): _page_statement(kind, with_trigrams)
    for kind in KINDS
    for with_trigrams in (False, True)
}


def query_words(connection, text):
    """Split ``text`` into folded words exactly as the index split the names."""
    name, arguments = WORD_TOKENIZER
    tokenizer = connection.fts5_tokenizer(name, list(arguments))
    tokens = tokenizer(text.encode("utf-8"), apsw.FTS5_TOKENIZE_QUERY, None, include_offsets=False)
    return [token[0] for token in tokens]


def _quoted(word):
    """An FTS5 string: the word itself, never read as query syntax."""
    return '"' + word.replace('"', '""') + '"'


def ranked_rowids(connection, kind, words, limit, offset):
    """Return main-file rowids of ``kind`` matching every word, best first.

    :param words: the folded query words (:func:`query_words`); not empty.
    """
    quoted = [_quoted(word) for word in words]
    last = words[-1]
    with_trigrams = all(len(word) >= TRIGRAM_MIN_CHARACTERS for word in words)
    bindings = {
        "whole": " ".join(quoted),
        # FTS5 has no implicit AND before a parenthesis: spell it out.
        "head": "".join(word + " AND " for word in quoted[:-1]),
        "prefix": " ".join(quoted) + "*",
        "last": last,
        # A prefix the prefix indexes cover is one term already.
        "completions": MAX_COMPLETIONS if len(last) > MAX_PREFIX_INDEX else 0,
        # Bound always; read only by the statement with the trigram tier.
        "inside": " ".join(quoted),
        "depth": offset + limit,
        "limit": limit,
        "offset": offset,
    }
    statement = PAGE_STATEMENTS[(kind, with_trigrams)]
    return [rowid for (rowid,) in connection.execute(statement, bindings)]


def read_meta(connection, schema="main"):
    """Return the index's search_meta as a dict (values JSON-decoded)."""
    return {
        key: json.loads(value)
        for key, value in connection.execute(READ_META.format(schema=schema))
    }


def search_tracks(connection, q, limit, offset):
    """Tracks matching ``q`` through the index, best first (see TIERS)."""
    words = query_words(connection, q)
    if not words:
        return []
    rowids = ranked_rowids(connection, "track", words, limit, offset)
    return tracks_sql.tracks_by_rowid(connection, rowids)


def search_albums(connection, q, limit, offset):
    """Whole albums matching ``q`` through the index, best first."""
    words = query_words(connection, q)
    if not words:
        return []
    return albums_sql.albums_by_rowid_whole(
        connection, ranked_rowids(connection, "album", words, limit, offset)
    )


def search_artists(connection, q, limit, offset):
    """Artists matching ``q`` through the index, best first."""
    words = query_words(connection, q)
    if not words:
        return []
    rowids = ranked_rowids(connection, "artist", words, limit, offset)
    return credited(rowids, artists_sql.artists_by_rowid(connection, rowids))
