"""The benchmark harness's own logic: keys, suite discovery, the report."""

import sqlite3

import pytest

from bench.__main__ import find_suites
from bench.keys import sample_keys
from bench.load import run_wrk
from bench.report import Section
from bench.report import Table
from bench.report import write_sections


def test_sampled_keys_are_real_and_answerable(main_file):
    keys = sample_keys(main_file, 50)
    oracle = sqlite3.connect(f"file:{main_file}?mode=ro", uri=True)
    try:
        for track_id in keys["tracks"]:
            # Only tracks the service can answer: their album exists.
            assert oracle.execute(
                "SELECT 1 FROM tracks JOIN albums ON albums.rowid = tracks.album_rowid "
                "WHERE tracks.id = ?", (track_id,)).fetchone()
        for isrc in keys["isrcs"]:
            assert oracle.execute("SELECT 1 FROM tracks WHERE external_id_isrc = ?", (isrc,)).fetchone()
        for kind in ("albums", "artists"):
            table = kind
            for key in keys[kind]:
                assert oracle.execute(f"SELECT 1 FROM {table} WHERE id = ?", (key,)).fetchone()
    finally:
        oracle.close()
    assert all(len(keys[kind]) == 50 for kind in keys)
    assert len(set(keys["isrcs"])) == 50
    assert sample_keys(main_file, 50) == keys


def test_suites_are_found_by_their_run_function():
    names = [suite.__name__ for suite in find_suites()]
    assert "bench.lookups" in names
    assert "bench.report" not in names and "bench.load" not in names


def test_load_is_only_sent_to_loopback():
    with pytest.raises(ValueError):
        run_wrk("http://10.0.0.1:80", [], connections=1, seconds=1)


def test_report_replaces_its_block_and_keeps_the_prose(tmp_path):
    document = tmp_path / "PERFORMANCE.md"
    document.write_text("# Performance\n\nWhat we tried, by hand.\n")
    first = Section("lookups", "Lookups", tables=[Table(["what", "req/s"], [["floor", 1200]])])
    write_sections([first], document)
    second = Section("lookups", "Lookups", tables=[Table(["what", "req/s"], [["floor", 1300]])])
    other = Section("search", "Search", notes=["from another suite"])
    write_sections([second, other], document)
    text = document.read_text()
    assert "What we tried, by hand." in text
    assert "| floor | 1,300 |" in text and "1,200" not in text
    assert text.count("<!-- bench:lookups:begin -->") == 1
    assert text.index("bench:lookups:end") < text.index("bench:search:begin")
