"""Record the service's answers to a few hundred requests, or compare with a record.

Refactors and speed work promise byte-identical answers; this is how that
is checked. The catalogue comes from the user-facing CLI (``generate``,
``build-search-index``), so a record made before a change and a comparison
made after it read the same rows. Three configurations are asked: with the
search index, with the bounded scan instead, and without track_files.

    python -m bench.answers record var/answers-before.json
    python -m bench.answers compare var/answers-before.json
    python -m bench.answers compare --ignore-header-value ETag var/answers-before.json

``--ignore-header-value`` is for a change that alters a header's values on
purpose (issue 14 made ETags from the files' fingerprint and the request
instead of the body): the header must still be present exactly where it was.
"""

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.keys import sample_keys

TRACKS = 12_000
SEED = 7
KEYS_PER_KIND = 25
SEARCHES = ("love", "corazon ma", "the ni", "zz", "é", "baby love night", "a", "ra", "nonexistentword")
HEADERS_KEPT = ("Content-Type", "ETag", "Cache-Control", "Allow", "Retry-After")


def build_catalogue(folder):
    """Generate the catalogue into folder/index (with a search index), folder/scan
    (without one) and folder/bare (main file alone)."""
    cli = Path(sys.executable).parent / "music-metadata-api"
    indexed = folder / "index"
    subprocess.run([cli, "generate", str(indexed), "--tracks", str(TRACKS), "--seed", str(SEED)],
                   check=True, capture_output=True)
    for name, files in (("scan", ("main_database.sqlite3", "track_files.sqlite3")),
                        ("bare", ("main_database.sqlite3",))):
        (folder / name).mkdir()
        for file in files:
            shutil.copy(indexed / file, folder / name / file)
    subprocess.run([cli, "build-search-index", "--main-database",
                    str(indexed / "main_database.sqlite3")], check=True, capture_output=True)


def requests_for(keys):
    """Return (method, path, json body or None) for every route, with good and bad input."""
    wanted = []
    for track in keys["tracks"]:
        wanted.append(("GET", f"/lookup/track/{track}", None))
    for album in keys["albums"]:
        wanted += [("GET", f"/lookup/album/{album}", None),
                   ("GET", f"/lookup/album/{album}/tracks", None)]
    for artist in keys["artists"]:
        wanted.append(("GET", f"/lookup/artist/{artist}", None))
    for isrc in keys["isrcs"]:
        wanted += [("GET", f"/lookup/isrc/{isrc}", None),
                   ("GET", f"/lookup/isrc/{isrc[:2].lower()}-{isrc[2:5]}-{isrc[5:]}", None)]
    for kind in ("track", "album", "artist"):
        for q in SEARCHES:
            wanted.append(("GET", f"/search/{kind}?q={q}", None))
            wanted.append(("GET", f"/search/{kind}?q={q}&limit=50&offset=3", None))
    for size in (1, 10, 100):
        wanted.append(("POST", "/batch/lookup", {kind: keys[kind][:size] * (size // 25 + 1)
                                                 for kind in keys}))
    wanted.append(("POST", "/batch/lookup", {"isrcs": keys["isrcs"], "tracks": ["0" * 22]}))
    wanted += [
        ("GET", "/lookup/track/" + "0" * 22, None),
        ("GET", "/lookup/track/short", None),
        ("GET", "/lookup/isrc/XX", None),
        ("GET", "/lookup/album/" + "0" * 22 + "/tracks", None),
        ("GET", "/search/track?q=a&limit=0", None),
        ("GET", "/search/track?q=ab&offset=5000", None),
        ("GET", "/search/track", None),
        ("GET", "/nowhere", None),
        ("DELETE", "/lookup/track/" + "0" * 22, None),
        ("POST", "/batch/lookup", {}),
        ("POST", "/batch/lookup", {"tracks": ["bad"]}),
        ("POST", "/batch/lookup", {"isrcs": ["X"] * 401}),
        ("GET", "/health", None),
        ("GET", "/openapi.json", None),
    ]
    return wanted


def answers(folder):
    """Return {configuration: [[method, path, status, headers, base64 body], …]}."""
    from app import create_app

    keys = sample_keys(folder / "index" / "main_database.sqlite3", KEYS_PER_KIND)
    recorded = {}
    for name in ("index", "scan", "bare"):
        app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False,
                          "LOG_LEVEL": "WARNING",
                          "MAIN_DATABASE": str(folder / name / "main_database.sqlite3")})
        client = app.test_client()
        rows = recorded[name] = []
        for method, path, body in requests_for(keys):
            response = client.open(path, method=method, json=body)
            headers = {h: response.headers[h] for h in HEADERS_KEPT if h in response.headers}
            if "Allow" in headers:  # a set's order, which varies between runs
                headers["Allow"] = ", ".join(sorted(headers["Allow"].split(", ")))
            rows.append([method, path, response.status_code, headers,
                         base64.b64encode(response.get_data()).decode()])
    return recorded


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("record", "compare"))
    parser.add_argument("record_file", type=Path)
    parser.add_argument("--ignore-header-value", action="append", default=[], metavar="HEADER",
                        help="compare only whether HEADER is present (repeatable)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        build_catalogue(Path(scratch))
        now = answers(Path(scratch))
    if arguments.action == "record":
        arguments.record_file.parent.mkdir(parents=True, exist_ok=True)
        arguments.record_file.write_text(json.dumps(now))
        print(f"recorded {sum(map(len, now.values()))} answers in {arguments.record_file}")
        return 0
    before = _without_values(json.loads(arguments.record_file.read_text()),
                             arguments.ignore_header_value)
    now = _without_values(now, arguments.ignore_header_value)
    differences = [
        (name, old[:3], new[2:4])
        for name in before
        for old, new in zip(before[name], now.get(name, []), strict=True)
        if old != new
    ]
    for name, request, answer in differences[:20]:
        print(f"differs ({name}): {request} → now {answer}")
    total = sum(map(len, before.values()))
    print(f"{total - len(differences)} of {total} answers identical")
    return 1 if differences else 0


def _without_values(recorded, headers):
    for rows in recorded.values():
        for row in rows:
            for header in headers:
                if header in row[3]:
                    row[3][header] = "(present)"
    return recorded


if __name__ == "__main__":
    sys.exit(main())
