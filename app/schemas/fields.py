"""Field types of the answers: omission rules, values stored as SQLite
stores them, and objects built from flat row keys."""

import json

from marshmallow import fields
from marshmallow import missing

from app.schemas.stand_ins import dumps_none_as_none
from app.schemas.stand_ins import dumps_truth_value


class Omitted:
    """Mixin: the field is left out of the object when its dumped value is
    one of ``omit_when``."""

    omit_when = ()

    def serialize(self, attr, obj, accessor=None, **kwargs):
        value = super().serialize(attr, obj, accessor, **kwargs)
        return missing if value in self.omit_when else value


class OmittedWhenEmpty(Omitted):
    """The contract's "omitted when empty": None, ``''`` or ``[]``."""

    # A frozenset cannot hold [], and ``in`` on a tuple compares with ==,
    # so 0 and False stay (0 == '' is false).
    omit_when = (None, "", [])


class OmittedWhenNull(Omitted):
    """Left out when None, kept when false."""

    omit_when = (None,)


class OptionalString(OmittedWhenEmpty, fields.String):
    pass


class OptionalList(OmittedWhenEmpty, fields.List):
    pass


class OptionalDict(Omitted, fields.Dict):
    """Left out when None or ``{}``."""

    omit_when = (None, {})


class StoredNumber(float):
    """A non-integer number read from a stored JSON array.

    Written exactly like a float by the stdlib encoder; being a subclass,
    it makes the fast encoder (app.json_provider) hand the answer to the
    stdlib, whose float text (``1e-07``, ``NaN``) is the contract's.
    """


# One decoder for every stored array: json.loads with these options would
# build a new decoder (and its scanner) for each value, twice per track.
_STORED_JSON = json.JSONDecoder(parse_float=StoredNumber, parse_constant=StoredNumber)


class JsonArray(OmittedWhenEmpty, fields.List):
    """A text column holding a JSON array; anything that is not one is omitted.

    The same texts come back in row after row (a few languages over the
    whole catalogue): each is decoded and dumped once per field, up to
    ``MAX_TEXTS_KEPT`` texts, and every row gets a copy of that list."""

    MAX_TEXTS_KEPT = 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # {stored text: dumped list, or None for a text that is not an array}
        self._dumped_by_text = {}

    @dumps_none_as_none
    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if type(value) is not str:
            return self._dumped(value, attr, obj, **kwargs)
        dumped = self._dumped_by_text.get(value, missing)
        if dumped is missing:
            dumped = self._dumped(value, attr, obj, **kwargs)
            if len(self._dumped_by_text) >= self.MAX_TEXTS_KEPT:
                self._dumped_by_text.clear()
            self._dumped_by_text[value] = dumped
        # A copy: what one answer holds is never another's.
        return None if dumped is None else dumped.copy()

    def _dumped(self, value, attr, obj, **kwargs):
        try:
            parsed = (_STORED_JSON.decode(value) if type(value) is str
                      else json.loads(value, parse_float=StoredNumber, parse_constant=StoredNumber))
        except (TypeError, ValueError):
            return None
        if not isinstance(parsed, list):
            return None
        return super()._serialize(parsed, attr, obj, **kwargs)


class IntegerBoolean(fields.Boolean):
    """SQLite stores booleans as 0/1; marshmallow 4 dumps them unchanged."""

    @dumps_truth_value
    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else bool(value)


class OptionalIntegerBoolean(OmittedWhenNull, IntegerBoolean):
    pass


class NestedFromRow(fields.Nested):
    """An object built from keys of the row being dumped, which holds it flat.

    The nested schema names row keys and renames them with ``data_key``:
    with ``external_id_isrc = fields.String(data_key="isrc")`` in it,
    ``external_ids = NestedFromRow(ExternalIdsSchema)`` dumps the row
    ``{"external_id_isrc": "USUM72409273"}`` as
    ``{"external_ids": {"isrc": "USUM72409273"}}``.
    """

    # Like marshmallow's Method and Constant fields: the field has no key of
    # its own in the row, so marshmallow hands it None and the whole row.
    _CHECK_ATTRIBUTE = False

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        return super()._serialize(obj, attr, obj, **kwargs)
