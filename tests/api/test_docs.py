"""The OpenAPI document and the Swagger UI page, served offline."""

import re

import yaml

from tests.support.inprocess import make_app

ROUTES = {
    "/lookup/isrc/{isrc}": {"get"},
    "/lookup/track/{id}": {"get"},
    "/lookup/artist/{id}": {"get"},
    "/lookup/album/{id}": {"get"},
    "/lookup/album/{id}/tracks": {"get"},
    "/search/artist": {"get"},
    "/search/track": {"get"},
    "/batch/lookup": {"post"},
    "/health": {"get"},
}


def test_openapi_describes_every_route(client):
    document = client.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    for path, methods in ROUTES.items():
        assert path in document["paths"], path
        assert set(document["paths"][path]) >= methods


def test_openapi_yaml_equals_json(client):
    response = client.get("/openapi.yaml")
    assert response.status_code == 200
    assert yaml.safe_load(response.get_data(as_text=True)) == client.get("/openapi.json").get_json()


def test_every_flask_route_is_documented_or_a_docs_route(app):
    document_paths = set(app.test_client().get("/openapi.json").get_json()["paths"])
    undocumented = set()
    for rule in app.url_map.iter_rules():
        template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        if template not in document_paths:
            undocumented.add(rule.rule)
    assert undocumented <= {"/", "/docs", "/docs-init.js", "/docs/static/<path:filename>",
                            "/openapi.json", "/openapi.yaml"}


def test_path_parameters_are_the_path_template_variables(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for path, operations in paths.items():
        for operation in operations.values():
            declared = [p["name"] for p in operation.get("parameters", ()) if p["in"] == "path"]
            assert declared == re.findall(r"{(\w+)}", path), path


def test_published_search_limits_are_the_enforced_ones(client):
    operation = client.get("/openapi.json").get_json()["paths"]["/search/track"]["get"]
    bounded = [p for p in operation["parameters"] if p["schema"]["type"] == "integer"]
    assert [p["name"] for p in bounded] == ["limit", "offset"]
    for parameter in bounded:
        name, bounds = parameter["name"], parameter["schema"]
        low, high = bounds["minimum"], bounds["maximum"]
        for value, status in ((low - 1, 400), (low, 200), (high, 200), (high + 1, 400)):
            response = client.get(f"/search/track?q=zz&{name}={value}")
            assert response.status_code == status, (name, value)


def test_track_schema_lists_contract_fields_in_order(client):
    track = client.get("/openapi.json").get_json()["components"]["schemas"]["Track"]
    assert list(track["properties"]) == [
        "id", "name", "isrc", "duration_ms", "explicit", "track_number", "disc_number",
        "popularity", "preview_url", "album", "artists", "original_title", "version_title",
        "has_lyrics", "languages", "artist_roles",
    ]


def test_root_redirects_to_docs(client):
    response = client.get("/")
    assert response.status_code in (301, 302, 308)
    assert response.headers["Location"].endswith("docs")


def fetch(client, path):
    """GET ``path`` and return (status, body), closing the streamed file."""
    with client.get(path) as response:
        return response.status_code, response.get_data()


def test_swagger_page_loads_only_its_own_files(client):
    page = fetch(client, "/docs")[1].decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert references
    for reference in references:
        assert "//" not in reference, reference
        status, body = fetch(client, "/" + reference)
        assert status == 200, reference
        assert body
    initializer = fetch(client, "/docs-init.js")[1].decode()
    assert "openapi.json" in initializer
    assert "http" not in initializer


def test_swagger_example_values_find_something_in_the_demo(demo):
    # "Try it out" in /docs, as it stands, on the catalogue `make run` serves.
    client = make_app(demo[0] / "main_database.sqlite3").test_client()
    document = client.get("/openapi.json").get_json()
    tried = 0
    for template, operations in document["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            if any(p.get("required") and "example" not in p for p in parameters):
                assert template in ("/health",), f"{method} {template} has no example"
                continue
            path = template
            query = {}
            for parameter in parameters:
                if "example" in parameter:
                    if parameter["in"] == "path":
                        path = path.replace("{" + parameter["name"] + "}", parameter["example"])
                    else:
                        query[parameter["name"]] = parameter["example"]
            content = operation.get("requestBody", {}).get("content", {})
            form = "application/x-www-form-urlencoded" in content
            body = content.get("application/x-www-form-urlencoded" if form else "application/json", {})
            if method == "post":
                assert "example" in body, template
                sent = {"data": body["example"]} if form else {"json": body["example"]}
                response = client.post(path, **sent)
            else:
                response = client.get(path, query_string=query)
            assert response.status_code == 200, (template, response.get_json())
            answer = response.get_json() if response.is_json else response.get_data()
            assert answer, template
            if method == "post" and not form:
                assert all(answer[kind] for kind in body["example"]), answer
            tried += 1
    assert tried >= 9


def test_a_one_character_q_gets_a_sentence_in_swagger_ui(client):
    # Swagger UI turns top-level minLength into "Value must be at least 2
    # characters"; a top-level pattern would be shown as the raw regex.
    operation = client.get("/openapi.json").get_json()["paths"]["/search/track"]["get"]
    (q,) = [parameter for parameter in operation["parameters"] if parameter["name"] == "q"]
    assert q["schema"]["minLength"] == 2
    assert "pattern" not in q["schema"]
    # The exact rule is still published, for clients and schemathesis.
    assert [part["pattern"] for part in q["schema"]["allOf"]]
