"""Every operation documents the errors it can answer, each as a problem+json response: what
schemathesis checks against a served demo (test_fuzz_openapi.py), checked here on the document."""

from __future__ import annotations

import json

import pytest

from acuback.api import api

SCHEMA = json.loads(json.dumps(api.get_openapi_schema()))  # as served: status codes as text
OPERATIONS = [(path, method, op) for path, item in SCHEMA["paths"].items()
              for method, op in item.items()]


def test_it_describes_the_problem_shape_once() -> None:
    problem = SCHEMA["components"]["schemas"]["Problem"]
    assert problem["required"] == ["type", "title", "status", "detail"]


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS,
                         ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
def test_it_documents_the_shared_errors_of_every_operation(path: str, method: str, op) -> None:  # noqa: ANN001
    expected = {"401", "403", "404", "422"} | (
        {"400", "409"} if method in ("post", "put", "patch") else set())
    assert expected <= set(op["responses"])
    for status in expected:
        content = op["responses"][status]["content"]
        assert list(content) == ["application/problem+json"], (method, path, status)


def test_it_keeps_what_an_operation_documents_itself() -> None:
    created = SCHEMA["paths"]["/api/patients/"]["post"]["responses"]["201"]
    assert "application/json" in created["content"]


IF_MATCH_WRITES = [(p, m) for p, m, op in OPERATIONS if "(If-Match)" in op.get("summary", "")]


def test_it_finds_the_writes_that_need_if_match() -> None:
    assert ("/api/visits/{visit_id}/sign", "post") in IF_MATCH_WRITES
    assert len(IF_MATCH_WRITES) >= 6


@pytest.mark.parametrize(("path", "method"), IF_MATCH_WRITES)
def test_it_documents_the_preconditions_of_every_if_match_write(path: str, method: str) -> None:
    responses = SCHEMA["paths"][path][method]["responses"]
    for status in ("412", "428"):
        assert list(responses[status]["content"]) == ["application/problem+json"], (path, status)
