"""Request bodies and response checks shared by the API and access tests."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

PROBLEM = "application/problem+json"


def new_patient(**overrides: object) -> dict[str, Any]:
    return {"given_name": "Mary", "family_name": "Shelley", "date_of_birth": "1979-08-30",
            "sex": "female", **overrides}


def patient_update(version: int, **overrides: object) -> dict[str, Any]:
    return {**new_patient(given_name="Ada", family_name="Lovelace", date_of_birth="1970-05-17"),
            "version": version, **overrides}


# A full health history (PUT sends every question). The personas' patients are at version 2:
# opened when registered (1), then every question answered (2).
PERSONA_HEALTH_VERSION = 2


def health(version: int = PERSONA_HEALTH_VERSION, **overrides: object) -> dict[str, Any]:
    return {"version": version, "source": "patient", "pregnant": False, "pregnancy_weeks": None,
            "anticoagulant": True, "bleeding_disorder": False, "implanted_device": "none",
            "needle_phobia": False, "immunosuppressed": False, "diabetes": False,
            "epilepsy": False, "metal_allergy": False, "skin_conditions": "",
            "skin_lesion_regions": [], "medications": "warfarin 5 mg", **overrides}


def new_episode(patient_id: int, **overrides: object) -> dict[str, Any]:
    return {"patient_id": patient_id, "onset_date": "2026-01-05", "region": "lumbar",
            "side": "left", "icd10_code": "M54.50", **overrides}


def episode_update(version: int, **overrides: object) -> dict[str, Any]:
    return {"onset_date": "2026-01-05", "region": "lumbar", "side": "right",
            "icd10_code": "M54.59", "status": "active", "version": version, **overrides}


def adverse_event(**overrides: object) -> dict[str, Any]:
    from django.utils import timezone

    return {"kind": "bleeding", "severity": "mild", "serious": False, "causality": "certain",
            "onset_at": timezone.now().isoformat(), **overrides}


def problem(response: HttpResponse, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem response with this status; return its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = json.loads(response.content)
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    return body
