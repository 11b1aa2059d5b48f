"""The ``music-metadata-api`` command: demo catalogues, the search index, file checks."""

import os
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

import click

from app.files import CATALOGUE_FILES_BY_NAME
from app.files import CatalogueFileError

DEMO_TRACKS = 50_000
DEMO_SEED = 1
# A search the demo catalogue answers: accents and case folded, last word a prefix.
DEMO_SEARCH = "corazon ma"
# Where the service looks for the audio features file by default.
AUDIO_FEATURES_NAME = CATALOGUE_FILES_BY_NAME["audio_features"].default_name


@click.group()
@click.version_option(package_name="music-metadata-api")
def main():
    """Music Metadata API: serve it, build its search index, check its files."""


@main.command("serve")
@click.option(
    "--demo", "demo_folder", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Unless MUSIC_API_MAIN_DATABASE is set, build (once) and serve a demo catalogue in this folder.",
)
def serve(demo_folder):
    """Serve the configured files with gunicorn and the packaged settings.

    Settings come from the environment (MUSIC_API_*, WEB_CONCURRENCY,
    GUNICORN_*: see the README). The process becomes the gunicorn master.
    """
    from app.config import environment_setting
    from app.serve import BindError
    from app.serve import check_bind
    from app.serve import exec_gunicorn

    bind = environment_setting("BIND")
    try:
        check_bind(bind)
    except BindError as error:
        fail(error)
    if demo_folder is not None and not os.environ.get("MUSIC_API_MAIN_DATABASE"):
        main_file = _ensure_demo(demo_folder)
        os.environ["MUSIC_API_MAIN_DATABASE"] = str(main_file)
        click.echo(demo_usage(main_file, bind, f"Serving the demo catalogue {main_file}"))
    exec_gunicorn()


def fail(error):
    """End the command with one line on stderr and exit status 1."""
    click.echo(f"music-metadata-api: {error}", err=True)
    sys.exit(1)


@main.command("generate")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--tracks", default=DEMO_TRACKS, show_default=True, help="How many tracks.")
@click.option("--seed", default=DEMO_SEED, show_default=True, help="Random seed.")
def generate(folder, tracks, seed):
    """Write a generated catalogue (all three files) into FOLDER."""
    from app.demo import write_catalogue

    counts = write_catalogue(
        folder / "main_database.sqlite3",
        folder / "track_files.sqlite3",
        audio_features_path=folder / AUDIO_FEATURES_NAME,
        tracks=tracks,
        seed=seed,
        progress=True,
    )
    click.echo(f"wrote {folder}: " + ", ".join(f"{k} {v}" for k, v in counts.items()), err=True)


@main.command("demo")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def demo(folder):
    """Build the demo catalogue in FOLDER once, then print how to serve and use it."""
    from app.config import environment_setting

    main_file = _ensure_demo(folder)
    bind = environment_setting("BIND")
    heading = (
        f"Demo catalogue ready in {folder}; serve it with `music-metadata-api serve --demo {folder}` "
        "(what `make run` does), then:"
    )
    click.echo(demo_usage(main_file, bind, heading))


def _ensure_demo(folder):
    """Build the demo catalogue and its search index in ``folder`` unless
    they are already there; return the main file."""
    main_file = folder / "main_database.sqlite3"
    if not main_file.exists():
        from app.demo import write_catalogue

        click.echo(f"building a demo catalogue of {DEMO_TRACKS:,} tracks in {folder} …", err=True)
        started = time.perf_counter()
        write_catalogue(
            main_file, folder / "track_files.sqlite3",
            audio_features_path=folder / AUDIO_FEATURES_NAME,
            tracks=DEMO_TRACKS, seed=DEMO_SEED, progress=True,
        )
        click.echo(f"built in {time.perf_counter() - started:.1f} s", err=True)
    _ensure_search_index(main_file)
    return main_file


def _ensure_search_index(main_file):
    """Build the demo's search index unless a current one is already beside it."""
    from app.files import check_search_index
    from app.index.builder import default_index_path

    index_path = default_index_path(main_file)
    if index_path.exists():
        try:
            check_search_index(index_path, main_file)
            return
        except CatalogueFileError as error:
            click.echo(f"rebuilding the search index: {error}", err=True)
    _build_index(main_file, index_path)


def _build_index(main_file, index_path):
    from app.index.builder import build_search_index

    click.echo(f"building the search index of {main_file} …", err=True)
    report = build_search_index(main_file, index_path, progress=True)
    rows = ", ".join(f"{report[kind]:,} {kind}" for kind in ("tracks", "albums", "artists"))
    click.echo(
        f"wrote {index_path}: {rows}; {report['bytes'] / 1e6:,.1f} MB in "
        f"{report['seconds']:.1f} s, peak memory {report['peak_rss_bytes'] / 1e6:,.0f} MB",
        err=True,
    )


@main.command("build-search-index")
@click.option(
    "--main-database", envvar="MUSIC_API_MAIN_DATABASE", required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="main_database.sqlite3 to index (default: $MUSIC_API_MAIN_DATABASE).",
)
@click.option(
    "--output", envvar="MUSIC_API_SEARCH_DATABASE", default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Index file to write (default: $MUSIC_API_SEARCH_DATABASE, else "
    "search.sqlite3 beside the main file).",
)
def build_search_index_command(main_database, output):
    """Build the search index of the main file (read-only) into a sidecar file.

    The index is written under a temporary name and renamed only when
    complete, so the service never sees a half-built one.
    """
    from app.index.builder import default_index_path

    output = output or default_index_path(main_database)
    if not output.parent.is_dir():
        fail(f"cannot write {output}: no folder {output.parent}")
    try:
        _build_index(main_database, output)
    except (CatalogueFileError, OSError) as error:
        fail(error)


def demo_usage(main_file, bind, heading):
    """Return ``heading``, the URL of /docs and curl commands that work on the demo."""
    from app.catalog.examples import example_keys

    keys = example_keys(main_file)
    base = f"http://{bind}"
    return "\n".join(
        [
            heading,
            f"  API documentation: {base}/docs",
            "  Try:",
            f"    curl '{base}/search/track?q={quote_plus(DEMO_SEARCH)}&limit=3'",
            f"    curl {base}/lookup/isrc/{keys['isrc']}",
            f"    curl {base}/lookup/album/{keys['album']}/tracks",
            f"    curl -X POST {base}/batch/lookup -H 'Content-Type: application/json' "
            f"-d '{{\"tracks\": [\"{keys['track']}\"], \"artists\": [\"{keys['artist']}\"]}}'",
        ]
    )


@main.command("check")
def check():
    """Check the configured files (MUSIC_API_* variables) and exit non-zero if wrong."""
    from app import create_app

    try:
        app = create_app()
    except CatalogueFileError as error:
        fail(error)
    from app.files import CATALOGUE_FILES

    served = app.extensions["catalogue_files"]
    described = []
    for file in CATALOGUE_FILES:
        contents = served.contents.get(file.name)
        parts = f" (parts: {', '.join(contents)})" if contents else ""
        path = served.get(file.name) or "not configured"
        described.append(f"{file.name} {path}{parts}")
    click.echo("ok: " + ", ".join(described))
