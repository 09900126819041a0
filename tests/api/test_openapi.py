"""The API documents itself: Swagger UI at /api/docs, OpenAPI at /api/openapi.json."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

# The foundation's operations; other features add theirs (checked generically below).
FOUNDATION = {
    ("get", "/api/patients/"), ("post", "/api/patients/"),
    ("get", "/api/patients/{patient_id}"), ("put", "/api/patients/{patient_id}"),
    ("get", "/api/patients/{patient_id}/health"), ("put", "/api/patients/{patient_id}/health"),
    ("get", "/api/patients/{patient_id}/episodes"),
    ("post", "/api/episodes/"),
    ("get", "/api/episodes/{episode_id}"), ("put", "/api/episodes/{episode_id}"),
}
UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture
def schema(db: None) -> dict[str, Any]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in schema["paths"].items()
            for method, op in ops.items()]


def test_it_serves_the_docs_page(db: None) -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_it_serves_swagger_ui_from_its_own_files(db: None) -> None:
    """ninja is not an installed app (acuback.api.LocalSwagger): the page is still ninja's own,
    its files served from here and none from a CDN, and it sends the CSRF token."""
    from django.contrib.staticfiles import finders

    page = Client().get("/api/docs").content.decode()
    for name in ("ninja/swagger-ui.css", "ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js",
                 "ninja/favicon.png"):
        assert f"/static/{name}" in page
        assert finders.find(name) is not None
    assert "cdn." not in page and "https://" not in page
    assert 'data-api-csrf="true"' in page


def test_it_serves_the_docs_without_a_login(db: None) -> None:
    assert Client().get("/api/openapi.json").status_code == 200


def test_it_is_an_openapi_3_document(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "acuback API"


def test_it_lists_every_foundation_operation(schema: dict[str, Any]) -> None:
    listed = {(method, path) for method, path, _ in _operations(schema)}
    assert FOUNDATION - listed == set()


def test_it_gives_every_unsafe_foundation_operation_one_json_input(schema: dict[str, Any]) -> None:
    bad = []
    for method, path, op in _operations(schema):
        if method not in UNSAFE or (method, path) not in FOUNDATION:
            continue
        content = op.get("requestBody", {}).get("content", {})
        if list(content) != ["application/json"] or "$ref" not in content["application/json"][
                "schema"]:
            bad.append((method, path))
    assert bad == []


def test_it_gives_every_foundation_operation_one_success_schema(schema: dict[str, Any]) -> None:
    bad = []
    for method, path, op in _operations(schema):
        if (method, path) not in FOUNDATION:
            continue
        success = [code for code in op["responses"] if code.startswith("2")]
        if len(success) != 1:
            bad.append((method, path, success))
            continue
        body = op["responses"][success[0]].get("content", {}).get("application/json", {})
        target = body.get("schema", {})
        target = target.get("items", target)
        if "$ref" not in target:
            bad.append((method, path, "no schema"))
    assert bad == []


def test_it_resolves_every_schema_reference(schema: dict[str, Any]) -> None:
    text = json.dumps(schema)
    refs = {part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]}
    assert refs - set(schema["components"]["schemas"]) == set()


def test_it_names_every_operation_uniquely(schema: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in _operations(schema)]
    assert len(ids) == len(set(ids))


def test_it_summarises_every_operation(schema: dict[str, Any]) -> None:
    assert [(m, p) for m, p, op in _operations(schema) if not op.get("summary")] == []


def test_it_documents_both_ways_to_authenticate(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    kinds = {(s["type"], s.get("scheme") or s.get("in")) for s in schemes.values()}
    assert kinds == {("http", "bearer"), ("apiKey", "cookie")}


def test_it_requires_authentication_on_every_foundation_operation(
        schema: dict[str, Any]) -> None:
    open_ops = [(m, p) for m, p, op in _operations(schema)
                if (m, p) in FOUNDATION and not op.get("security")]
    assert open_ops == []
