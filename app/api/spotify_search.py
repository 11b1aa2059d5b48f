"""GET /v1/search: Spotify's search, with its field filters, through the search index.

Each type asked for gets a paging object. Candidates come in rank order from
one part of ``q`` (see :func:`candidates`), at most :data:`WINDOW` of them;
the other filters then keep the candidates they match, and those whose
names equal the filters' values exactly come first (clients keep the top
few). ``total`` counts the matches among the candidates, so it is exact
below :data:`WINDOW` and a bound at it: no search counts over the catalogue.
Without a search index, names are matched by the bounded scan instead (a
name contains the text), under the same time limit as the native search.
"""

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request

from app import access
from app.api.spotify import add_markets
from app.catalog import albums as albums_sql
from app.catalog import artists as artists_sql
from app.catalog import search as indexed
from app.catalog import spotify_search as sql
from app.catalog import tracks as tracks_sql
from app.catalog import upcs as upcs_sql
from app.db import get_db
from app.db import search_mode
from app.db import time_limit
from app.paging import offset_page
from app.schemas.spotify import search_results_schema
from app.schemas.spotify_requests import SEARCH_MAX_OFFSET
from app.schemas.spotify_requests import SEARCHED_TYPES
from app.schemas.spotify_requests import spotify_search_arguments
from app.search_query import any_name_match
from app.search_query import parse
from app.search_query import words_match
from app.validation import normalise_isrc
from app.validation import normalise_upc

bp = Blueprint("spotify_search", __name__)
bp.before_request(access.require_token)

# Every page a client may ask for lies within the first WINDOW matches.
WINDOW = SEARCH_MAX_OFFSET + 50
# With only an album or an artist to go on, the tracks (or albums) of this
# many best-ranked albums or artists of that name are the candidates.
ARTISTS_WIDE = 10


@bp.get("/search", strict_slashes=False)
def search():
    wanted = spotify_search_arguments.load(request.args)
    query = parse(wanted["q"])
    limit, offset, market = wanted["limit"], wanted["offset"], wanted["market"]
    kept = {"q": wanted["q"], "type": ",".join(wanted["type"])}
    if market:
        kept["market"] = market
    connection = get_db()
    results = {}
    with time_limit(connection, current_app.config["SEARCH_TIME_LIMIT_MS"]):
        for kind in wanted["type"]:
            found, total = [], 0
            if kind in SEARCHED_TYPES:
                matches = SEARCHES[kind](connection, query)
                total = len(matches)
                found = LOADERS[kind](connection, matches[offset:offset + limit], market)
            results[f"{kind}s"] = offset_page(
                found, path="/v1/search", arguments=kept, limit=limit, offset=offset,
                total=total, last_offset=SEARCH_MAX_OFFSET,
            )
    return jsonify(search_results_schema.dump(results))


def _ranked(connection, kind, text, window=WINDOW):
    """Rowids of ``kind`` whose names match ``text``, best first: through the
    index when one is attached, else by the scan."""
    if search_mode() != "index":
        return sql.scanned(connection, kind, text, window) if text else []
    words = indexed.query_words(connection, text) if text else []
    return indexed.ranked_rowids(connection, kind, words, window, 0) if words else []


def best_first(facts, checks):
    """Rowids of the facts every check accepts, those matching exactly first.

    :param checks: (check, primary) pairs; a check takes a fact and returns
        0 (no match), 1 (match) or 2 (exact match). A primary check only
        ranks: its part of q chose the candidates already.
    """
    scored = []
    for position, fact in enumerate(facts):
        results = [(check(fact), primary) for check, primary in checks]
        if all(result or primary for result, primary in results):
            exact = sum(result == 2 for result, _ in results)
            scored.append((-exact, position, fact["rowid"]))
    return [rowid for *_, rowid in sorted(scored)]


def only_ranking(checks):
    """Whether no check would drop a candidate: the index order stands."""
    return all(primary for _, primary in checks)


