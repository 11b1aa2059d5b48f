"""Settings: documented, and read from MUSIC_API_* variables."""

from pathlib import Path

from app.config import SETTINGS
from tests.support.inprocess import make_app

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_is_in_the_readme():
    readme = README.read_text()
    missing = [s.name for s in SETTINGS if f"`MUSIC_API_{s.name}`" not in readme]
    assert missing == []


def test_environment_overrides_defaults_and_parses_json(main_file, monkeypatch):
    monkeypatch.setenv("MUSIC_API_SEARCH_TIME_LIMIT_MS", "250")
    monkeypatch.setenv("MUSIC_API_SQLITE_IMMUTABLE", "false")
    monkeypatch.setenv("MUSIC_API_RATELIMIT_DEFAULT", "7 per minute")
    app = make_app(main_file)
    assert app.config["SEARCH_TIME_LIMIT_MS"] == 250
    assert app.config["SQLITE_IMMUTABLE"] is False
    assert app.config["RATELIMIT_APPLICATION"] == "7 per minute"
