"""Dumping catalogue rows fast: schemas whose rows (plain dicts) are dumped
by a plan written out per schema (:mod:`app.schemas.row_plan`), and the memo
of one top-level dump (the objects many parents share:
:mod:`app.schemas.shared`).

This module relies on marshmallow 4's ``Schema._serialize`` (setup.cfg
pins marshmallow below 5); tests/test_schemas.py checks that the answers
equal marshmallow's own.
"""

import contextvars

from marshmallow import Schema

from app.schemas.row_plan import row_plan
from app.schemas.row_plan import written_out

# What one top-level dump has already made of each shared object:
# {id(object): (object, what it was dumped as, dumped)}. None outside a dump.
dumped_once = contextvars.ContextVar("dumped_once", default=None)


class RowSchema(Schema):
    """A schema over the catalogue's rows, which are plain dicts.

    Dumping a row reads each key straight from the dict and hands the value
    to the field's own ``_serialize``, skipping marshmallow's generic
    per-field accessor chain (``serialize`` → ``get_value`` →
    ``get_attribute`` → ``utils.get_value``), which was most of the cost of
    a batch answer. A field that reads something else than its own key
    (``attribute=``, a default, a value built from the whole row) takes the
    generic path alone. Every dump also opens the memo of
    :class:`app.schemas.shared.DumpedOnce`.
    """

    def get_attribute(self, obj, attr, default):
        if type(obj) is dict:
            return obj.get(attr, default)
        return super().get_attribute(obj, attr, default)

    def dump(self, obj, *, many=None):
        if dumped_once.get() is not None:
            return super().dump(obj, many=many)
        token = dumped_once.set({})
        try:
            return super().dump(obj, many=many)
        finally:
            dumped_once.reset(token)

    def _serialize(self, obj, *, many=False):
        # The same contract as marshmallow 4's Schema._serialize (pinned <5).
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        if type(obj) is not dict:
            return super()._serialize(obj)
        return self.row_dumper()(obj)

    def row_dumper(self):
        """The function that dumps one row (a dict) as this schema does."""
        dump_row = self.__dict__.get("_dump_row")
        if dump_row is None:
            plan = row_plan(self.dump_fields)
            dump_row = self._dump_row = written_out(plan, self.get_attribute)
        return dump_row

