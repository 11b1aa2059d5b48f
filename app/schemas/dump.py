"""Dumping catalogue rows fast: a per-schema plan over plain dicts, a memo
for objects that many parents share, and a worker's store of such objects
already encoded.

This module relies on marshmallow 4 internals (``Schema._serialize``,
``Schema.dump_fields``, ``Field._CHECK_ATTRIBUTE``, ``Field._serialize``);
setup.cfg pins marshmallow below 5 for it. tests/test_schemas.py checks that
the answers equal marshmallow's own.
"""

import contextvars
from typing import NamedTuple

import orjson
from marshmallow import Schema
from marshmallow import fields
from marshmallow import missing
from marshmallow.decorators import POST_DUMP
from marshmallow.decorators import PRE_DUMP

from app.encoded_json import orjson_or_none

# What one top-level dump has already made of each shared object:
# {(schema class, id(object)): (object, dumped)}. None outside a dump.
_dumped_once = contextvars.ContextVar("dumped_once", default=None)

# This request's view of the worker's kept objects (see
# :func:`keep_shared_objects`); None: each dump makes its own.
_kept_objects = contextvars.ContextVar("kept_objects", default=None)


class _KeptObjects:
    """One request's view of a worker's store of encoded objects, keyed by
    (schema class, rowid). What :func:`kept_rowids` reported as held is
    pinned here for the request, so the store evicting it meanwhile cannot
    leave a dump with a row that was not loaded whole. The store is asked
    and fed in bulk (one lock each way): what a request makes goes there
    when it ends."""

    def __init__(self, store, fingerprint):
        self.store = store
        self.fingerprint = fingerprint
        # Every key asked about: its kept object, or None when not held.
        self.pinned = {}
        self.made = {}

    def holding(self, schema, rowids):
        keys = [(schema, rowid) for rowid in rowids]
        held = self.store.get_many(keys)
        self.pinned.update(dict.fromkeys(keys))
        self.pinned.update(held)
        return {rowid for _, rowid in held}

    def get(self, key):
        encoded = self.pinned.get(key)
        if encoded is None and key in self.made:
            encoded = self.made[key][0]
        if encoded is None and key not in self.pinned:
            encoded = self.store.get(key)
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


class RowSchema(Schema):
    """A schema over the catalogue's rows, which are plain dicts.

    Dumping a row reads each key straight from the dict and hands the value
    to the field's own ``_serialize``, skipping marshmallow's generic
    per-field accessor chain (``serialize`` → ``get_value`` →
    ``get_attribute`` → ``utils.get_value``), which was most of the cost of
    a batch answer. A field that reads something else than its own key
    (``attribute=``, a default, a value built from the whole row) takes the
    generic path alone. Every dump also opens the memo of :class:`DumpedOnce`.
    """

    def get_attribute(self, obj, attr, default):
        if type(obj) is dict:
            return obj.get(attr, default)
        return super().get_attribute(obj, attr, default)

    def dump(self, obj, *, many=None):
        if _dumped_once.get() is not None:
            return super().dump(obj, many=many)
        token = _dumped_once.set({})
        try:
            return super().dump(obj, many=many)
        finally:
            _dumped_once.reset(token)

    def _serialize(self, obj, *, many=False):
        # The same contract as marshmallow 4's Schema._serialize (pinned <5).
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        if type(obj) is not dict:
            return super()._serialize(obj)
        plan = self.__dict__.get("_row_plan")
        if plan is None:
            plan = self._row_plan = _row_plan(self.dump_fields)
        dumped = {}
        for name, key, field, direct, unchanged_type, omit_when in plan:
            if direct:
                value = obj.get(name, missing)
                if value is missing:
                    continue
                if type(value) is not unchanged_type:
                    value = field._serialize(value, name, obj)
                if omit_when is not None and value in omit_when:
                    continue
            else:
                value = field.serialize(name, obj, accessor=self.get_attribute)
                if value is missing:
                    continue
            dumped[key] = value
        return dumped


