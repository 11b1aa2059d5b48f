"""WSGI entry point: ``gunicorn -c python:app.gunicorn_config app.wsgi:app``
(what ``music-metadata-api serve`` runs)."""

from app import create_app
from app.files import CatalogueFileError

try:
    app = create_app()
except CatalogueFileError as error:
    # One clear line and a non-zero exit instead of a traceback.
    raise SystemExit(f"music-metadata-api: {error}") from None
