"""Search through the index: how its names part is asked.

The tables (ranks, words, terms and trigrams of each kind) and how they are
filled are described in :mod:`app.index.names`. Matches come back in rank
order, so a page is a walk that stops after ``offset + limit`` matches
instead of a sort of every match.
"""

import apsw

from app.catalog import albums as albums_sql
from app.catalog import artists as artists_sql
from app.catalog import tracks as tracks_sql
from app.db import SEARCH_SCHEMA
from app.index.names import KINDS
from app.index.names import MAX_PREFIX_INDEX
from app.index.names import TRIGRAM_MIN_CHARACTERS
from app.index.names import WORD_TOKENIZER

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
    return artists_sql.artists_in_order(connection, rowids)
