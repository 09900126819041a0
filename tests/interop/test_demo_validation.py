"""Every resource type acuback writes passes four independent validators (tests/interop/
validators.py) on the demo clinics, exported whole, and on what the read API answers."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from acuback.accounts.models import User
from tests.interop import validators
from tests.interop.conftest import Json, entries, exported_resources

EXPORTED_TYPES = {"Patient", "EpisodeOfCare", "Condition", "QuestionnaireResponse",
                  "Observation", "Organization", "Practitioner", "PractitionerRole",
                  "Questionnaire", "Appointment", "CarePlan", "Consent"}


@pytest.fixture(scope="module")
def demo_export(demo_db, django_db_blocker, tmp_path_factory):  # noqa: ANN001, ANN201
    """Both demo clinics exported whole, plus what the read API answers around them."""
    with django_db_blocker.unblock():
        resources = []
        for owner in ("owner", "hv-owner"):
            user = User.objects.get(username=owner)
            resources += exported_resources(user, tmp_path_factory.mktemp(owner))
        client = Client()
        client.force_login(User.objects.get(username="owner"))
        patient = next(r for r in resources if r["resourceType"] == "Patient")
        for path in ("/fhir/metadata", "/fhir/CodeSystem/acupoint",
                     "/fhir/CodeSystem/back-region", "/fhir/Group", "/fhir/Condition?_count=5",
                     f"/fhir/Patient/{patient['id']}/$everything", "/fhir/Patient?foo=bar",
                     "/fhir/Patient/0"):
            body = json.loads(client.get(path).content)
            resources.append(body)
            resources += entries(body) if body["resourceType"] == "Bundle" else []
        return resources


@pytest.mark.django_db
def test_it_exports_every_resource_type_from_the_demo(demo_export: list[Json]) -> None:
    assert EXPORTED_TYPES <= {r["resourceType"] for r in demo_export}


@pytest.mark.django_db
def test_it_passes_every_validator_on_the_demo(demo_export: list[Json]) -> None:
    assert validators.problems(demo_export) == {}




@pytest.mark.django_db
def test_it_exports_the_demo_screens_and_referral_outcomes(demo_export: list[Json]) -> None:
    """The demo has clear, routine, urgent-then-cleared and emergency screens: all validated."""
    ids = [r["id"] for r in demo_export if r["resourceType"] == "Observation"]
    decisions = {r["valueCodeableConcept"]["coding"][0]["code"] for r in demo_export
                 if r["resourceType"] == "Observation" and r["id"].startswith("screening-")}
    assert decisions == {"clear", "routine", "urgent", "emergency"}
    assert any(i.startswith("referral-") for i in ids)
