"""Which catalogue files the service serves, and whether they are what it expects.

Start-up calls :func:`resolve_files`; every problem becomes one
:class:`CatalogueFileError` whose message names the file and what is wrong,
so the process can exit with one clear line. Nothing here creates or
modifies a file: the files are only ever opened read-only.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import apsw

from app.catalog import health as health_sql
from app.db import AUDIO_FEATURES_SCHEMA
from app.db import SEARCH_SCHEMA
from app.db import TRACK_FILES_SCHEMA
from app.db import read_only
from app.index import meta as index_meta

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_SIZE = 100
# Pages of the main file hashed into its fingerprint, spread over the file.
FINGERPRINT_PAGES = 64


class CatalogueFileError(Exception):
    """A configured file is missing, unreadable, not SQLite, or the wrong schema."""


@dataclass(frozen=True)
class CatalogueFile:
    """One file the service can serve, and everything that differs between files."""

    name: str
    # What log lines call it.
    description: str
    # The setting (MUSIC_API_<setting>) that names its path.
    setting: str
    # Looked for beside the main file when the setting is unset; None: no default.
    default_name: str | None
    # Schema name it is ATTACHed under ("main" is the file the connection opens).
    schema: str
    # check(path, main_path) raises CatalogueFileError when the file is wrong;
    # it may return what the file holds (an index's parts), or None.
    check: Callable[[Path, Path], object]
    # Statement /health runs on the file alone; None: the file is not probed.
    probe: str | None
    # Logged once at start-up when an optional file is absent: what goes missing.
    when_absent: str | None = None

    @property
    def required(self):
        return self.when_absent is None


def _schema_check(ddl_name):
    return lambda path, main: check_schema(path, ddl_name)


# Every file the service knows; a new optional file is one more row here.
CATALOGUE_FILES = (
    CatalogueFile(
        "main", "main file", "MAIN_DATABASE", None, "main",
        _schema_check("main_database.sql"), health_sql.MAIN_PROBE,
    ),
    CatalogueFile(
        "track_files", "track_files database", "TRACK_FILES_DATABASE",
        "track_files.sqlite3", TRACK_FILES_SCHEMA,
        _schema_check("track_files.sql"), health_sql.TRACK_FILES_PROBE,
        when_absent="track_files fields are left out",
    ),
    CatalogueFile(
        "audio_features", "audio features database", "AUDIO_FEATURES_DATABASE",
        "spotify_clean_audio_features.sqlite3", AUDIO_FEATURES_SCHEMA,
        _schema_check("audio_features.sql"), health_sql.AUDIO_FEATURES_PROBE,
        when_absent="audio features are answered 403",
    ),
    CatalogueFile(
        "search", "search index", "SEARCH_DATABASE", "search.sqlite3", SEARCH_SCHEMA,
        lambda path, main: check_search_index(path, main), None,
        when_absent="search scans the main file under its time limit "
        "(build one with `music-metadata-api build-search-index`)",
    ),
)
CATALOGUE_FILES_BY_NAME = {file.name: file for file in CATALOGUE_FILES}


class ServedFiles(dict):
    """{file name: path} of the files being served, in the order of
    :data:`CATALOGUE_FILES`; an optional file that is absent is left out.
    ``contents`` keeps what each file's check said it holds (an index's parts)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contents = {}

    @property
    def main(self):
        return self["main"]

    def attachments(self):
        """Return (schema name, path) of each served file other than the main one."""
        return [
            (CATALOGUE_FILES_BY_NAME[name].schema, path)
            for name, path in self.items() if name != "main"
        ]


def resolve_files(config):
    """Check the configured files and return the ones to serve.

    :return: :class:`ServedFiles`.
    :raise CatalogueFileError: naming the file and what is wrong with it.
    """
    if not config.get("MAIN_DATABASE"):
        raise CatalogueFileError(
            "MUSIC_API_MAIN_DATABASE is not set: give the path to "
            "main_database.sqlite3 (or use `make run` for a demo catalogue)"
        )
    main = Path(config["MAIN_DATABASE"])
    served = ServedFiles()
    for file in CATALOGUE_FILES:
        configured = config.get(file.setting)
        # A file the operator named must exist; an optional default may be absent.
        path = Path(configured) if configured else main.parent / file.default_name
        if not file.required and not configured and not path.exists():
            log.warning("no %s at %s: %s", file.description, path, file.when_absent)
            continue
        contents = file.check(path, main)
        served[file.name] = path
        if contents is not None:
            served.contents[file.name] = tuple(contents)
    return served


