"""Objects that many parents share (an album by its tracks, an artist by its
tracks and albums): dumped once per top-level dump, and, within a request
that keeps them (:mod:`app.shared_objects`), taken from or put into a
worker's store of such objects already encoded.
"""

import contextvars
import functools

import orjson
from marshmallow import fields
from marshmallow import missing

from app.encoded_json import orjson_or_none
from app.schemas.dump import dumped_once
from app.schemas.stand_ins import dumps_none_as_none
from app.schemas.stand_ins import nested_row_schema

# This request's view of the worker's kept objects (see
# :func:`keep_shared_objects`); None: each dump makes its own.
_kept_objects = contextvars.ContextVar("kept_objects", default=None)

# What a request's view of the store holds for a key the store does not
# hold but was asked about before: worth keeping once made. (None: not held,
# not worth keeping.) One lookup per reference tells a dump both.
_WORTH_KEEPING = object()


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
    :class:`app.shared_objects.SharedObjectStore`).

    Within the request, objects are looked up by schema name and then by
    rowid (an int), not by a (name, rowid) tuple made for each lookup: a
    batch looks up some 1,500 of them."""

    def __init__(self, store, fingerprint):
        self.store = store
        self.fingerprint = fingerprint
        # {name: {rowid: its encoded object; when not held, _WORTH_KEEPING
        # or None}} for every key asked about, and what this request made
        # and keeps.
        self.pinned = {}
        self.made = {}

    def holding(self, schema, rowids):
        """The ``rowids`` whose ``schema`` object the store holds, pinned."""
        return self._ask(kept_name(schema), rowids)

    def ask_alone(self, name, rowid):
        """Ask the store about a key no loader asked about: its encoded
        object, or _WORTH_KEEPING or None when it is not held. (A dump
        looks a key up in ``pinned`` itself first.)"""
        self._ask(name, (rowid,))
        return self.pinned[name][rowid]

    def _ask(self, name, rowids):
        held, asked_before = self.store.ask_many([(name, rowid) for rowid in rowids])
        pinned = self.pinned.setdefault(name, {})
        pinned.update(dict.fromkeys(rowids))
        pinned.update(dict.fromkeys((rowid for _, rowid in asked_before), _WORTH_KEEPING))
        held_rowids = set()
        for (_, rowid), encoded in held.items():
            pinned[rowid] = encoded
            held_rowids.add(rowid)
        return held_rowids

    def keep(self, name, rowid, dumped):
        """Keep what was ``dumped`` for a key worth keeping: return it
        encoded, or None when it cannot be."""
        json_bytes = orjson_or_none(dumped)
        if json_bytes is None:
            # What orjson would write unlike the stdlib is not kept, only dumped.
            return None
        encoded = self.pinned[name][rowid] = orjson.Fragment(json_bytes)
        self.made[(name, rowid)] = (encoded, len(json_bytes))
        return encoded

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
    :func:`app.schemas.stand_ins.nested_row_schema`).

    A batch dumps some 1,500 of them and refers to them 2,000 times: each
    reference is one call here, the memo keyed by the row's id alone."""

    # (the nested schema's row dumper or None, the name its dumps are kept
    # under or None when they may not be, what the memo knows them as);
    # made on first use.
    _dumping = None

    @dumps_none_as_none
    def _serialize(self, nested_obj, attr, obj, **kwargs):
        if type(nested_obj) is not dict:  # None, or an object for marshmallow's own path
            return super()._serialize(nested_obj, attr, obj, **kwargs)
        dump_row, kept_as, dumped_as = self._dumping or self._plan_dumping()
        memo = dumped_once.get()
        if memo is None:
            memo = {}
        row_id = id(nested_obj)
        seen = memo.get(row_id)
        if seen is not None and seen[1] == dumped_as:
            return seen[2]
        kept = _kept_objects.get() if kept_as else None
        rowid = None if kept is None else nested_obj.get("rowid")
        encoded = None
        if rowid is not None:
            by_rowid = kept.pinned.get(kept_as)
            encoded = by_rowid.get(rowid, missing) if by_rowid is not None else missing
            if encoded is missing:
                encoded = kept.ask_alone(kept_as, rowid)
        if encoded is None or encoded is _WORTH_KEEPING:
            dumped = dump_row(nested_obj) if dump_row else super()._serialize(nested_obj, attr, obj)
            if encoded is _WORTH_KEEPING:
                encoded = kept.keep(kept_as, rowid, dumped)
        if encoded is not None:
            dumped = encoded
        # The row is kept with its dump so its id cannot be reused by
        # another object while the memo lives.
        memo[row_id] = (nested_obj, dumped_as, dumped)
        return dumped

    def _plan_dumping(self):
        schema = nested_row_schema(self)
        # A kept object is the whole object: not one cut by only/exclude.
        name = kept_name(self.nested) if isinstance(self.nested, type) else None
        kept_as = name if self.only is None and not self.exclude else None
        dumped_as = kept_as or (self.nested, self.only, self.exclude)
        self._dumping = (schema and schema.row_dumper(), kept_as, dumped_as)
        return self._dumping
