"""The benchmark harness's own logic: keys, suite discovery, the report."""

import json
import sqlite3

import pytest

from bench import compare
from bench.__main__ import BenchContext
from bench.__main__ import chosen_cases
from bench.__main__ import find_suites
from bench.batch_cost import bodies
from bench.keys import sample_keys
from bench.load import LoadResult
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


def test_the_callgrind_harnesses_are_suites_of_make_bench():
    names = {suite.__name__ for suite in find_suites()}
    assert {"bench.instructions", "bench.gunicorn_instructions", "bench.batch_cost",
            "bench.zipf_cache", "bench.cold_pages"} <= names
    # The A/B tool is run by hand, not by `make bench`.
    assert "bench.compare" not in names


def test_cases_are_chosen_per_suite_and_default_otherwise():
    cases = chosen_cases(["instructions=isrc,isrc_hit", "batch_cost=batch_isrcs", "instructions=floor"])
    assert cases == {"instructions": ["isrc", "isrc_hit", "floor"], "batch_cost": ["batch_isrcs"]}
    context = BenchContext([], 1, 1, 1, cases=cases)
    assert context.cases_of("instructions", ("isrc_304",)) == ["isrc", "isrc_hit", "floor"]
    assert context.cases_of("gunicorn_instructions", ("floor", "isrc")) == ["floor", "isrc"]
    with pytest.raises(SystemExit):
        chosen_cases(["instructions"])


def test_batch_bodies_are_distinct_or_the_same_two_again():
    isrcs = [f"USRC1{number:07d}" for number in range(1000)]
    distinct = [json.loads(body)["isrcs"] for body in bodies(isrcs, "batch_isrcs")]
    assert [len(body) for body in distinct] == [400, 400]
    assert not set(distinct[0]) & set(distinct[1])
    repeated = bodies(isrcs, "batch_isrcs_repeated")
    assert len(repeated) == 2 and repeated[0] != repeated[1]


def test_compare_reports_medians_over_rounds_with_the_spread():
    def result(requests, cpu_ms):
        return LoadResult(requests, 1.0, 0, 1.0, 2.0, 3.0, 4.0, 1.5, 100, server_cpu_ms=cpu_ms)

    rounds = [result(900, 2.0), result(1500, 1.0), result(1000, 1.2)]
    row = compare.table({("after", "isrc"): rounds}).splitlines()[-1]
    assert row.startswith("| after | isrc | 1,000 (900–1,500) | 1.200 |")