def check_schema(path, ddl_name, *, immutable=True):
    """Check that ``path`` is an SQLite file holding the shared schema ``ddl_name``.

    Every table, column and index of the shared DDL must be present; extra
    ones are allowed.

    :raise CatalogueFileError: naming the file and what is wrong.
    """
    _check_is_sqlite_file(path)
    expected = _schema_of(apsw.Connection(":memory:"), ddl_text(ddl_name))
    try:
        with read_only(path, immutable=immutable) as connection:
            found = _schema_of(connection)
    except apsw.Error as exc:
        raise CatalogueFileError(f"{path}: cannot be read as SQLite ({exc})") from exc
    missing = _missing_parts(expected, found)
    if missing:
        raise CatalogueFileError(
            f"{path}: not the expected schema ({ddl_name}): missing {', '.join(missing)}"
        )


def check_search_index(path, main):
    """Check that ``path`` is a complete search index built from ``main`` as it is now.

    :return: the names of the parts the index holds.
    :raise CatalogueFileError: naming the index and how to rebuild it.
    """
    _check_is_sqlite_file(path)
    try:
        return index_meta.check_index(path, main, main_fingerprint(main))
    except index_meta.UnusableIndex as exc:
        raise CatalogueFileError(str(exc)) from exc


def main_fingerprint(main_path):
    """Return a digest that changes when the main file is replaced or rewritten.

    Reads the 100-byte SQLite header (page count, change counter, schema
    cookie), the file size and a fixed sample of pages: cheap at start-up
    even for a 117 GiB file, and copying the file elsewhere keeps it.
    """
    path = Path(main_path)
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with path.open("rb") as file:
        header = file.read(HEADER_SIZE)
        digest.update(header)
        page_size = page_size_of(header)
        pages = max(size // page_size, 1)
        for sample in range(FINGERPRINT_PAGES):
            file.seek(sample * (pages - 1) // (FINGERPRINT_PAGES - 1) * page_size)
            digest.update(file.read(page_size))
    return digest.hexdigest()


def ddl_text(ddl_name):
    """Return the shared DDL text shipped in the package."""
    return resources.files("app").joinpath("ddl", ddl_name).read_text("utf-8")


def _check_is_sqlite_file(path):
    if not path.exists():
        raise CatalogueFileError(f"{path}: no such file")
    if not path.is_file():
        raise CatalogueFileError(f"{path}: not a regular file")
    try:
        with path.open("rb") as file:
            header = file.read(HEADER_SIZE)
    except OSError as exc:
        raise CatalogueFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not header.startswith(SQLITE_HEADER) or len(header) < HEADER_SIZE:
        raise CatalogueFileError(f"{path}: not an SQLite database")
    expected_size = _size_from_header(header)
    actual_size = path.stat().st_size
    if expected_size is not None and actual_size < expected_size:
        raise CatalogueFileError(
            f"{path}: truncated ({actual_size} bytes; its header says {expected_size})"
        )


def page_size_of(header):
    """The page size an SQLite header gives (stored as 1 when it is 65,536)."""
    page_size = int.from_bytes(header[16:18], "big")
    return 65536 if page_size == 1 else max(page_size, 512)


def _size_from_header(header):
    """Return the file size the header promises, or None if it does not say.

    The page count at offset 28 is only valid when the "version-valid-for"
    number at offset 92 equals the change counter at offset 24.
    """
    page_size = page_size_of(header)
    change_counter = header[24:28]
    if header[92:96] != change_counter:
        return None
    return page_size * int.from_bytes(header[28:32], "big")


def _schema_of(connection, ddl=None):
    """Return {table: set of columns} and the set of index names of a database."""
    if ddl is not None:
        connection.execute(ddl)
    tables = {}
    for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    ):
        tables[name] = {
            row[1] for row in connection.execute("SELECT * FROM pragma_table_info(?)", (name,))
        }
    indexes = {
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    }
    return tables, indexes


def _missing_parts(expected, found):
    expected_tables, expected_indexes = expected
    found_tables, found_indexes = found
    missing = []
    for table, columns in expected_tables.items():
        if table not in found_tables:
            missing.append(f"table {table}")
            continue
        missing.extend(
            f"column {table}.{column}"
            for column in sorted(columns - found_tables[table])
        )
    missing.extend(f"index {index}" for index in sorted(expected_indexes - found_indexes))
    return missing


def database_states(served, *, immutable):
    """Return {file: "ok" | "unavailable" | "not configured"} for each probed file.

    :param served: the :class:`ServedFiles` being served.
    """
    return {
        file.name: (
            health_sql.probe(served[file.name], file.probe, immutable=immutable)
            if file.name in served else "not configured"
        )
        for file in CATALOGUE_FILES
        if file.probe is not None
    }
