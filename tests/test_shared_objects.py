"""Albums and artists kept encoded per worker (app/shared_objects.py)."""

import os
import shutil

import orjson
import pytest

from app.schemas.objects import AlbumSchema
from app.schemas.shared import _KeptObjects
from app.schemas.shared import kept_name
from app.shared_objects import ENTRY_OVERHEAD_BYTES
from app.shared_objects import SharedObjectStore
from tests.support.inprocess import counting_statements
from tests.support.inprocess import make_app


@pytest.fixture(scope="module")
def batch_body(oracle):
    isrcs = [row[0] for row in oracle.execute(
        "SELECT DISTINCT external_id_isrc FROM tracks WHERE external_id_isrc IS NOT NULL "
        "ORDER BY rowid LIMIT 60"
    )]
    track_ids = [row[0] for row in oracle.execute("SELECT id FROM tracks ORDER BY rowid DESC LIMIT 40")]
    return {"isrcs": isrcs, "tracks": track_ids}


def answer(app, body):
    with counting_statements(app) as statements:
        response = app.test_client().post("/batch/lookup", json=body)
    assert response.status_code == 200
    return len(statements), response.get_data()


def test_answers_with_kept_objects_equal_answers_without(main_file, batch_body):
    kept = make_app(main_file, SHARED_OBJECTS_MB=8)
    plain = make_app(main_file, SHARED_OBJECTS_MB=0)
    first_statements, first = answer(kept, batch_body)
    again_statements, again = answer(kept, batch_body)
    held_statements, held = answer(kept, batch_body)
    plain_statements, expected = answer(plain, batch_body)
    assert first == again == held == expected
    assert len(kept.extensions["shared_objects"]) > 0
    assert len(plain.extensions["shared_objects"]) == 0
    # Objects held leave their details unread, never more statements.
    assert held_statements <= again_statements <= first_statements == plain_statements


def test_an_object_is_kept_the_second_time_it_is_made(main_file, batch_body):
    app = make_app(main_file, SHARED_OBJECTS_MB=8)
    store = app.extensions["shared_objects"]
    isrcs_only = {"isrcs": batch_body["isrcs"]}
    first = answer(app, isrcs_only)[1]
    assert len(store) == 0
    again = answer(app, isrcs_only)[1]
    kept = len(store)
    assert kept > 0
    assert answer(app, isrcs_only)[1] == again == first
    assert len(store) == kept


def test_the_store_remembers_a_bounded_number_of_keys_asked_about():
    store = SharedObjectStore((2 * ENTRY_OVERHEAD_BYTES) / 1024 / 1024, None)
    store.follow("files")
    assert store.ask_many(["a", "b"]) == ({}, set())
    assert store.ask_many(["a", "c"]) == ({}, {"a"})
    # Two generations of two keys: "b" is forgotten after four newer ones.
    store.ask_many(["d", "e", "f", "g"])
    assert store.ask_many(["b", "g"]) == ({}, {"g"})


def test_half_kept_answers_equal_answers_without(main_file, batch_body):
    # Some objects held, others not: a lookup and then the batch around it.
    kept = make_app(main_file, SHARED_OBJECTS_MB=8)
    plain = make_app(main_file, SHARED_OBJECTS_MB=0)
    kept.test_client().get(f"/lookup/isrc/{batch_body['isrcs'][3]}")
    kept.test_client().get(f"/lookup/track/{batch_body['tracks'][5]}")
    assert answer(kept, batch_body)[1] == answer(plain, batch_body)[1]
    for path in (f"/lookup/track/{batch_body['tracks'][7]}", f"/lookup/isrc/{batch_body['isrcs'][9]}"):
        assert kept.test_client().get(path).get_data() == plain.test_client().get(path).get_data()


def test_a_tiny_store_still_gives_whole_answers(main_file, batch_body):
    # Objects evicted while a request runs must not leave a bare row behind.
    tiny = make_app(main_file, SHARED_OBJECTS_MB=0.005)
    plain = make_app(main_file, SHARED_OBJECTS_MB=0)
    for _ in range(3):
        assert answer(tiny, batch_body)[1] == answer(plain, batch_body)[1]
    store = tiny.extensions["shared_objects"]
    assert store.size_bytes() <= store.max_bytes


def test_changed_files_empty_the_store(catalogue_dir, tmp_path, batch_body):
    for name in ("main_database.sqlite3", "track_files.sqlite3"):
        shutil.copy(catalogue_dir / name, tmp_path / name)
    main = tmp_path / "main_database.sqlite3"
    app = make_app(main, SHARED_OBJECTS_MB=8)
    for _ in range(2):
        answer(app, batch_body)
    store = app.extensions["shared_objects"]
    held = len(store)
    assert held > 0
    status = os.stat(main)
    os.utime(main, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    app.test_client().get("/lookup/track/0000000000000000000000")
    assert len(store) == 0
    # Forgotten too: what was asked about before the change.
    answer(app, {"isrcs": batch_body["isrcs"]})
    assert len(store) == 0
    for _ in range(2):
        answer(app, batch_body)
    assert len(store) == held


def test_the_store_drops_the_least_recently_used_first():
    def made(*names):
        return {name: (orjson.Fragment(b"1"), 1) for name in names}

    store = SharedObjectStore((3 * (1 + ENTRY_OVERHEAD_BYTES)) / 1024 / 1024, None)
    store.follow("files")
    store.put_many(made("a", "b", "c"), "files")
    assert set(store.get_many(["a", "b", "c", "x"])) == {"a", "b", "c"}
    store.get_many(["a"])  # now the most recent: b goes first, then c
    store.put_many(made("d"), "files")
    assert set(store.get_many(["a", "b", "c", "d"])) == {"a", "c", "d"}
    assert store.size_bytes() == 3 * (1 + ENTRY_OVERHEAD_BYTES) == store.max_bytes
    # Made from files that have changed since: not kept.
    store.put_many(made("e"), "older files")
    assert "e" not in store.get_many(["e"]) and len(store) == 3


def test_held_keys_become_the_most_recent_in_the_order_asked():
    store = SharedObjectStore((3 * ENTRY_OVERHEAD_BYTES + 30) / 1024 / 1024, None)
    store.follow("files")
    store.put_many({key: (orjson.Fragment(b"1"), 1) for key in "abc"}, "files")
    held, asked_before = store.ask_many(["c", "x", "a", "c"])
    assert list(held) == ["c", "a"] and asked_before == set()
    # "b" is now the least recently used, then "c", then "a".
    store.put_many({"d": (orjson.Fragment(b"1"), 1)}, "files")
    assert set(store.get_many(["a", "b", "c", "d"])) == {"a", "c", "d"}
    # A key held is not counted as asked about; one not held is, once.
    assert store.ask_many(["a", "x", "x"]) == ({"a": store.get("a")}, {"x"})


def test_an_object_orjson_would_write_unlike_the_stdlib_is_dumped_but_not_kept():
    store = SharedObjectStore(1, None)
    store.follow("files")
    kept = _KeptObjects(store, "files")
    kept.holding(AlbumSchema, [1, 2])
    # A lone surrogate: orjson refuses it, the stdlib writes it escaped.
    assert kept.keep(kept_name(AlbumSchema), 1, {"name": "\ud800"}) is None
    encoded = kept.keep(kept_name(AlbumSchema), 2, {"name": "plain"})
    assert orjson.dumps(encoded) == b'{"name":"plain"}'
    kept.keep_made()
    assert list(store.get_many([(kept_name(AlbumSchema), 1), (kept_name(AlbumSchema), 2)])) == [
        (kept_name(AlbumSchema), 2)
    ]
