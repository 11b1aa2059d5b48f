"""Serialising rows: shared albums and artists are dumped once per dump, the
answer is the same as if every parent held its own copy, and the fast path
over dicts answers what marshmallow's own path answers."""

import copy
import json
from types import MappingProxyType

import orjson
from marshmallow import fields

from app.schemas.dump import RowSchema
from app.schemas.fields import IntegerBoolean
from app.schemas.fields import NestedFromRow
from app.schemas.fields import Omitted
from app.schemas.fields import OptionalString
from app.schemas.objects import ArtistSchema
from app.schemas.objects import BatchResponseSchema
from app.schemas.objects import TrackSchema
from app.schemas.shared import DumpedOnce


def artist(rowid, **extra):
    return dict({"rowid": rowid, "id": f"artist{rowid:016d}", "name": f"A{rowid}",
                 "followers_total": rowid * 10, "popularity": 5, "genres": [], "images": []},
                **extra)


def album(rowid, artists):
    return {"rowid": rowid, "id": f"album{rowid:017d}", "name": "", "album_type": "album",
            "label": "L", "release_date": "2001", "release_date_precision": "year",
            "external_id_upc": None, "total_tracks": 2, "copyright_c": "", "copyright_p": "(P) x",
            "images": [{"url": "u", "width": 640, "height": 640}], "artists": artists}


def track(rowid, album_row, artists, **extra):
    return dict({"rowid": rowid, "id": f"track{rowid:017d}", "name": f"T{rowid}",
                 "external_id_isrc": "", "duration_ms": 0, "explicit": 1, "track_number": rowid,
                 "disc_number": 1, "popularity": 0, "preview_url": None,
                 "album": album_row, "artists": artists}, **extra)


def shared_tracks():
    singer = artist(1, genres=["pop"], images=[{"url": "i", "width": 1, "height": 1}])
    guest = artist(2)
    shared_album = album(10, [singer])
    return [
        track(1, shared_album, [singer, guest], has_lyrics=0, language_of_performance='["en"]',
              artist_roles='[{"role": "main", "share": 0.5}]'),
        track(2, shared_album, [singer], has_lyrics=None, language_of_performance="not json",
              artist_roles="{}"),
    ]


def test_shared_objects_dump_as_if_each_parent_had_its_own_copy():
    tracks = shared_tracks()
    unshared = [copy.deepcopy(item) for item in tracks]
    schema = TrackSchema(many=True)
    assert json.dumps(schema.dump(tracks)) == json.dumps(schema.dump(unshared))


def test_field_order_and_omission_rules():
    dumped = TrackSchema(many=True).dump(shared_tracks())
    first, second = dumped
    assert list(first) == ["id", "name", "duration_ms", "explicit", "track_number",
                           "disc_number", "popularity", "album", "artists", "has_lyrics",
                           "languages", "artist_roles"]
    assert first["has_lyrics"] is False and first["explicit"] is True
    assert "has_lyrics" not in second and "languages" not in second and "artist_roles" not in second
    assert list(first["album"]) == ["id", "name", "type", "label", "release_date",
                                    "release_date_precision", "total_tracks", "copyright_p",
                                    "images", "artists"]
    assert list(first["artists"][1]) == ["id", "name", "followers", "popularity"]


def test_a_shared_album_is_dumped_once_per_dump(monkeypatch):
    from app.schemas import objects

    dumped_albums = []
    real_row_dumper = objects.AlbumSchema.row_dumper

    def counting(self):
        dump_row = real_row_dumper(self)

        def counted(row):
            dumped_albums.append(row["rowid"])
            return dump_row(row)
        return counted

    monkeypatch.setattr(objects.AlbumSchema, "row_dumper", counting)
    TrackSchema(many=True).dump(shared_tracks())
    assert dumped_albums == [10]


def test_the_memo_lasts_one_dump_only():
    tracks = shared_tracks()
    schema = TrackSchema(many=True)
    schema.dump(tracks)
    tracks[0]["album"]["name"] = "Renamed"
    assert [item["album"]["name"] for item in schema.dump(tracks)] == ["Renamed", "Renamed"]


