"""JSON written once and embedded as it is in every answer that holds it.

Catalogue data cannot change while the files stay the same, so what was
encoded once (an album kept by a worker, an owner's list of plain images)
goes into an answer as an :class:`orjson.Fragment`: orjson copies its
bytes without a call back into Python, and the stdlib path of the JSON
provider (:mod:`app.json_provider`) decodes it with :func:`decoded`.
"""

import json

import orjson

# Types orjson would write unlike the stdlib are handed back, so nothing
# written by orjson differs from what the stdlib encoder would write.
ORJSON_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def orjson_or_none(obj, option=ORJSON_OPTIONS):
    """``obj`` encoded by orjson, fragments embedded; None where orjson
    would write it differently from the stdlib (the caller falls back).
    ``option``: orjson's options, :data:`ORJSON_OPTIONS` or those with
    output options added (the JSON provider's trailing newline)."""
    try:
        return orjson.dumps(obj, option=option)
    except orjson.JSONEncodeError:
        return None


def decoded(fragment):
    """The value a fragment's JSON encodes (a fragment does not show its
    bytes, but orjson writes them back as they are)."""
    return json.loads(orjson.dumps(fragment))
