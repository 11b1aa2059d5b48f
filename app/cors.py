"""Cross-origin requests from browsers (flask-cors), off unless origins are configured."""

from flask_cors import CORS

# Headers a browser script may send, and the ones it may read from answers.
ALLOWED_REQUEST_HEADERS = ["Content-Type", "If-None-Match", "X-Request-ID"]
EXPOSED_HEADERS = [
    "ETag",
    "Retry-After",
    "X-Request-ID",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
]
# How long a browser may reuse a preflight answer, in seconds.
PREFLIGHT_MAX_AGE = 600


def allowed_origins(setting):
    """Return the list of origins from the setting: a comma-separated string or a list."""
    if not setting:
        return []
    values = setting.split(",") if isinstance(setting, str) else setting
    return [origin.strip() for origin in values if origin.strip()]


def init_app(app):
    origins = allowed_origins(app.config["CORS_ORIGINS"])
    if not origins:
        return
    CORS(
        app,
        origins=origins,
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=ALLOWED_REQUEST_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        max_age=PREFLIGHT_MAX_AGE,
    )