def test_one_batch_dump_shares_artists_across_maps():
    tracks = shared_tracks()
    singer = tracks[0]["artists"][0]
    answer = BatchResponseSchema().dump(
        {"tracks": {t["id"]: t for t in tracks}, "artists": {singer["id"]: singer}}
    )
    assert answer["artists"][singer["id"]] == answer["tracks"][tracks[0]["id"]]["artists"][0]
    assert list(answer) == ["tracks", "artists"]


def generic(value):
    """The same rows as read-only mappings, which RowSchema leaves to
    marshmallow's own generic path."""
    if isinstance(value, dict):
        return MappingProxyType({key: generic(item) for key, item in value.items()})
    if isinstance(value, list):
        return [generic(item) for item in value]
    return value


def test_the_fast_path_answers_what_marshmallow_answers():
    tracks = shared_tracks()
    found = {"tracks": {t["id"]: t for t in tracks}, "isrcs": {"X": tracks},
             "artists": {a["id"]: a for a in tracks[0]["artists"]},
             "albums": {tracks[0]["album"]["id"]: tracks[0]["album"]}}
    fast = BatchResponseSchema().dump(found)
    assert json.dumps(fast) == json.dumps(BatchResponseSchema().dump(generic(found)))
    assert "isrc" not in fast["tracks"][tracks[0]["id"]]
    assert fast["artists"]["artist0000000000000001"]["followers"] == 10
    assert fast["albums"]["album00000000000000010"]["type"] == "album"


def test_rows_with_every_key_and_rows_without_some_dump_alike():
    # A row holding every field's key is dumped in one go; one without some
    # of them field by field, leaving those out.
    singer = artist(1)
    whole = track(3, album(11, [singer]), [singer], original_title="", version_title="Live",
                  has_lyrics=1, language_of_performance='["en", "fr"]', artist_roles="[]",
                  explicit=0, preview_url="")
    partial = {key: value for key, value in whole.items() if key not in ("name", "version_title")}
    for row in (whole, partial):
        fast = TrackSchema().dump(row)
        assert json.dumps(fast) == json.dumps(TrackSchema().dump(generic(row)))
    assert list(TrackSchema().dump(whole)) == [
        "id", "name", "duration_ms", "explicit", "track_number", "disc_number", "popularity",
        "album", "artists", "version_title", "has_lyrics", "languages",
    ]
    assert "name" not in TrackSchema().dump(partial)


# A family shaped like the Spotify Web API: the same rows, other shapes.
class FollowersSchema(RowSchema):
    href = fields.Constant(None)
    followers_total = fields.Integer(data_key="total")


class ExternalIdsSchema(RowSchema):
    external_id_isrc = OptionalString(data_key="isrc")


class WebArtistSchema(RowSchema):
    id = fields.String()
    followers = NestedFromRow(FollowersSchema)


class WebTrackSchema(RowSchema):
    id = fields.String()
    external_ids = NestedFromRow(ExternalIdsSchema)
    artists = fields.List(fields.Nested(WebArtistSchema))


def test_nested_from_row_builds_objects_from_flat_keys():
    tracks = shared_tracks()
    tracks[0]["external_id_isrc"] = "USUM72409273"
    dumped = WebTrackSchema(many=True).dump(tracks)
    assert dumped[0] == {
        "id": "track00000000000000001",
        "external_ids": {"isrc": "USUM72409273"},
        "artists": [
            {"id": "artist0000000000000001", "followers": {"href": None, "total": 10}},
            {"id": "artist0000000000000002", "followers": {"href": None, "total": 20}},
        ],
    }
    assert dumped[1]["external_ids"] == {}
    assert dumped == WebTrackSchema(many=True).dump(generic(tracks))


# The written-out plan's shortcuts (calls skipped for NULLs and values
# dumped as themselves, truth values, lists, omitted values, stored JSON
# arrays decoded once per text) against marshmallow's own path, over the
# dirty values of DATA-NOTES.md.
DIRTY_TEXTS = [None, "", "null", "{}", "[]", '["en"]', '["en", "zxx"]', "[1e-07, NaN, 2.50]",
               '[{"role": "main"}, null, ""]', "not json", '"en"', b'["en"]']


