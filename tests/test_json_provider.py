"""The orjson fast path writes exactly the bytes Flask's stdlib provider writes."""

import json

import orjson
import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.json_provider import FastJSONProvider
from app.schemas.fields import StoredNumber


def configured(provider_class):
    app = Flask(__name__)
    provider = provider_class(app)
    # The settings create_app uses.
    provider.sort_keys = False
    provider.compact = True
    provider.ensure_ascii = False
    return app, provider


FAST_APP, FAST = configured(FastJSONProvider)
_, STDLIB = configured(DefaultJSONProvider)


def written(provider, *args, **kwargs):
    """The response body, or the type of the error raised instead."""
    with FAST_APP.app_context():
        try:
            return provider.response(*args, **kwargs).get_data()
        except Exception as error:  # noqa: BLE001 - the error type is what is compared
            return type(error)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True).map(StoredNumber),
    st.text(),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_any_answer_is_written_as_the_stdlib_writes_it(value):
    assert written(FAST, value) == written(STDLIB, value)


@pytest.mark.parametrize(
    "args, kwargs",
    [((), {}), (({"a": 1},), {}), ((1, "two"), {}), ((), {"a": [1], "b": None})],
)
def test_jsonify_argument_forms_match(args, kwargs):
    assert written(FAST, *args, **kwargs) == written(STDLIB, *args, **kwargs)


def test_numbers_from_stored_json_keep_the_stdlib_spelling():
    # orjson alone would write 1e-7 and null here.
    parsed = json.loads("[1e-7, NaN, 2.5]", parse_float=StoredNumber, parse_constant=StoredNumber)
    assert written(FAST, parsed) == b"[1e-07,NaN,2.5]\n"


def test_answers_are_json_with_a_trailing_newline():
    with FAST_APP.app_context():
        response = FAST.response({"name": "Sigur Rós", "n": 2**64})
    assert response.mimetype == "application/json"
    assert response.get_data() == '{"name":"Sigur Rós","n":18446744073709551616}\n'.encode()


def test_objects_kept_encoded_are_embedded_on_both_paths():
    kept = orjson.Fragment(b'{"id":"x","name":"Sigur R\xc3\xb3s","images":[]}')
    # orjson embeds the bytes; a stored float sends the whole answer to the
    # stdlib, which decodes the kept object and writes it its own way.
    plain = {"album": kept, "n": 1}
    with_float = {"album": kept, "n": StoredNumber(1e-7)}
    expected = {"album": {"id": "x", "name": "Sigur Rós", "images": []}}
    assert written(FAST, plain) == written(STDLIB, {**expected, "n": 1})
    assert written(FAST, with_float) == written(STDLIB, {**expected, "n": StoredNumber(1e-7)})
