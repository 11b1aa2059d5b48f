"""Albums and artists dumped once per worker, not once per answer.

What marshmallow makes of an album or an artist is the same in every answer
while the files stay the same; a big batch holds hundreds of them, and
dumping them was most of its cost. Each worker keeps them encoded, up to
``SHARED_OBJECTS_MB`` (0: none kept), emptied when the files change
(:mod:`app.worker_memory`); the JSON provider embeds them as they are
(:class:`app.schemas.dump.EncodedObject`).
"""

from flask import current_app

from app import db
from app.schemas.dump import keep_shared_objects
from app.schemas.dump import kept_rowids
from app.schemas.objects import AlbumSchema
from app.schemas.objects import ArtistSchema
from app.worker_memory import KeptWhileFilesLast

# What an entry costs a worker beyond its JSON, as measured in a serving
# process (bench.zipf_cache, docs/PERFORMANCE.md): about 4 kB. Alone, an
# entry takes about 0.5 kB more than its JSON; kept among the short-lived
# objects of many requests it holds on to heap pages that would otherwise
# go back to the system. Charged here so the setting's MB are the worker's MB.
ENTRY_OVERHEAD_BYTES = 4096


# The objects kept, by the kind the catalogue's loaders name them.
KEPT_SCHEMAS = {"album": AlbumSchema, "artist": ArtistSchema}


def already_dumped(kind, rowids):
    """For the catalogue's loaders: the ``rowids`` whose ``kind`` object
    this worker holds, already dumped, for this request."""
    return kept_rowids(KEPT_SCHEMAS[kind], rowids)


def use_kept_objects():
    store = current_app.extensions["shared_objects"]
    if not store.enabled:
        return
    try:
        fingerprint = db.request_files_fingerprint()
    except db.FileUnavailable:
        return  # the view answers it (503)
    store.follow(fingerprint)
    keep_shared_objects(store, fingerprint)


def stop_using_kept_objects(error=None):
    # Dumps outside a request (tests, the CLI) make their own objects.
    keep_shared_objects(None)


def init_app(app):
    app.extensions["shared_objects"] = KeptWhileFilesLast(
        app.config["SHARED_OBJECTS_MB"],
        lambda encoded: len(encoded.json) + ENTRY_OVERHEAD_BYTES,
    )
    app.before_request(use_kept_objects)
    app.teardown_request(stop_using_kept_objects)