def dirty_track(rowid, text):
    singer = artist(rowid, genres=["pop", "", None], images=None, name="")
    return track(rowid, album(rowid, [singer, singer]), [singer], external_id_isrc=None,
                 name="", explicit=None if rowid % 3 == 0 else rowid % 3 + 1, preview_url="",
                 original_title=None, version_title="", has_lyrics=[None, 0, 2][rowid % 3],
                 language_of_performance=text, artist_roles=text)


def test_dirty_values_dump_as_marshmallow_dumps_them():
    tracks = [dirty_track(rowid, text) for rowid, text in enumerate(DIRTY_TEXTS * 2)]
    fast = TrackSchema(many=True).dump(tracks)
    assert json.dumps(fast) == json.dumps(TrackSchema(many=True).dump(generic(tracks)))
    by_text = {text: dumped.get("languages") for text, dumped in zip(DIRTY_TEXTS * 2, fast)}
    assert by_text["[1e-07, NaN, 2.50]"] is not None and by_text["not json"] is None
    assert [dumped.get("explicit") for dumped in fast[:3]] == [None, True, True]


def test_a_stored_array_decoded_once_is_still_each_answer_own():
    first, second = TrackSchema(many=True).dump(
        [dirty_track(1, '["en", "fr"]'), dirty_track(2, '["en", "fr"]')]
    )
    assert first["languages"] == second["languages"] == ["en", "fr"]
    first["languages"].append("de")
    assert TrackSchema().dump(dirty_track(3, '["en", "fr"]'))["languages"] == ["en", "fr"]


def test_more_stored_arrays_than_are_kept_decoded():
    field = TrackSchema().dump_fields["language_of_performance"]
    texts = [f'["l{number}"]' for number in range(field.MAX_TEXTS_KEPT + 5)]
    dumped = TrackSchema(many=True).dump([dirty_track(1, text) for text in texts * 2])
    assert [item["languages"] for item in dumped] == [[f"l{n}"] for n in range(len(texts))] * 2


def test_encoded_image_lists_are_embedded_as_they_are():
    images = orjson.Fragment(b'[{"url":"u","width":1,"height":1}]')
    dumped = ArtistSchema().dump(artist(1, images=images, genres=None))
    assert dumped["images"] is images and "genres" not in dumped


class OptionalZero(Omitted, fields.Raw):
    omit_when = (None, 0, "")


class ArtistsTwiceSchema(RowSchema):
    whole = fields.List(DumpedOnce(ArtistSchema))
    cut = fields.List(DumpedOnce(ArtistSchema, only=("id",)))
    again = fields.List(DumpedOnce(ArtistSchema))


class OddOmissionSchema(RowSchema):
    # Omitted when None, 0 or '': False equals 0, so it goes too, as with ==.
    count = OptionalZero()
    names = fields.List(fields.String(), allow_none=True)
    flags = fields.List(IntegerBoolean())
    anything = fields.List(fields.Raw())


def test_odd_omissions_and_lists_dump_as_marshmallow_dumps_them():
    rows = [{"count": value, "names": names, "flags": [1, 0, None, 2], "anything": [[], None, 1, "x"]}
            for value in (None, 0, 0.0, False, "", [], 1)
            for names in (None, [], ["a", None], ("b", "c"))]
    fast = OddOmissionSchema(many=True).dump(rows)
    assert json.dumps(fast) == json.dumps(OddOmissionSchema(many=True).dump(generic(rows)))
    assert ["count" in item for item in fast[::4]] == [False, False, False, False, False, True, True]


def test_one_row_dumped_by_two_schemas_in_one_dump():
    singer = artist(1, genres=["pop"])
    answer = ArtistsTwiceSchema().dump({"whole": [singer], "cut": [singer], "again": [singer]})
    assert answer["cut"] == [{"id": "artist0000000000000001"}]
    assert answer["whole"] == answer["again"] == ArtistSchema(many=True).dump([singer])
