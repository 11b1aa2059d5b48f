"""Image lists, encoded once where every image is plain, answer what the
rows did when SQLite's DISTINCT dropped the repeats."""

import apsw
import orjson
import pytest

from app.catalog import albums
from app.catalog import group_image_lists
from app.demo.tables import ddl_statements
from app.schemas.objects import ImageSchema

# Every character below 0x80, quotes and escapes included, and beyond ASCII.
AWKWARD_URL = "".join(map(chr, range(1, 0x80))) + "\u2028é漢😀\ufeff"


@pytest.fixture()
def connection():
    connection = apsw.Connection(":memory:")
    for statement in ddl_statements("main_database.sql"):
        connection.execute(statement)
    connection.executemany("INSERT INTO album_images VALUES (?, ?, ?, ?)", [
        # Duplicated sets, ties on width broken by height, then url.
        (1, 64, 64, "https://i.scdn.co/image/small"),
        (1, 640, 640, "https://i.scdn.co/image/large"),
        (1, 64, 64, "https://i.scdn.co/image/small"),
        (1, 640, 320, "https://i.scdn.co/image/b"),
        (1, 640, 320, "https://i.scdn.co/image/a"),
        (2, 300, 300, AWKWARD_URL),
        (2, 0, -1, ""),
        # Values the integer columns could not convert: a REAL width, a text
        # height, a number stored in the url's text column stays text.
        (3, 640.5, 640, "https://i.scdn.co/image/real"),
        (3, 64, "sixty-four", "https://i.scdn.co/image/text"),
        (3, 300, 300, 12345),
        (3, 300, 300, 12345),
        (3, 0.30000000000000004, 1e300, b"\x00\xff"),
        # Repeats of odd values; 64.0 is stored as 64 (integer affinity).
        (5, 640.5, 64, "https://i.scdn.co/image/real"),
        (5, 64, 64, "https://i.scdn.co/image/small"),
        (5, 640.5, 64, "https://i.scdn.co/image/real"),
        (5, 64.0, 64, "https://i.scdn.co/image/small"),
        (5, 64, "64px", b"\x00"),
        (5, 64, "64px", b"\x00"),
    ])
    yield connection
    connection.close()


def rows_as_before(connection, owners):
    """The images as the service read them before: one row each, grouped."""
    images = {}
    for owner, url, width, height in connection.execute(
        "SELECT DISTINCT album_rowid, url, width, height FROM album_images "
        "WHERE album_rowid IN (SELECT value FROM json_each(?)) "
        "ORDER BY album_rowid, width DESC, height DESC, url", (orjson.dumps(owners).decode(),)
    ):
        images.setdefault(owner, []).append({"url": url, "width": width, "height": height})
    return images


def test_plain_image_lists_are_the_encoder_s_bytes(connection):
    found = group_image_lists(connection.execute(albums.IMAGES, ("[1, 2, 4]",)))
    before = rows_as_before(connection, [1, 2, 4])
    assert set(found) == set(before) == {1, 2}
    for owner in (1, 2):
        assert type(found[owner]) is orjson.Fragment
        expected = orjson.dumps(ImageSchema(many=True).dump(before[owner]))
        assert orjson.dumps(found[owner]) == expected


def test_lists_with_any_other_value_come_back_as_rows(connection):
    found = group_image_lists(connection.execute(albums.IMAGES, ("[3]",)))
    assert found == rows_as_before(connection, [3])
    assert [type(image["width"]) for image in found[3]] == [float, int, int, float]
    assert found[3][0]["url"] == "https://i.scdn.co/image/real"
    assert found[3][3] == {"url": b"\x00\xff", "width": 0.30000000000000004, "height": 1e300}


def test_repeats_of_any_value_are_dropped(connection):
    found = group_image_lists(connection.execute(albums.IMAGES, ("[5]",)))
    assert found == rows_as_before(connection, [5]) == {5: [
        {"url": "https://i.scdn.co/image/real", "width": 640.5, "height": 64},
        {"url": b"\x00", "width": 64, "height": "64px"},
        {"url": "https://i.scdn.co/image/small", "width": 64, "height": 64},
    ]}
