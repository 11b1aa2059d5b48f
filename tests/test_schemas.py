"""Serialising rows: shared albums and artists are dumped once per dump, and
the answer is the same as if every parent held its own copy."""

import copy
import json

from app.schemas.objects import BatchResponseSchema
from app.schemas.objects import TrackSchema


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
    real_serialize = objects.AlbumSchema._serialize

    def counting(self, obj, *, many=False):
        dumped_albums.append(obj["rowid"])
        return real_serialize(self, obj, many=many)

    monkeypatch.setattr(objects.AlbumSchema, "_serialize", counting)
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
