"""The dump plan of a :class:`app.schemas.dump.RowSchema`: one function
per schema, written out from its fields, that dumps a row (a plain dict)
as marshmallow would, nested rows handed to their schemas' own row
functions (:mod:`app.schemas.stand_ins`).

This module relies on marshmallow 4 internals (``Schema.dump_fields``,
``Field._CHECK_ATTRIBUTE``, ``Field._serialize`` and what marshmallow's
own fields return from it); setup.cfg pins marshmallow below 5 for it.
tests/test_schemas.py checks that the answers equal marshmallow's own.
"""

import enum
from typing import NamedTuple

import orjson
from marshmallow import fields
from marshmallow import missing

from app.schemas.stand_ins import RowList
from app.schemas.stand_ins import stand_in

# marshmallow 4's serializers that return None for None (pinned <5).
_MARSHMALLOW_NONE_AS_NONE = frozenset((fields.String._serialize, fields.Number._serialize,
                                       fields.List._serialize, fields.Nested._serialize,
                                       fields.Mapping._serialize))


def written_out(plan, get_attribute):
    """The plan as one function, each field's steps written out in order.

    A loop over the plan spent as long unpacking and testing each step as
    it did on the field itself (a batch dumps some 20,000 fields); written
    out, each field costs only its own checks. The source is made of the
    plan's names and keys as literals; the fields are passed in by name.

    A row holding every field's key (every row of the catalogue) is read
    with one subscript per field and dumped as one dict display, which
    CPython builds at its final size; a row without one of them takes the
    field-by-field path, where a missing key leaves its field out.
    """
    namespace = {"missing": missing, "get_attribute": get_attribute, "Fragment": orjson.Fragment}
    by_field = _field_by_field(plan, namespace)
    if not all(step.direct for step in plan):
        return by_field
    namespace["dump_by_field"] = by_field
    lines = ["def dump_row(row):", "    try:"]
    lines += [f"        value_{number} = row[{step.name!r}]" for number, step in enumerate(plan)]
    lines += ["    except KeyError:", "        return dump_by_field(row)"]
    for number, step in enumerate(plan):
        lines += _serialized(number, step, f"value_{number}", "    ")
    entries = ", ".join(f"{step.key!r}: value_{number}" for number, step in enumerate(plan))
    lines.append(f"    dumped = {{{entries}}}")
    for number, step in enumerate(plan):
        if step.omit_when is not None:
            # Only falsy values are ever omitted (None, '', [], {}).
            lines.append(f"    if {_omitted(number, step, f'value_{number}')}:")
            lines.append(f"        del dumped[{step.key!r}]")
    lines.append("    return dumped")
    exec("\n".join(lines), namespace)  # noqa: S102 - source built from the plan above
    return namespace["dump_row"]


def _field_by_field(plan, namespace):
    """The plan written out field by field (see :func:`written_out`), its
    fields, serializers and omitted values put in ``namespace``."""
    lines = ["def dump_by_field(row):", "    dumped = {}"]
    for number, step in enumerate(plan):
        namespace[f"field_{number}"] = step.field
        namespace[f"serialize_{number}"] = step.field._serialize
        namespace[f"unchanged_{number}"] = step.unchanged_type
        if step.items is not None:
            namespace[f"serialize_item_{number}"] = step.items.field._serialize
            namespace[f"unchanged_item_{number}"] = step.items.unchanged_type
        if step.omit_when is not None:
            namespace[f"omitted_{number}"] = step.omit_when
            namespace[f"omitted_types_{number}"] = _empty_types(step.omit_when)
        name, key = repr(step.name), repr(step.key)
        if step.direct:
            lines.append(f"    value = row.get({name}, missing)")
            lines.append("    if value is not missing:")
            lines += _serialized(number, step, "value", "        ")
        else:
            lines.append(f"    value = field_{number}.serialize({name}, row, accessor=get_attribute)")
            lines.append("    if value is not missing:")
        if step.omit_when is not None and step.direct:
            lines.append(f"        if not ({_omitted(number, step, 'value')}):")
            lines.append(f"            dumped[{key}] = value")
        else:
            lines.append(f"        dumped[{key}] = value")
    lines.append("    return dumped")
    exec("\n".join(lines), namespace)  # noqa: S102 - source built from the plan above
    return namespace["dump_by_field"]


