"""HTTP caching: the files never change while they are open, so answers can be kept.

Every successful GET (and HEAD) answer carries a strong ``ETag`` and
``Cache-Control: public, max-age=CACHE_MAX_AGE``; a request whose
``If-None-Match`` holds the current tag is answered 304 with no body.
For answers drawn from the catalogue the tag is made from the files'
fingerprint and the request (:mod:`app.answer_cache`), so it is known
before the view runs: a 304 then costs no SQL and no rendering, and a
repeated request is served from the worker's answer cache. The service's
own documents (the ``docs`` blueprint) are tagged by a hash of their body.
Errors say ``no-store``: a cached 404 would outlive a restored file and a
cached 429 would throttle other clients behind a shared cache. ``/health``
and ``/metrics`` describe the present moment, so they are never stored either.
"""

from typing import NamedTuple

from flask import g
from flask import request

from app import db
from app import metrics
from app.answer_cache import Answer
from app.answer_cache import AnswerCache

# Blueprints whose answers change from one moment to the next.
LIVE_BLUEPRINTS = frozenset({"health", "metrics"})
# Blueprints whose answers do not come from the catalogue files: tagged by
# their body, as Werkzeug does, and not kept.
OWN_DOCUMENT_BLUEPRINTS = frozenset({"docs"})
NOT_KEPT = LIVE_BLUEPRINTS | OWN_DOCUMENT_BLUEPRINTS
NOT_STORED = "no-store"
# Request headers that make an answer conditional (or partial): Werkzeug's
# handling of them is only run when one is sent.
CONDITIONS = (
    "HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE",
)


class EarlyTag(NamedTuple):
    """What answer_early learnt of a request, for add_cache_headers."""

    key: str
    tag: str
    fingerprint: tuple
    from_cache: bool


class HttpCaching:
    """An app's caching: its answer ``cache``, its ``Cache-Control`` value
    and the class of its answers."""

    def __init__(self, cache, cache_control, response_class):
        self.cache = cache
        self.cache_control = cache_control
        self.response_class = response_class

    def answer_early(self):
        """In place of the view: answer 304 or from the cache when the request allows it."""
        current = request._get_current_object()
        if current.method not in ("GET", "HEAD") or current.url_rule is None:
            return None
        if current.blueprint in NOT_KEPT:
            return None
        try:
            fingerprint = db.request_files_fingerprint()
        except db.FileUnavailable:
            return None  # the view answers it (503), and nothing is kept
        cache = self.cache
        cache.follow(fingerprint)
        # The request as sent, path and query string: the whole input of a GET.
        environ = current.environ
        key = f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
        tag = cache.tag(key)
        if "HTTP_IF_NONE_MATCH" in environ and _holds(current.if_none_match, tag):
            g._get_current_object().early_tag = EarlyTag(key, tag, fingerprint, False)
            response = self.response_class(status=304)
            response.headers["ETag"] = f'"{tag}"'
            return response
        answer = cache.get(key) if cache.enabled else None
        g._get_current_object().early_tag = EarlyTag(key, tag, fingerprint, answer is not None)
        if not cache.enabled:
            return None
        metrics.count_answer_cache(answer is not None)
        if answer is None:
            return None
        return self.response_class(answer.body, content_type=answer.content_type)

    def add_headers(self, response):
        """after_request: Cache-Control, the ETag, and the answer kept."""
        current = request._get_current_object()
        status = response.status_code
        if status >= 400 or current.blueprint in LIVE_BLUEPRINTS:
            response.headers["Cache-Control"] = NOT_STORED
            return response
        early = g._get_current_object().get("early_tag")
        if status == 304 and early is not None:
            # Answered by answer_early, with its tag.
            response.headers["Cache-Control"] = self.cache_control
            return response
        if current.method not in ("GET", "HEAD") or status != 200:
            return response
        response.headers["Cache-Control"] = self.cache_control
        if early is not None:
            # Added, not set: no view tags an answer that has an early tag,
            # and setting would first scan the headers for one.
            response.headers.add("ETag", f'"{early.tag}"')
            if not early.from_cache and response.is_sequence:
                answer = Answer(response.get_data(), response.content_type)
                self.cache.put(early.key, answer, early.fingerprint)
        elif response.direct_passthrough:
            # A file sent by send_file already has its own tag and answers 304 itself.
            return response
        else:
            response.add_etag()
        environ = current.environ
        if any(condition in environ for condition in CONDITIONS):
            response.make_conditional(current)
        return response


def _holds(if_none_match, tag):
    # "*" means "any current answer": only the view knows whether there is
    # one (a 404 has none), so it is left to Werkzeug after the view.
    return not if_none_match.star_tag and if_none_match.contains(tag)


def init_app(app):
    cache = app.extensions["answer_cache"] = AnswerCache(app.config["ANSWER_CACHE_MB"])
    caching = HttpCaching(
        cache, f"public, max-age={int(app.config['CACHE_MAX_AGE'])}", app.response_class
    )
    app.after_request(caching.add_headers)
    # Checked in place of the view, after every before_request hook: the
    # rate limit still counts a kept answer, and a blueprint's own check
    # (an access token) still refuses a request before it gets one.
    view_dispatch = app.dispatch_request

    def dispatch_request():
        early = caching.answer_early()
        return view_dispatch() if early is None else early

    app.dispatch_request = dispatch_request
