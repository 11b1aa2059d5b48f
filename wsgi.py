"""WSGI entry point of a checkout: `gunicorn -c gunicorn.conf.py wsgi:app`
(the package's own is app.wsgi, which `music-metadata-api serve` uses)."""

from app.wsgi import app  # noqa: F401
