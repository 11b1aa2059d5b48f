"""The benchmark harness's own logic: keys, suite discovery, the report."""

import json
import sqlite3

import pytest

from bench import compare
from bench import cpu_profile
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


APSW = "/venv/lib/python3.11/site-packages/apsw/__init__.cpython-311-x86_64-linux-gnu.so"
LIBPYTHON = "/usr/lib/libpython3.11.so.1.0"
ORJSON_LIBRARY = "/venv/lib/python3.11/site-packages/orjson/orjson.cpython-311-x86_64-linux-gnu.so"
KERNEL = "[kernel.kallsyms]"
# (period in ns, frames innermost first)
SAMPLES = [
    (2_000_000, [("btreeInitPage", APSW)]),
    (1_000_000, [("sqlite3BtreeTableMoveto+0x40", APSW)]),
    (3_000_000, [("convert_column_to_pyobject", APSW)]),
    (4_000_000, [("_PyObject_Malloc", LIBPYTHON)]),
    (5_000_000, [("gc_collect_main", LIBPYTHON)]),
    (6_000_000, [("dict_traverse", LIBPYTHON)]),
    (7_000_000, [("_PyEval_EvalFrameDefault", LIBPYTHON)]),
    (8_000_000, [("next_uptodate_folio", KERNEL), ("filemap_map_pages", KERNEL),
                 ("asm_exc_page_fault", KERNEL), ("btreeInitPage", APSW)]),
    (9_000_000, [("tcp_sendmsg_locked", KERNEL), ("__sys_sendto", KERNEL)]),
    (1_000_000, [("[unknown]", ORJSON_LIBRARY)]),
    (2_000_000, [("__memcmp_evex_movbe", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
                 ("[unknown]", "[unknown]")]),
]


def perf_script(samples):
    """What ``perf script -F period,ip,sym,dso`` prints for ``samples``."""
    return "\n".join(
        f"   {period} \n" + "".join(f"\t    {0x1000 + depth:x} {symbol} ({library})\n"
                                   for depth, (symbol, library) in enumerate(frames))
        for period, frames in samples
    )


def test_cpu_profile_puts_each_sample_in_its_part():
    seconds = cpu_profile.seconds_by_part(perf_script(SAMPLES))

    assert seconds == pytest.approx({
        cpu_profile.SQLITE_PAGES: 0.003,
        cpu_profile.SQLITE_REST: 0.003,
        cpu_profile.ALLOCATOR: 0.004,
        cpu_profile.GARBAGE_COLLECTOR: 0.011,
        cpu_profile.INTERPRETER: 0.007,
        # A kernel sample under a page fault counts as one wherever it ends.
        cpu_profile.PAGE_FAULTS: 0.008,
        cpu_profile.KERNEL_REST: 0.009,
        cpu_profile.ORJSON: 0.001,
        cpu_profile.LIBC: 0.002,
        cpu_profile.OTHER: 0.0,
    })


def test_cpu_profile_table_gives_medians_and_the_ratio():
    def result(value):
        return dict.fromkeys(cpu_profile.PARTS, 0.0) | {
            cpu_profile.INTERPRETER: value, "total sampled": value, "total, /proc (whole service)": value}

    text = cpu_profile.table({"before": [result(10), result(30), result(20)],
                              "now": [result(9), result(5), result(7)]}, ["before", "now"])

    assert "| CPython: interpreter and objects | 20.0 | 7.0 | 0.35 |" in text.splitlines()
