"""Objects that many parents share (an album by its tracks, an artist by its
tracks and albums): dumped once per top-level dump, and, within a request
that keeps them (:mod:`app.shared_objects`), taken from or put into a
worker's store of such objects already encoded.
"""

import contextvars
import functools

import orjson
from marshmallow import fields

from app.encoded_json import ORJSON_OPTIONS
from app.schemas.dump import dumped_once
from app.schemas.dump import nested_row_schema

# This request's view of the worker's kept objects (see
# :func:`keep_shared_objects`); None: each dump makes its own.
_kept_objects = contextvars.ContextVar("kept_objects", default=None)


@functools.cache
def kept_name(schema_class):
    """The name a kept object's key gives its schema: a string, so that the
    store's keys hold no reference the garbage collector must follow. Made
    once per schema: every request that loads tracks asks for it."""
    return f"{schema_class.__module__}.{schema_class.__qualname__}"


class _KeptObjects:
    """One request's view of a worker's store of encoded objects, keyed by
    (:func:`kept_name` of the schema, rowid). What :func:`kept_rowids` reported as held is
    pinned here for the request, so the store evicting it meanwhile cannot
    leave a dump with a row that was not loaded whole. The store is asked
    and fed in bulk (one lock each way): what a request makes goes there
    when it ends, if the store had been asked about it before (see
    :class:`app.shared_objects.SharedObjectStore`)."""

    def __init__(self, store, fingerprint):
        self.store = store
        self.fingerprint = fingerprint
        # Every key asked about: its kept object, or None when not held.
        self.pinned = {}
        # Keys not held that the store was asked about before this request.
        self.worth_keeping = set()
        self.made = {}

    def _ask(self, keys):
        held, asked_before = self.store.ask_many(keys)
        self.pinned.update(dict.fromkeys(keys))
        self.pinned.update(held)
        self.worth_keeping.update(asked_before)
        return held

    def holding(self, schema, rowids):
        name = kept_name(schema)
        return {rowid for _, rowid in self._ask([(name, rowid) for rowid in rowids])}

    def get(self, key):
        if key not in self.pinned:
            self._ask((key,))
        encoded = self.pinned[key]
        if encoded is None and key in self.made:
            encoded = self.made[key][0]
        return encoded

    def put(self, key, fragment, size):
        self.made[key] = (fragment, size)

    def keep_made(self):
        if self.made:
            self.store.put_many(self.made, self.fingerprint)


def keep_shared_objects(store, fingerprint=None):
    """Until called again (with None), dumps in this context take shared
    objects (albums, artists) from ``store`` and put the ones they make
    there, encoded, when called again: a
    :class:`app.shared_objects.SharedObjectStore` over catalogue rows that
    cannot change while it is in use; ``fingerprint`` names the files the
    request reads. A dump then holds :class:`orjson.Fragment` values, which
    only the app's JSON provider writes."""
    previous = _kept_objects.get()
    if previous is not None:
        previous.keep_made()
    _kept_objects.set(None if store is None else _KeptObjects(store, fingerprint))


def kept_rowids(schema, rowids):
    """The ``rowids`` whose ``schema`` object the store holds: their rows
    need only their rowid (the dump embeds the kept object)."""
    kept = _kept_objects.get()
    return set() if kept is None else kept.holding(schema, rowids)


class DumpedOnce(fields.Nested):
    """A nested object that many parents share: dumped once per top-level
    dump, and the result reused by every parent that holds the same object.
    A plain row goes straight to its schema's ``_serialize`` (see
    :func:`app.schemas.dump.nested_row_schema`)."""

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        if type(nested_obj) is not dict:  # None, or an object for marshmallow's own path
            return super()._serialize(nested_obj, attr, obj, **kwargs)
        memo = dumped_once.get()
        if memo is None:
            return self._kept_or_dumped(nested_obj)
        key = (self.nested, id(nested_obj))
        seen = memo.get(key)
        if seen is None:
            # The object is kept with its dump so its id cannot be reused
            # by another object while the memo lives.
            seen = memo[key] = (nested_obj, self._kept_or_dumped(nested_obj))
        return seen[1]

    def _row_dumping(self):
        """(the nested schema's row dumper or None, the name its dumps are
        kept under or None when they may not be)."""
        dumping = self.__dict__.get("_dumping")
        if dumping is None:
            schema = nested_row_schema(self)
            # A kept object is the whole object: not one cut by only/exclude.
            keepable = self.only is None and not self.exclude
            name = kept_name(self.nested) if isinstance(self.nested, type) else None
            dumping = self._dumping = (schema and schema.row_dumper(), keepable and name)
        return dumping

    def _kept_or_dumped(self, row):
        dump_row, kept_as = self._row_dumping()
        kept = _kept_objects.get() if kept_as else None
        rowid = None if kept is None else row.get("rowid")
        if rowid is None:
            return dump_row(row) if dump_row else super()._serialize(row, None, None)
        key = (kept_as, rowid)
        encoded = kept.get(key)
        if encoded is None:
            dumped = dump_row(row) if dump_row else super()._serialize(row, None, None)
            if key not in kept.worth_keeping:
                return dumped
            try:
                json_bytes = orjson.dumps(dumped, option=ORJSON_OPTIONS)
            except orjson.JSONEncodeError:
                # What orjson would write unlike the stdlib is not kept, only dumped.
                return dumped
            encoded = orjson.Fragment(json_bytes)
            kept.put(key, encoded, len(json_bytes))
        return encoded
