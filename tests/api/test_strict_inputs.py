"""Every API input refuses keys it does not know (acuback.schemas.InputSchema).

A misspelt key must never be dropped silently: `"anticoagulants": true` would leave the real
question at its old answer while the caller believes it was recorded.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.api import payloads
from tests.personas import World


@pytest.fixture
def schema(db: None) -> dict[str, Any]:
    return json.loads(Client().get("/api/openapi.json").content)


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _open_objects(schema: dict[str, Any], node: dict[str, Any], where: str,
                  seen: set[str]) -> list[str]:
    """Every object schema reachable from `node` that does not forbid unknown keys."""
    if "$ref" in node:
        if node["$ref"] in seen:
            return []
        seen.add(node["$ref"])
    node = _resolve(schema, node)
    found = []
    if node.get("type") == "object" or "properties" in node:
        extra = node.get("additionalProperties", True)
        # A map (dict[str, bool]) declares its values; its keys are checked by the service.
        if extra is True or (extra is not False and "properties" in node):
            found.append(f"{where} ({node.get('title', '?')})")
        for name, child in node.get("properties", {}).items():
            found += _open_objects(schema, child, f"{where}.{name}", seen)
    for key in ("items", "anyOf", "oneOf", "allOf"):
        children = node.get(key)
        for child in children if isinstance(children, list) else [children] if children else []:
            found += _open_objects(schema, child, where, seen)
    return found


def test_it_forbids_unknown_keys_in_every_request_body(schema: dict[str, Any]) -> None:
    bodies = 0
    open_ = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for media in op.get("requestBody", {}).get("content", {}).values():
                bodies += 1
                open_ += _open_objects(schema, media["schema"], f"{method} {path}", set())
    assert bodies >= 8  # the check must have something to look at
    assert open_ == []


def test_it_answers_422_naming_a_misspelt_key(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").post(
        "/api/episodes/", payloads.new_episode(world.patient.pk, regoin="lumbar"),
        content_type="application/json")
    body = payloads.problem(response, 422)
    assert "regoin" in json.dumps(body)
