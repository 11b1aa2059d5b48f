"""Dumping catalogue rows fast: a per-schema plan over plain dicts, and a memo
for objects that many parents share.

This module relies on marshmallow 4 internals (``Schema._serialize``,
``Schema.dump_fields``, ``Field._CHECK_ATTRIBUTE``, ``Field._serialize``);
setup.cfg pins marshmallow below 5 for it. tests/test_schemas.py checks that
the answers equal marshmallow's own.
"""

import contextvars
from typing import NamedTuple

from marshmallow import Schema
from marshmallow import fields
from marshmallow import missing

# What one top-level dump has already made of each shared object:
# {(schema class, id(object)): (object, dumped)}. None outside a dump.
_dumped_once = contextvars.ContextVar("dumped_once", default=None)


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
        plan.append(_Step(name, key, field, direct, _unchanged_type(field), omit_when))
    return tuple(plan)


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
        memo = _dumped_once.get()
        if memo is None or nested_obj is None:
            return super()._serialize(nested_obj, attr, obj, **kwargs)
        key = (self.nested, id(nested_obj))
        seen = memo.get(key)
        if seen is None:
            # The object is kept with its dump so its id cannot be reused
            # by another object while the memo lives.
            seen = memo[key] = (nested_obj, super()._serialize(nested_obj, attr, obj, **kwargs))
        return seen[1]
