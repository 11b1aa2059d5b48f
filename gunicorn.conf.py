"""gunicorn settings for `gunicorn -c gunicorn.conf.py wsgi:app` in a checkout:
the configuration shipped in the package (app/gunicorn_config.py), which
`music-metadata-api serve` uses."""

from app.gunicorn_config import *  # noqa: F401,F403
