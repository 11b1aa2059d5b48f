"""Property tests of batch validation: any body gets 200 or its documented 400."""

from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

KINDS = ("tracks", "artists", "albums", "isrcs")
ANY_ID = st.text(alphabet="0123456789ABCxyz", min_size=22, max_size=22)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=20,
)
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY_SETTINGS
@given(body=JSON_VALUES | st.dictionaries(st.sampled_from(KINDS), JSON_VALUES, max_size=4))
def test_any_json_body_is_answered_200_or_400(client, body):
    response = client.post("/batch/lookup", json=body)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.get_json()["error"]["message"] in {
            "invalid request body",
            "at least one lookup type required",
            "maximum 400 total items allowed",
        }


@PROPERTY_SETTINGS
@given(sizes=st.fixed_dictionaries({kind: st.integers(0, 150) for kind in ("tracks", "artists", "albums")}))
def test_totals_up_to_400_are_looked_up_and_over_400_refused(client, sizes):
    body = {kind: ["0" * 22] * size for kind, size in sizes.items()}
    total = sum(sizes.values())
    response = client.post("/batch/lookup", json=body)
    if total == 0:
        assert response.get_json()["error"]["message"] == "at least one lookup type required"
    elif total > 400:
        assert response.get_json()["error"]["message"] == "maximum 400 total items allowed"
    else:
        assert response.status_code == 200
        assert response.get_json() == {kind: {} for kind in body}


@PROPERTY_SETTINGS
@given(ids=st.lists(ANY_ID, min_size=1, max_size=20), bad=st.text(max_size=30))
def test_one_bad_id_names_its_list_and_position(client, ids, bad):
    assume(not (len(bad) == 22 and bad.isascii() and bad.isalnum()))
    response = client.post("/batch/lookup", json={"albums": ids + [bad]})
    error = response.get_json()["error"]
    assert error["message"] == "invalid request body"
    assert str(len(ids)) in error["fields"]["albums"]
