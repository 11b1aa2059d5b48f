"""Flask's JSON answers written by orjson, byte for byte what the stdlib writes.

Encoding was about a sixth of the time of a large batch answer; orjson does
the same work in C several times faster. The answers hold str, int, bool,
None, lists and dicts, which both encoders write identically in the
compact, unsorted, non-ASCII-escaping form the app uses. For anything
orjson refuses (integers over 64 bits, datetimes, dataclasses, subclasses
of the basic types, float subclasses such as
:class:`app.schemas.fields.StoredNumber`), the stdlib encoder of
:class:`DefaultJSONProvider` writes the whole answer as before.

Plain floats are the one thing both accept but write differently (orjson
``1e-7``, the stdlib ``1e-07``; an infinity as null). Only audio features
hold them (SQLite REAL columns, which cannot hold NaN), and orjson's
shortest round-trip form is kept there; numbers read from stored JSON
arrays are parsed as :class:`app.schemas.fields.StoredNumber`, so they keep
the stdlib's text.
"""

import orjson
from flask.json.provider import DefaultJSONProvider

from app.encoded_json import ORJSON_OPTIONS
from app.encoded_json import decoded
from app.encoded_json import orjson_or_none

# Flask ends every JSON answer with a newline; orjson writes it into the
# answer's own buffer, where adding it after would copy the whole answer
# (about 1 MB for a batch of 400).
_ANSWER_OPTIONS = ORJSON_OPTIONS | orjson.OPT_APPEND_NEWLINE


def _stdlib_default(obj):
    # Objects a dump took from the worker's store (app.schemas.dump), for
    # the stdlib path: decoded, so the stdlib writes them its own way.
    if type(obj) is orjson.Fragment:
        return decoded(obj)
    return DefaultJSONProvider.default(obj)


class FastJSONProvider(DefaultJSONProvider):
    """The default provider with orjson on the fast path of :meth:`response`."""

    default = staticmethod(_stdlib_default)

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        if self.compact and not self.sort_keys and not self.ensure_ascii:
            encoded = orjson_or_none(obj, _ANSWER_OPTIONS)
            if encoded is not None:
                return self._app.response_class(encoded, mimetype=self.mimetype)
        return super().response(obj)

