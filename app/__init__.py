"""Music Metadata API: read-only JSON lookups over the Spotify metadata snapshot."""

from flask import Flask


def create_app(overrides=None):
    """Build the application.

    Settings come from :mod:`app.config` defaults, then ``MUSIC_API_*``
    environment variables, then ``overrides`` (tests pass a mapping).

    :raise app.files.CatalogueFileError: when a configured file is missing or wrong.
    """
    from app import cors
    from app import db
    from app import errors
    from app import http_cache
    from app import limits
    from app import logs
    from app import metrics
    from app import proxies
    from app import shared_objects
    from app import tracing
    from app.api import batch
    from app.api import docs
    from app.api import health
    from app.api import lookup
    from app.api import search
    from app.api import spotify
    from app.api import spotify_deeper
    from app.api import spotify_search
    from app.api import token
    from app.config import DEFAULTS
    from app.config import ENV_PREFIX
    from app.files import resolve_files
    from app.json_provider import FastJSONProvider
    from app.openapi import build_spec

    app = Flask(__name__, static_folder=None)
    # /search/track/ answers as /search/track does, and the // of a pasted
    # https:// link in a lookup path is kept rather than redirected.
    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False
    app.json = FastJSONProvider(app)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env(ENV_PREFIX)
    app.config.from_mapping(overrides or {})
    # The contract fixes field order, so keys must not be sorted.
    app.json.sort_keys = False
    app.json.compact = True
    app.json.ensure_ascii = False

    app.extensions["catalogue_files"] = resolve_files(app.config)
    db.init_app(app)
    errors.init_app(app)
    # Request ids, logs, metrics and traces first: their hooks then see
    # every request, including one the rate limit turns away.
    logs.init_app(app)
    metrics.init_app(app)
    tracing.init_app(app)
    limits.init_app(app)
    http_cache.init_app(app)
    shared_objects.init_app(app)
    cors.init_app(app)
    proxies.init_app(app)
    app.register_blueprint(lookup.bp, url_prefix="/lookup")
    app.register_blueprint(search.bp, url_prefix="/search")
    app.register_blueprint(batch.bp, url_prefix="/batch")
    # The Spotify Web API family, and its accounts service's token route.
    app.register_blueprint(spotify.bp, url_prefix="/v1")
    app.register_blueprint(spotify_search.bp, url_prefix="/v1")
    app.register_blueprint(spotify_deeper.bp, url_prefix="/v1")
    app.register_blueprint(token.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(docs.bp)
    # From the registered routes, so it needs them all.
    app.extensions["openapi"] = build_spec(app)
    _check_for_coroutines_once(app)
    return app


def _check_for_coroutines_once(app):
    """Ask once whether each registered view and request hook is a coroutine.

    Flask asks it of every hook and of the view on every request (inspect's
    code flags, a dozen times a request); the answer for a registered
    function never changes. Functions added later are asked as Flask asks.
    """
    ensure_sync = app.ensure_sync
    registered = [*app.view_functions.values(), *app.teardown_appcontext_funcs]
    for hooks_by_blueprint in (
        app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
    ):
        for hooks in hooks_by_blueprint.values():
            registered.extend(hooks)
    callable_now = {function: ensure_sync(function) for function in registered}

    def ensure_sync_once(function):
        found = callable_now.get(function)
        return ensure_sync(function) if found is None else found

    app.ensure_sync = ensure_sync_once
