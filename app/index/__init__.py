"""The sidecar index: a SQLite file built from the read-only main file, served beside it.

An index is made of parts. A part is a module with ``NAME``, ``DDL`` (the
statements creating its tables) and ``build(source, writer)``, which fills
those tables from the main file and returns its row counts (see
:mod:`app.index.names`). :mod:`app.index.builder` writes every part into a
new file, :mod:`app.index.meta` records and checks which parts a file
holds. The SQL that reads the tables while serving stays in
:mod:`app.catalog`.

A new part is one new module and one entry below; since a part writes only its own tables, one could later be
rebuilt into a copy of an existing index.
"""

from app.index import discographies
from app.index import markets
from app.index import names
from app.index import top_tracks
from app.index import upcs

# Built in this order; an index's meta lists the names of those it holds.
PARTS = (names, upcs, discographies, top_tracks, markets)
