"""Albums and artists dumped once per worker, not once per answer.

What marshmallow makes of an album or an artist is the same in every answer
while the files stay the same; a big batch holds hundreds of them, and
dumping them was most of its cost. Each worker keeps them encoded, up to
``SHARED_OBJECTS_MB`` (0: none kept), emptied when the files change
(:mod:`app.worker_memory`); the JSON provider embeds them as they are
(:class:`orjson.Fragment`).
"""

from collections import OrderedDict

from flask import current_app

from app import db
from app.schemas.objects import AlbumSchema
from app.schemas.objects import ArtistSchema
from app.schemas.shared import keep_shared_objects
from app.schemas.shared import kept_rowids
from app.worker_memory import KeptWhileFilesLast

# What an entry costs a worker beyond its JSON, as measured in a serving
# process (bench.zipf_cache, docs/PERFORMANCE.md): about 4 kB. Alone, an
# entry takes about 0.5 kB more than its JSON; kept among the short-lived
# objects of many requests it holds on to heap pages that would otherwise
# go back to the system. Charged here so the setting's MB are the worker's MB.
ENTRY_OVERHEAD_BYTES = 4096


# The objects kept, by the kind the catalogue's loaders name them.
KEPT_SCHEMAS = {"album": AlbumSchema, "artist": ArtistSchema}


class _LeastRecentlyUsedFirst(OrderedDict):
    """(fragment, bytes charged) by key, oldest use first, with the bytes
    counted; and the keys asked about but not held, in two generations of
    as many keys as the store could hold entries (:meth:`SharedObjectStore.ask_many`)."""

    def __init__(self, max_bytes):
        super().__init__()
        self.max_bytes = max_bytes
        self.bytes = 0
        # Two generations of keys: when the newer is full it becomes the
        # older and the older is forgotten, so a key is remembered for
        # between one and two generations' worth of other keys asked about.
        self.asked, self.asked_earlier = set(), set()
        self.max_asked = max(1, max_bytes // ENTRY_OVERHEAD_BYTES)


class SharedObjectStore(KeptWhileFilesLast):
    """A worker's albums and artists, asked and fed in bulk.

    A batch asks about and makes about a thousand of them: one lock and a
    plain ordered dict per request, not a cache call per object, so that
    keeping them costs less than it saves even when none repeats.

    An object is kept the second time it is made, not the first: most of
    what a worker sees once it never sees again (a batch of unrelated
    ISRCs), and encoding and storing it apart from its answer would cost a
    batch of such objects a tenth more (docs/PERFORMANCE.md), and push out
    objects that do come back.
    """

    def _new_store(self):
        return _LeastRecentlyUsedFirst(self.max_bytes) if self.max_bytes > 0 else None

    def ask_many(self, keys):
        """({key: encoded object} of the ``keys`` held, each now the most
        recent; the set of the other ``keys`` that were asked about before,
        which are worth keeping once made). Each key not held counts as
        asked about from now on."""
        values = self._values
        if values is None:
            return {}, set()
        # Set operations, each running over its keys in C: a batch asks
        # about some 1,400 keys, most of them new.
        wanted = set(keys)
        with self._lock:
            held_keys = values.keys() & wanted
            held = {}
            if held_keys:
                for key in keys:
                    if key in held_keys:
                        values.move_to_end(key)
                        held[key] = values[key][0]
                wanted -= held_keys
            asked_before = (wanted & values.asked) | (wanted & values.asked_earlier)
            values.asked |= wanted - asked_before
            if len(values.asked) >= values.max_asked:
                values.asked_earlier, values.asked = values.asked, set()
        return held, asked_before

    def get_many(self, keys):
        """{key: encoded object} of the ``keys`` held (see :meth:`ask_many`)."""
        return self.ask_many(keys)[0]

    def get(self, key):
        return self.get_many((key,)).get(key)

    def put(self, key, value, fingerprint):
        self.put_many({key: value}, fingerprint)

    def put_many(self, made, fingerprint):
        """Keep each object of ``made`` ({key: (fragment, its JSON's
        length)}), made from the files as they were at ``fingerprint``
        (nothing is kept when they have changed since); the least recently
        used go when the bytes pass the limit."""
        with self._lock:
            values = self._values
            if values is None or fingerprint != self.fingerprint:
                return
            for key, (fragment, length) in made.items():
                charged = length + ENTRY_OVERHEAD_BYTES
                if charged > values.max_bytes:
                    continue  # larger than the whole store: not kept
                previous = values.pop(key, None)
                if previous is not None:
                    values.bytes -= previous[1]
                values[key] = (fragment, charged)
                values.bytes += charged
            while values.bytes > values.max_bytes:
                _, (_, charged) = values.popitem(last=False)
                values.bytes -= charged

    def size_bytes(self):
        return 0 if self._values is None else self._values.bytes


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
    # What the request made is kept now; dumps outside a request (tests,
    # the CLI) make their own objects.
    keep_shared_objects(None)


def init_app(app):
    # Entries are charged as put_many counts them, not through sizeof.
    app.extensions["shared_objects"] = SharedObjectStore(app.config["SHARED_OBJECTS_MB"], None)
    app.before_request(use_kept_objects)
    app.teardown_request(stop_using_kept_objects)
