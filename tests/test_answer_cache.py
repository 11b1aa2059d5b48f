"""The answer cache and the tags known before any SQL (app/answer_cache.py,
app/http_cache.py)."""

import os
import shutil

import pytest
from flask import request
from prometheus_client.parser import text_string_to_metric_families

from tests.support.inprocess import counting_statements
from tests.support.inprocess import make_app


@pytest.fixture(scope="module")
def paths(oracle):
    tracks = oracle.execute(
        "SELECT t.id, t.external_id_isrc FROM tracks t JOIN albums a ON a.rowid = t.album_rowid "
        "WHERE t.external_id_isrc IS NOT NULL ORDER BY t.rowid LIMIT 3"
    ).fetchall()
    return [f"/lookup/track/{row['id']}" for row in tracks] + [
        f"/lookup/isrc/{row['external_id_isrc']}" for row in tracks
    ]


@pytest.fixture()
def cached_app(main_file):
    return make_app(main_file, ANSWER_CACHE_MB=8)


def statements_and_answer(app, path, **kwargs):
    """Run one request; return (statements it ran, response)."""
    with counting_statements(app) as statements:
        response = app.test_client().open(path, **kwargs)
    return len(statements), response


def cache_counts(app):
    """(hits, misses) as /metrics shows them."""
    text = app.test_client().get("/metrics").get_data(as_text=True)
    values = {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    return (values.get("music_api_answer_cache_hits_total", 0),
            values.get("music_api_answer_cache_misses_total", 0))


def test_a_repeat_is_served_from_memory_with_the_same_bytes_and_headers(cached_app, paths):
    for path in paths:
        first_statements, first = statements_and_answer(cached_app, path)
        repeat_statements, repeat = statements_and_answer(cached_app, path)
        assert first.status_code == repeat.status_code == 200
        assert first_statements > 0 and repeat_statements == 0
        assert repeat.get_data() == first.get_data()
        for header in ("Content-Type", "Content-Length", "ETag", "Cache-Control"):
            assert repeat.headers[header] == first.headers[header]
        head_statements, head = statements_and_answer(cached_app, path, method="HEAD")
        assert head_statements == 0 and head.headers["ETag"] == first.headers["ETag"]


def test_answers_equal_those_of_an_app_without_the_cache(cached_app, main_file, paths):
    uncached = make_app(main_file, ANSWER_CACHE_MB=0).test_client()
    client = cached_app.test_client()
    for path in paths * 2:
        assert client.get(path).get_data() == uncached.get(path).get_data()


def test_metrics_count_hits_and_misses(cached_app, paths):
    hits, misses = cache_counts(cached_app)
    client = cached_app.test_client()
    client.get(paths[0])
    client.get(paths[0])
    client.get(paths[0])
    assert cache_counts(cached_app) == (hits + 2, misses + 1)


def test_size_zero_turns_it_off(main_file, paths):
    app = make_app(main_file, ANSWER_CACHE_MB=0)
    hits, misses = cache_counts(app)
    for _ in range(2):
        statements, response = statements_and_answer(app, paths[0])
        assert response.status_code == 200 and statements > 0
    assert cache_counts(app) == (hits, misses)


def test_errors_and_posts_are_not_kept(cached_app, oracle):
    missing = "/lookup/track/0000000000000000000000"
    for _ in range(2):
        statements, response = statements_and_answer(cached_app, missing)
        assert response.status_code == 404 and statements > 0
    track_id = oracle.execute("SELECT id FROM tracks LIMIT 1").fetchone()["id"]
    for _ in range(2):
        statements, response = statements_and_answer(
            cached_app, "/batch/lookup", method="POST", json={"tracks": [track_id]}
        )
        assert response.status_code == 200 and statements > 0


def test_the_cache_is_bounded_by_its_size(main_file, oracle):
    app = make_app(main_file, ANSWER_CACHE_MB=0.01)  # about 10 kB
    cache = app.extensions["answer_cache"]
    client = app.test_client()
    rows = oracle.execute("SELECT id FROM artists ORDER BY rowid LIMIT 40").fetchall()
    for row in rows:
        assert client.get(f"/lookup/artist/{row['id']}").status_code == 200
    assert 0 < len(cache) < len(rows)
    assert cache.size_bytes() <= cache.max_bytes


def test_a_held_tag_is_answered_304_before_any_sql(main_file, paths):
    tag = make_app(main_file).test_client().get(paths[0]).headers["ETag"]
    # Another worker (a fresh app) knows the same tag without building the answer.
    fresh = make_app(main_file, ANSWER_CACHE_MB=8)
    statements, response = statements_and_answer(
        fresh, paths[0], headers={"If-None-Match": tag}
    )
    assert response.status_code == 304 and statements == 0
    assert response.get_data() == b""
    assert response.headers["ETag"] == tag
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    other_tag = make_app(main_file).test_client().get(paths[1]).headers["ETag"]
    statements, response = statements_and_answer(
        fresh, paths[0], headers={"If-None-Match": other_tag}
    )
    assert response.status_code == 200 and statements > 0


def test_if_none_match_star_is_304_only_where_an_answer_exists(cached_app, paths):
    for _ in range(2):  # built, then from the cache
        response = cached_app.test_client().get(paths[0], headers={"If-None-Match": "*"})
        assert response.status_code == 304 and response.get_data() == b""
    missing = cached_app.test_client().get(
        "/lookup/track/0000000000000000000000", headers={"If-None-Match": "*"}
    )
    assert missing.status_code == 404


def test_a_blueprints_own_check_still_refuses_before_a_kept_answer(cached_app, paths):
    # Like an access check a blueprint registers for its routes.
    def refuse_without_pass():
        if request.headers.get("X-Pass") != "yes":
            return {"error": {"status": 401, "message": "no pass"}}, 401
        return None

    cached_app.before_request_funcs.setdefault("lookup", []).append(refuse_without_pass)
    try:
        client = cached_app.test_client()
        assert client.get(paths[0], headers={"X-Pass": "yes"}).status_code == 200
        assert client.get(paths[0]).status_code == 401
        tag = client.get(paths[0], headers={"X-Pass": "yes"}).headers["ETag"]
        assert client.get(paths[0], headers={"If-None-Match": tag}).status_code == 401
        statements, kept = statements_and_answer(cached_app, paths[0], headers={"X-Pass": "yes"})
        assert kept.status_code == 200 and statements == 0
    finally:
        cached_app.before_request_funcs["lookup"].remove(refuse_without_pass)


def test_changed_files_empty_the_cache_and_change_the_tags(catalogue_dir, tmp_path, paths):
    for name in ("main_database.sqlite3", "track_files.sqlite3"):
        shutil.copy(catalogue_dir / name, tmp_path / name)
    main = tmp_path / "main_database.sqlite3"
    app = make_app(main, ANSWER_CACHE_MB=8)
    _, before = statements_and_answer(app, paths[0])
    assert statements_and_answer(app, paths[0])[0] == 0
    # A restored copy of the same file: same bytes, another mtime.
    status = os.stat(main)
    os.utime(main, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    statements, after = statements_and_answer(app, paths[0])
    assert statements > 0
    assert after.get_data() == before.get_data()
    assert after.headers["ETag"] != before.headers["ETag"]
    assert len(app.extensions["answer_cache"]) == 1
    _, stale = statements_and_answer(app, paths[0], headers={"If-None-Match": before.headers["ETag"]})
    assert stale.status_code == 200 and stale.headers["ETag"] == after.headers["ETag"]
