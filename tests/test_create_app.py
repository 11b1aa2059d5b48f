"""The app factory's own work (app/__init__.py) beyond the settings
(tests/test_config.py)."""

import pytest

from tests.support.inprocess import make_app


def test_functions_added_after_the_factory_are_checked_as_flask_checks_them(main_file):
    # Registered views and hooks are asked once whether they are coroutines;
    # one added later must still get Flask's own answer: here, that async
    # views need the "async" extra, which the service does not install.
    app = make_app(main_file)
    health = app.view_functions["health.health"]
    assert app.ensure_sync(health) is health

    @app.get("/added-later")
    async def added_later():
        return {}

    with pytest.raises(RuntimeError, match="async"):
        app.ensure_sync(added_later)
    assert app.test_client().get("/health").status_code == 200
