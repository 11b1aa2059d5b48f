"""The app in-process, as the fast tests drive it: built with test settings,
its JSON errors checked, its SQL statements counted."""

import contextlib

from app import create_app
from app.db import get_db


def make_app(main_file, **overrides):
    """Build the app over ``main_file`` with test settings."""
    settings = {
        "TESTING": True,
        "MAIN_DATABASE": str(main_file),
        "RATELIMIT_ENABLED": False,
        # Tests of answers, errors and statement counts must reach the view
        # every time; tests/test_answer_cache.py turns the cache on.
        "ANSWER_CACHE_MB": 0,
    }
    settings.update(overrides)
    return create_app(settings)


def assert_error(response, status, message=None):
    """Assert the canonical JSON error shape (and message, when given)."""
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if message is not None:
        assert body["error"]["message"] == message
    assert "Traceback" not in response.get_data(as_text=True)
    return body["error"]


@contextlib.contextmanager
def counting_statements(app):
    """Yield a list that receives the SQL text of every statement the app's
    connection (this thread's) runs, through APSW's execution tracer."""
    with app.app_context():
        connection = get_db()
    statements = []

    def trace(cursor, sql, bindings):
        statements.append(sql)
        return True

    previous = connection.exec_trace
    connection.exec_trace = trace
    try:
        yield statements
    finally:
        connection.exec_trace = previous