def _name_check(key, value):
    return lambda fact: words_match(value, fact[key])


def _artists_check(value):
    return lambda fact: any_name_match(value, fact["artists"])


def _year_check(years):
    first, last = years

    def check(fact):
        year = fact["release_date"][:4]
        return 1 if year.isdigit() and first <= int(year) <= last else 0
    return check


def _common_checks(query):
    checks = []
    if "artist" in query.filters:
        checks.append((_artists_check(query.filters["artist"]), False))
    if query.years() is not None:
        checks.append((_year_check(query.years()), False))
    return checks


def search_tracks(connection, query):
    """Track rowids matching ``query``, best first (at most WINDOW)."""
    isrc = normalise_isrc(query.filters.get("isrc", ""))
    text = query.text("track")
    checks = _common_checks(query)
    if "isrc" in query.filters:
        candidates = sql.tracks_by_isrc(connection, isrc, WINDOW) if isrc else []
        if text:
            checks.append((_name_check("track", text), False))
    elif text:
        candidates = _ranked(connection, "track", text)
        checks.append((_name_check("track", text), True))
    elif "album" in query.filters:
        albums = _ranked(connection, "album", query.filters["album"], ARTISTS_WIDE)
        candidates = sql.tracks_of_albums(connection, albums, WINDOW)
    elif "artist" in query.filters:
        artists = _ranked(connection, "artist", query.filters["artist"], ARTISTS_WIDE)
        candidates = sql.tracks_of_artists(connection, artists, WINDOW)
    else:
        return []
    if "album" in query.filters:
        checks.append((_name_check("album", query.filters["album"]), False))
    if only_ranking(checks):
        return candidates
    return best_first(sql.track_facts(connection, candidates), checks)


def search_albums(connection, query):
    """Album rowids matching ``query``, best first (at most WINDOW)."""
    text = query.text("album")
    checks = _common_checks(query)
    if "upc" in query.filters:
        upc = normalise_upc(query.filters["upc"])
        candidates = upcs_sql.album_rowids_by_upc(connection, upc, WINDOW) if upc else []
        if text:
            checks.append((_name_check("album", text), False))
    elif text:
        candidates = _ranked(connection, "album", text)
        checks.append((_name_check("album", text), True))
    elif "artist" in query.filters:
        artists = _ranked(connection, "artist", query.filters["artist"], ARTISTS_WIDE)
        candidates = sql.albums_of_artists(connection, artists, WINDOW)
    else:
        return []
    if only_ranking(checks):
        return candidates
    return best_first(sql.album_facts(connection, candidates), checks)


def search_artists(connection, query):
    """Artist rowids matching ``query``, best first (at most WINDOW)."""
    text = query.text("artist")
    genre = query.filters.get("genre")
    checks = []
    if text:
        candidates = _ranked(connection, "artist", text)
        checks.append((_name_check("artist", text), True))
        if genre:
            checks.append((lambda fact: any_name_match(genre, fact["genres"]), False))
    elif genre:
        candidates = sql.artists_by_genre(connection, genre.lower(), WINDOW)
    else:
        return []
    if only_ranking(checks):
        return candidates
    return best_first(sql.artist_facts(connection, candidates), checks)


def load_tracks(connection, rowids, market):
    tracks = tracks_sql.tracks_by_rowid(connection, rowids, credits_fallback=True)
    add_markets(connection, tracks, market=market)
    return tracks


def load_albums(connection, rowids, market):
    albums = albums_sql.albums_by_rowid_whole(connection, rowids, credits_fallback=True)
    add_markets(connection, albums=albums)
    return albums


def load_artists(connection, rowids, market):
    return artists_sql.artists_in_order(connection, rowids)


SEARCHES = {"track": search_tracks, "album": search_albums, "artist": search_artists}
LOADERS = {"track": load_tracks, "album": load_albums, "artist": load_artists}
