"""The names part: full-text indexes of track, album and artist names.

For each kind (track, album, artist) it holds:

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
match. How the tables are asked is in :mod:`app.catalog.search`.
"""

NAME = "names"

KINDS = ("track", "album", "artist")

# The same tokenizer settings build the index and split the query, so both
# fold "Beyoncé" and "BEYONCE" to the same token.
WORD_TOKENIZER = ("unicode61", ("remove_diacritics", "2"))
TRIGRAM_TOKENIZER = "trigram remove_diacritics 1"
# Prefix indexes for 1 to 5 characters turn a short last word (`daft p`) into
# one index term; a longer one is expanded from the vocabulary (<kind>_terms).
PREFIX_LENGTHS = "1 2 3 4 5"
MAX_PREFIX_INDEX = 5
# The trigram index only finds substrings of at least three characters.
TRIGRAM_MIN_CHARACTERS = 3

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
# Every distinct word of the names, for expanding a long last word.
TERMS_TABLE = """
CREATE TABLE {kind}_terms (term TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID
"""
DDL = tuple(
    table.format(kind=kind)
    for kind in KINDS
    for table in (RANKS_TABLE, WORDS_TABLE, TRIGRAMS_TABLE, TERMS_TABLE)
)

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
FILL_TERMS = """
CREATE VIRTUAL TABLE temp.{kind}_vocabulary USING fts5vocab(main, {kind}_words, row);
INSERT INTO {kind}_terms (term) SELECT term FROM temp.{kind}_vocabulary;
DROP TABLE temp.{kind}_vocabulary;
"""


def build(source, writer):
    """Fill the tables of every kind from the main file; return rows per kind.

    :param source: a read-only connection to the main file.
    :param writer: the :class:`app.index.builder.IndexWriter` of the new index.
    """
    return {kind + "s": _fill(source, writer, kind) for kind in KINDS}


def _fill(source, writer, kind):
    inserts = [sql.format(kind=kind) for sql in (INSERT_RANK, INSERT_WORDS, INSERT_TRIGRAMS)]

    def write_batch(connection, batch):
        connection.executemany(inserts[0], [(rank, rowid) for rank, rowid, _ in batch])
        connection.executemany(inserts[1], [(rank, name) for rank, _, name in batch])
        connection.executemany(inserts[2], [(rank, name) for rank, _, name in batch])

    (upper_bound,) = source.execute(SOURCE_SIZES[kind]).fetchone()
    ranked = (
        (rank, rowid, name)
        for rank, (rowid, name) in enumerate(source.execute(SOURCES[kind]), 1)
    )
    with writer.step(f"{kind}s", upper_bound) as step:
        count = step.load(ranked, write_batch)
        step.finish("merging segments", [
            OPTIMIZE.format(table=f"{kind}_words"),
            OPTIMIZE.format(table=f"{kind}_trigrams"),
            FILL_TERMS.format(kind=kind),
        ])
    return count
