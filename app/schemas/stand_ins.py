"""Stand-ins for fields in the dump plan (:mod:`app.schemas.row_plan`):
objects with a field's ``_serialize`` contract that hand nested rows
straight to their schemas' row dumpers, skipping marshmallow's layers
between a field and the rows it nests; and the marks by which a field's
``_serialize`` tells the plan what it returns.

Relies on marshmallow 4's ``Nested``, ``List`` and ``Mapping`` internals
(pinned below 5).
"""

import orjson
from marshmallow import fields
from marshmallow.decorators import POST_DUMP
from marshmallow.decorators import PRE_DUMP


def dumps_none_as_none(serialize):
    """Mark a field's ``_serialize`` that returns None for None, so the
    dump plan skips the call for the many NULL columns."""
    serialize.dumps_none_as_none = True
    return serialize


def dumps_truth_value(serialize):
    """Mark a field's ``_serialize`` that returns None for None and
    ``bool(value)`` otherwise, which the dump plan writes out in place of
    the call."""
    serialize.dumps_truth_value = True
    return dumps_none_as_none(serialize)


def nested_row_schema(field):
    """The schema of a ``Nested`` field whose rows may go straight to the
    schema's ``_serialize``: a :class:`app.schemas.dump.RowSchema` (it has a
    ``row_dumper``) of one object without dump
    hooks, so ``Nested._serialize`` and ``Schema.dump`` would only add their
    checks; None otherwise."""
    schema = field.schema
    if (not hasattr(schema, "row_dumper") or schema.many or field.many
            or schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]):
        return None
    return schema


def stand_in(field):
    """What the plan's direct path calls for ``field``: an object with the
    field's ``_serialize`` contract that skips marshmallow's layers between
    a field and the rows it nests, or the field itself."""
    serialize = type(field)._serialize
    if serialize is fields.Nested._serialize:
        schema = nested_row_schema(field)
        return field if schema is None else _RowObject(schema)
    if serialize is fields.List._serialize:
        return RowList(stand_in(field.inner))
    if serialize is fields.Mapping._serialize and field.mapping_type is dict \
            and field.value_field is not None \
            and (field.key_field is None or type(field.key_field) is fields.String):
        return _RowMapping(field.key_field, stand_in(field.value_field))
    return field


class _RowObject:
    """A nested row (an image, a track of a batch) handed straight to its
    schema's row dumper."""

    def __init__(self, schema):
        self.schema = schema
        self.dump_row = None  # the schema's, on first use

    @dumps_none_as_none
    def _serialize(self, value, attr, obj):
        if type(value) is dict:
            return (self.dump_row or self._dumper())(value)
        return None if value is None else self.schema._serialize(value)

    def _dumper(self):
        self.dump_row = self.schema.row_dumper()
        return self.dump_row


class RowList:
    """A list, each item to the stand-in of the list's items; or
    that list already encoded (an :class:`orjson.Fragment`: the plain images
    of :func:`app.catalog.group_image_lists`), embedded as it is."""

    def __init__(self, inner):
        self.inner = inner

    @dumps_none_as_none
    def _serialize(self, value, attr, obj):
        if value is None:
            return None
        if type(value) is orjson.Fragment:
            return value
        serialize = self.inner._serialize
        return [serialize(item, attr, obj) for item in value]


class _RowMapping:
    """A dict of nested rows by key (a batch answer's maps): keys as
    ``fields.String`` writes them, values to the values' stand-in."""

    def __init__(self, key_field, values):
        self.key_field = key_field
        self.values = values

    @dumps_none_as_none
    def _serialize(self, value, attr, obj):
        if value is None:
            return None
        key_field, serialize = self.key_field, self.values._serialize
        return {
            key if key_field is None or type(key) is str else key_field._serialize(key, None, None):
            serialize(item, None, None)
            for key, item in value.items()
        }