class _Step(NamedTuple):
    name: str  # the attribute: the row's key
    key: str  # the answer's key (data_key)
    field: fields.Field
    # True: read the row's key and call the field's _serialize; False: the
    # field's own serialize, marshmallow's generic path.
    direct: bool
    # The value type the field dumps as itself, so the call can be skipped.
    unchanged_type: type | None
    # Dumped values that leave the field out (see fields.Omitted).
    omit_when: tuple | None


def _row_plan(dump_fields):
    """Return one :class:`_Step` per field, in the schema's order."""
    plan = []
    for name, field in dump_fields.items():
        direct = (
            field.attribute is None and field.dump_default is missing and field._CHECK_ATTRIBUTE
        )
        key = field.data_key if field.data_key is not None else name
        omit_when = getattr(field, "omit_when", None)
        serializer = _RowList.of(field) or field
        plan.append(_Step(name, key, serializer, direct, _unchanged_type(field), omit_when))
    return tuple(plan)


class _RowList:
    """A list of plain nested rows (images), or that list already encoded
    (an :class:`orjson.Fragment`, embedded as it is): each row handed straight to
    the nested schema's ``_serialize``, not through ``Nested._serialize`` and
    ``Schema.dump`` (which only add hook checks the schema does not need).
    It stands in for the field on the plan's direct path."""

    def __init__(self, schema):
        self.schema = schema

    @classmethod
    def of(cls, field):
        """The stand-in for ``field``, or None when it is not such a list."""
        if not isinstance(field, fields.List) or type(field.inner) is not fields.Nested:
            return None
        if type(field)._serialize is not fields.List._serialize:
            return None
        schema = field.inner.schema
        if (not isinstance(schema, RowSchema) or schema.many or field.inner.many
                or schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]):
            return None
        return cls(schema)

    def _serialize(self, value, attr, obj):
        if value is None:
            return None
        if type(value) is orjson.Fragment:
            # SQLite wrote the list already (app.catalog.image_lists).
            return value
        serialize = self.schema._serialize
        return [None if item is None else serialize(item) for item in value]


def _unchanged_type(field):
    """The value type a field dumps as itself (``str(s)`` is ``s``, ``int(i)``
    is ``i``), so the call can be skipped; None when every value needs it."""
    serialize = type(field)._serialize
    if serialize is fields.String._serialize:
        return str
    # Float shares Number._serialize with Integer but turns an int into a float.
    if serialize is fields.Integer._serialize and isinstance(field, fields.Integer) \
            and not field.as_string:
        return int
    return None


class DumpedOnce(fields.Nested):
    """A nested object that many parents share (an album by its tracks, an
    artist by its tracks and albums): dumped once per top-level dump, and the
    result reused by every parent that holds the same object."""

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        if nested_obj is None:
            return super()._serialize(nested_obj, attr, obj, **kwargs)
        memo = _dumped_once.get()
        if memo is None:
            return self._kept_or_dumped(nested_obj, attr, obj, **kwargs)
        key = (self.nested, id(nested_obj))
        seen = memo.get(key)
        if seen is None:
            # The object is kept with its dump so its id cannot be reused
            # by another object while the memo lives.
            seen = memo[key] = (nested_obj, self._kept_or_dumped(nested_obj, attr, obj, **kwargs))
        return seen[1]

    def _kept_or_dumped(self, nested_obj, attr, obj, **kwargs):
        kept = _kept_objects.get()
        rowid = nested_obj.get("rowid") if kept is not None and type(nested_obj) is dict else None
        if rowid is None or self.only is not None or self.exclude:
            return super()._serialize(nested_obj, attr, obj, **kwargs)
        key = (self.nested, rowid)
        encoded = kept.get(key)
        if encoded is None:
            dumped = super()._serialize(nested_obj, attr, obj, **kwargs)
            json_bytes = orjson_or_none(dumped)
            if json_bytes is None:
                # What orjson would write unlike the stdlib is not kept, only dumped.
                return dumped
            encoded = orjson.Fragment(json_bytes)
            kept.put(key, encoded, len(json_bytes))
        return encoded