def _serialized(number, step, value, indent):
    """The lines turning the variable ``value`` into what the plan's field
    ``number`` dumps: its ``_serialize``, or what that call would return
    written out where the plan knows it (see :class:`_Dumps`)."""
    call = f"{value} = serialize_{number}({value}, {step.name!r}, row)"
    if step.items is not None:
        # A list of items, each as its own step would dump it (the list's
        # stand-in for anything else: None, an encoded list, a tuple). One
        # item (most tracks' and albums' artists) without a comprehension,
        # which is a call of its own.
        return [
            f"{indent}if type({value}) is list:",
            f"{indent}    if len({value}) == 1:",
            f"{indent}        item = {value}[0]",
            f"{indent}        {value} = [{_item(number, step)}]",
            f"{indent}    elif {value}:",
            f"{indent}        {value} = [{_item(number, step)} for item in {value}]",
            f"{indent}    else:",
            f"{indent}        {value} = []",
            f"{indent}elif {value} is not None and type({value}) is not Fragment:",
            f"{indent}    {call}",
        ]
    if step.dumps is _Dumps.VALUE_ITSELF:
        return []
    if step.dumps is _Dumps.TRUTH_VALUE:
        return [f"{indent}if {value} is not None:",
                f"{indent}    {value} = True if {value} else False"]
    if step.dumps is _Dumps.UNCHANGED_TYPE:
        return [f"{indent}if type({value}) is not unchanged_{number} and {value} is not None:",
                f"{indent}    {call}"]
    if step.dumps is _Dumps.NONE_AS_NONE:
        return [f"{indent}if {value} is not None:", f"{indent}    {call}"]
    return [f"{indent}{call}"]


def _omitted(number, step, value):
    """The test that the dumped ``value`` is one of the field's omitted
    values. Those are all falsy: None is recognised by identity and a falsy
    str, list or dict (an empty one) by its exact type; the tuple is
    searched (with ==) only for other falsy values."""
    exact = [f"{value} is None"] if None in step.omit_when else []
    if _empty_types(step.omit_when):
        exact.append(f"type({value}) in omitted_types_{number}")
    return f"not {value} and ({' or '.join([*exact, f'{value} in omitted_{number}'])})"


def _empty_types(omit_when):
    return tuple(kind for kind in (str, list, dict) if any(type(omitted) is kind and not omitted
                                                           for omitted in omit_when))


def _item(number, step):
    """The expression dumping ``item``, an item of a list field's value."""
    if step.items.dumps is _Dumps.VALUE_ITSELF:
        return "item"
    call = f"serialize_item_{number}(item, {step.name!r}, row)"
    if step.items.dumps is _Dumps.UNCHANGED_TYPE:
        call = f"item if type(item) is unchanged_item_{number} else {call}"
    return call


class _Dumps(enum.Enum):
    """What the plan knows of a field's ``_serialize``."""

    NOTHING = enum.auto()  # every value goes through the call
    VALUE_ITSELF = enum.auto()  # every value is dumped as itself: no call
    UNCHANGED_TYPE = enum.auto()  # None and values of one type are dumped as themselves
    TRUTH_VALUE = enum.auto()  # None as None, anything else as its truth value
    NONE_AS_NONE = enum.auto()  # None as None


class _Step(NamedTuple):
    name: str  # the attribute: the row's key
    key: str  # the answer's key (data_key)
    field: fields.Field
    # True: read the row's key and call the field's _serialize; False: the
    # field's own serialize, marshmallow's generic path.
    direct: bool
    dumps: _Dumps
    # The value type the field dumps as itself (_Dumps.UNCHANGED_TYPE).
    unchanged_type: type | None
    # Dumped values that leave the field out (see fields.Omitted).
    omit_when: tuple | None
    # A list field's items: the step of its inner field, None otherwise.
    items: "_Step | None" = None


def _step(name, key, field, direct=True, omit_when=None):
    serializer = stand_in(field)
    items = _step(name, key, serializer.inner) if type(serializer) is RowList else None
    unchanged_type = _unchanged_type(field)
    return _Step(name, key, serializer, direct, _dumps(serializer, unchanged_type),
                 unchanged_type, omit_when, items)


def row_plan(dump_fields):
    """Return one :class:`_Step` per field, in the schema's order."""
    plan = []
    for name, field in dump_fields.items():
        direct = (
            field.attribute is None and field.dump_default is missing and field._CHECK_ATTRIBUTE
        )
        key = field.data_key if field.data_key is not None else name
        omit_when = getattr(field, "omit_when", None)
        if omit_when is not None and any(omit_when):
            raise TypeError(f"{name}: the dump plan only omits falsy values, not {omit_when}")
        plan.append(_step(name, key, field, direct, omit_when))
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


def _dumps(serializer, unchanged_type):
    """What the plan knows of what ``serializer._serialize`` returns."""
    serialize = type(serializer)._serialize
    if serialize is fields.Field._serialize:
        return _Dumps.VALUE_ITSELF
    if unchanged_type is not None:
        return _Dumps.UNCHANGED_TYPE
    if getattr(serialize, "dumps_truth_value", False):
        return _Dumps.TRUTH_VALUE
    if serialize in _MARSHMALLOW_NONE_AS_NONE or getattr(serialize, "dumps_none_as_none", False):
        return _Dumps.NONE_AS_NONE
    return _Dumps.NOTHING
