"""GET /lookup/upc/{upc}: a barcode's albums, most popular first, in any of its forms."""

import contextlib
import shutil
import sqlite3

import pytest

from app.index.builder import build_search_index
from tests.support import expected
from tests.support.inprocess import assert_error
from tests.support.inprocess import make_app


@pytest.fixture(scope="module")
def indexed(main_file, index_file):
    return make_app(main_file, SEARCH_DATABASE=str(index_file)).test_client()


@pytest.fixture(params=["index", "scan"])
def either(request, indexed, main_file):
    if request.param == "index":
        return indexed
    # Behaviour only: a loaded test machine must not turn the scan into a 408.
    return make_app(main_file, SEARCH_TIME_LIMIT_MS=60_000).test_client()


def barcodes(oracle, length):
    rows = oracle.execute(
        "SELECT external_id_upc FROM albums WHERE length(external_id_upc) = ? "
        "ORDER BY rowid LIMIT 5", (length,)
    ).fetchall()
    assert rows, f"the catalogue has no {length}-digit barcode"
    return [row[0] for row in rows]


def forms(barcode):
    """The 12-, 13- and 14-digit forms of one barcode (and itself), as printed."""
    digits = barcode.lstrip("0")
    return {digits.zfill(width) for width in (12, 13, 14) if len(digits) <= width} | {barcode}


@pytest.mark.parametrize("length", [12, 13, 14])
def test_every_form_finds_the_albums(either, oracle, length):
    for barcode in barcodes(oracle, length):
        wanted = [expected.album(oracle, rowid) for rowid in expected.upc_album_rowids(oracle, barcode)]
        assert wanted
        for form in forms(barcode):
            response = either.get(f"/lookup/upc/{form}")
            assert response.status_code == 200
            assert response.get_json() == wanted, form


@pytest.fixture(scope="module")
def shared_barcode(main_file, tmp_path_factory):
    """Copies of the catalogue where four albums carry one barcode in its 12-,
    13- and 14-digit forms (re-releases do): folder/index has a search index
    beside the main file, folder/scan none. Returns (folder, barcode)."""
    folder = tmp_path_factory.mktemp("shared-barcode")
    for name in ("index", "scan"):
        (folder / name).mkdir()
        copy = folder / name / "main_database.sqlite3"
        shutil.copy(main_file, copy)
        with contextlib.closing(sqlite3.connect(copy)) as connection, connection:
            rowids = [row[0] for row in connection.execute(
                "SELECT rowid FROM albums ORDER BY rowid DESC LIMIT 4")]
            for rowid, form in zip(rowids, SHARED_FORMS, strict=True):
                connection.execute(
                    "UPDATE albums SET external_id_upc = ? WHERE rowid = ?", (form, rowid))
    build_search_index(folder / "index" / "main_database.sqlite3")
    return folder, SHARED_FORMS[0]


SHARED_FORMS = ("012345678905", "0012345678905", "00012345678905", "012345678905")


@pytest.mark.parametrize("kind", ["index", "scan"])
def test_a_shared_barcode_lists_albums_most_popular_first(shared_barcode, kind):
    folder, barcode = shared_barcode
    main = folder / kind / "main_database.sqlite3"
    client = make_app(main, SEARCH_TIME_LIMIT_MS=60_000).test_client()
    with contextlib.closing(sqlite3.connect(main)) as oracle:
        oracle.row_factory = sqlite3.Row
        wanted = [expected.album(oracle, rowid) for rowid in expected.upc_album_rowids(oracle, barcode)]
    assert len(wanted) == 4
    for form in forms(barcode):
        assert client.get(f"/lookup/upc/{form}").get_json() == wanted
    assert client.get(f"/lookup/upc/{barcode}?limit=2").get_json() == wanted[:2]


def test_printed_forms_and_limits(indexed, oracle):
    barcode = barcodes(oracle, 13)[0]
    printed = f" {barcode[0]}-{barcode[1:7]} {barcode[7:]}"
    plain = indexed.get(f"/lookup/upc/{barcode}").get_json()
    assert plain and indexed.get(f"/lookup/upc/{printed}").get_json() == plain
    assert indexed.get("/lookup/upc/" + "9" * 14).get_json() == []
    assert_error(indexed.get("/lookup/upc/1234567"), 400, "invalid upc: must be 8 to 14 digits")
    assert_error(indexed.get("/lookup/upc/" + "1" * 15), 400, "invalid upc: must be 8 to 14 digits")
    assert_error(indexed.get("/lookup/upc/12345678ab"), 400, "invalid upc: must be 8 to 14 digits")
    assert_error(indexed.get(f"/lookup/upc/{barcode}?limit=0"), 400,
                 "limit must be an integer from 1 to 50")
