"""The written-out row readers make the dicts ``dict(zip(names, row))`` made."""

import pytest

from app.catalog.rows import joined_row_reader
from app.catalog.rows import keyed_row_reader
from app.catalog.rows import row_reader

# Names that are not identifiers, and values of every type a row can hold.
NAMES = ("rowid", "class", "with space", "quote'd")
ROWS = [(1, None, "", b"\x00"), (2, 0.5, "é😀", None), (1, None, "", b"\x00")]


def test_row_reader_keys_each_row_by_the_names():
    made = row_reader(NAMES)(iter(ROWS))
    assert made == [dict(zip(NAMES, row)) for row in ROWS]
    assert [list(row) for row in made] == [list(NAMES)] * len(ROWS)
    assert made[0] is not made[2]


def test_keyed_row_reader_keys_by_the_first_column_the_last_row_winning():
    made = keyed_row_reader(NAMES[1:])(iter(ROWS))
    assert made == {1: dict(zip(NAMES[1:], ROWS[2][1:])), 2: dict(zip(NAMES[1:], ROWS[1][1:]))}


def test_joined_row_reader_makes_one_dict_per_joined_row():
    joined_names = ("album_rowid", "title")
    rows = [(1, "a", 10, "x"), (2, "b", 11, None), (3, "c", 10, "x")]
    made, joined = joined_row_reader(("rowid", "name"), "album", joined_names)(iter(rows))
    assert made == [
        {"rowid": rowid, "name": name, "album": dict(zip(joined_names, album))}
        for rowid, name, *album in rows
    ]
    assert list(made[0]) == ["rowid", "name", "album"]
    assert made[0]["album"] is made[2]["album"] is joined[10]
    assert list(joined) == [10, 11]


@pytest.mark.parametrize("row", [(1, 2, 3), (1, 2, 3, 4, 5)])
def test_a_row_of_another_width_is_refused(row):
    with pytest.raises(ValueError):
        row_reader(NAMES)([row])
