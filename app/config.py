"""Every setting the service reads, with its default and the help the README shows.

Settings come from environment variables with the prefix ``MUSIC_API_``
(Flask's ``from_prefixed_env``, so ``MUSIC_API_SEARCH_TIME_LIMIT_MS=500``
arrives as the integer 500). ``tests/test_config.py`` fails when a setting
here is missing from the README.
"""

import os
from dataclasses import dataclass
from typing import Any

ENV_PREFIX = "MUSIC_API"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS = (
    Setting(
        "MAIN_DATABASE",
        None,
        "Path to main_database.sqlite3. Unset: `make run` builds and serves a "
        "demo catalogue under var/demo/.",
    ),
    Setting(
        "TRACK_FILES_DATABASE",
        None,
        "Path to track_files.sqlite3. Default: track_files.sqlite3 beside the "
        "main file. When absent the service still starts, logs a warning once, "
        "leaves the track_files fields out and /health says so.",
    ),
    Setting(
        "AUDIO_FEATURES_DATABASE",
        None,
        "Path to the audio features file (spotify_clean_audio_features.sqlite3). "
        "Default: that name beside the main file, when present. Without it the "
        "audio-features routes answer 403 and /health says `not configured`.",
    ),
    Setting(
        "SEARCH_DATABASE",
        None,
        "Path to the search index built by `music-metadata-api "
        "build-search-index`. Default: search.sqlite3 beside the main file, "
        "when present. Without it search falls back to a time-limited scan; "
        "an index built from another main file stops start-up.",
    ),
    Setting(
        "BIND",
        "127.0.0.1:8080",
        "Address gunicorn listens on (read by `music-metadata-api serve`, which "
        "`make run` runs); `serve` says in one line when it is already in use.",
    ),
    Setting(
        "SEARCH_TIME_LIMIT_MS",
        1000,
        "A search still running after this many milliseconds is interrupted "
        "inside SQLite and answered 408.",
    ),
    Setting(
        "REQUEST_TIME_LIMIT_MS",
        2000,
        "Every request's SQL shares this budget in milliseconds, counted from "
        "the request's start; a statement still running after it is interrupted "
        "inside SQLite and the request answered 503. Search keeps its own, "
        "tighter limit.",
    ),
    Setting(
        "SQLITE_IMMUTABLE",
        True,
        "Open the files with immutable=1: SQLite then takes no locks and never "
        "checks for changes. Set false if the files can change while served.",
    ),
    Setting(
        "SQLITE_MMAP_SIZE",
        256 * 1024**3,
        "PRAGMA mmap_size in bytes for each file: pages are read through the "
        "shared OS page cache instead of each worker's own heap.",
    ),
    Setting(
        "SQLITE_CACHE_SIZE_KIB",
        8192,
        "PRAGMA cache_size per connection, in KiB (private to each worker).",
    ),
    Setting(
        "RATELIMIT_ENABLED",
        True,
        "flask-limiter: turn rate limiting on or off.",
    ),
    Setting(
        "RATELIMIT_DEFAULT",
        "100 per second",
        "The one limit of each client IP, counted over every route together "
        "(/health, /metrics and the docs are not counted), in flask-limiter's "
        "notation (`100 per second`, `5000 per hour`).",
    ),
    Setting(
        "RATELIMIT_STORAGE_URI",
        "memory://",
        "flask-limiter: where counts live. `memory://` counts per worker "
        "process; `redis://host:6379` makes the limit exact across workers "
        "and machines.",
    ),
    Setting(
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED",
        True,
        "flask-limiter: while the storage (Redis) cannot be reached, count in "
        "each worker's memory instead of failing requests; Redis is used "
        "again once it answers.",
    ),
    Setting(
        "MAX_CONTENT_LENGTH",
        1024 * 1024,
        "Largest request body accepted, in bytes; larger ones are answered 413.",
    ),
    Setting(
        "LOG_LEVEL",
        "INFO",
        "Lowest level logged (DEBUG, INFO, WARNING, ERROR); every line is JSON on "
        "stderr. INFO includes one line per request.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "How many reverse proxies in front of the service append to "
        "X-Forwarded-For (werkzeug ProxyFix). 0: the header is ignored and the "
        "socket's address is the client. Behind one nginx: 1.",
    ),
    Setting(
        "PUBLIC_BASE_URL",
        "",
        "The service's address as clients reach it (`https://music.example`), "
        "used for the absolute links of /v1 answers (`href`, a page's `next`). "
        "Empty: the request's own scheme and host, which behind trusted proxies "
        "come from their X-Forwarded-Proto, -Host, -Port and -Prefix headers.",
    ),
    Setting(
        "CLIENT_CREDENTIALS",
        "",
        "Client id and secret pairs POST /api/token accepts "
        "(`id:secret,id2:secret2`); /v1 then requires the Bearer token it "
        "issues. Empty: authentication is off, any pair gets a token and /v1 "
        "ignores tokens.",
    ),
    Setting(
        "CACHE_MAX_AGE",
        86400,
        "Seconds a successful GET answer may be cached (Cache-Control: public, "
        "max-age); every such answer also carries a strong ETag.",
    ),
    Setting(
        "ANSWER_CACHE_MB",
        32,
        "Each worker keeps its most recently used GET answers, encoded, up to "
        "this many MB of its private memory (about 2.4 kB per track answer) and "
        "serves repeats without SQL; emptied when the files "
        "change. 0 turns it off. Hits and misses are counted in /metrics.",
    ),
    Setting(
        "SHARED_OBJECTS_MB",
        16,
        "Each worker keeps the albums and artists it has serialised, encoded, up "
        "to this many MB of its private memory (about 4.5 kB each), and embeds "
        "them in later answers instead of building them again (batches hold "
        "hundreds); emptied when the files change. "
        "0 turns it off.",
    ),
    Setting(
        "CORS_ORIGINS",
        "",
        "Origins allowed to call the API from a browser, comma-separated "
        "(`https://a.example,https://b.example`, or `*`). Empty: no CORS headers.",
    ),
)

DEFAULTS = {setting.name: setting.default for setting in SETTINGS}


def environment_setting(name):
    """A setting as the environment gives it (``MUSIC_API_<name>``), else its
    default: for what runs before the app is built (gunicorn, the CLI)."""
    return os.environ.get(f"{ENV_PREFIX}_{name}", DEFAULTS[name])
