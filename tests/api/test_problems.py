"""Every API error is application/problem+json (RFC 9457) with type, title, status, detail."""

from __future__ import annotations

import pytest

from acuback.episodes.models import Episode
from acuback.patients.models import Patient
from tests.api import payloads
from tests.api.payloads import problem
from tests.personas import World


def test_it_answers_401_to_anonymous_with_www_authenticate(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("anonymous").get("/api/patients/")
    problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_it_answers_422_to_a_missing_field(world: World, client_for) -> None:  # noqa: ANN001
    body = {k: v for k, v in payloads.new_patient().items() if k != "family_name"}
    response = client_for("practitioner").post("/api/patients/", body,
                                               content_type="application/json")
    assert "family_name" in problem(response, 422)["detail"]


def test_it_answers_422_to_a_value_of_the_wrong_type(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").post(
        "/api/patients/", payloads.new_patient(date_of_birth="seventeen"),
        content_type="application/json")
    body = problem(response, 422)
    assert list(body["errors"]) == ["date_of_birth"]


def test_it_answers_422_to_a_choice_outside_the_list(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").post(
        "/api/patients/", payloads.new_patient(sex="banana"), content_type="application/json")
    assert "sex" in problem(response, 422)["errors"]


def test_it_answers_422_to_input_the_service_refuses(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").post(
        "/api/patients/", payloads.new_patient(date_of_birth="2999-01-01"),
        content_type="application/json")
    body = problem(response, 422)
    assert body["errors"] == {"date_of_birth": ["Date of birth cannot be in the future."]}


def test_it_explains_a_deleted_icd10_code(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").post(
        "/api/episodes/", payloads.new_episode(world.patient.pk, icd10_code="M54.5"),
        content_type="application/json")
    detail = problem(response, 422)["detail"]
    assert "M54.5 was deleted" in detail
    assert all(code in detail for code in ("M54.50", "M54.51", "M54.59"))


def test_it_answers_400_to_a_body_that_is_not_json(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").post("/api/patients/", "{not json",
                                               content_type="application/json")
    problem(response, 400)


def test_it_answers_404_for_another_clinics_patient(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").get(f"/api/patients/{world.patient_b.pk}")
    assert problem(response, 404)["detail"] == "No such record in your clinic."


def test_it_answers_the_same_404_for_a_patient_that_does_not_exist(
        world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    missing = Patient.objects.order_by("-pk").first().pk + 1000
    assert problem(client.get(f"/api/patients/{missing}"), 404) == problem(
        client.get(f"/api/patients/{world.patient_b.pk}"), 404)


def test_it_answers_404_for_an_id_too_large_for_the_database(world: World, client_for) -> None:  # noqa: ANN001
    problem(client_for("practitioner").get(f"/api/patients/{10**30}"), 404)


def test_it_answers_404_for_an_episode_id_too_large_for_the_database(
        world: World, client_for) -> None:  # noqa: ANN001
    problem(client_for("practitioner").get(f"/api/episodes/{10**30}"), 404)


@pytest.mark.parametrize("path", [
    "/api/assessments/{}", "/api/appointments/{}", "/api/visits/{}",
    "/api/visits/adverse-events/{}", "/api/billing/visits/{}/claim-lines",
    "/api/billing/patients/{}/superbill", "/api/billing/episodes/{}/coverage",
    "/api/outcomes/episodes/{}", "/api/plans/episode/{}", "/api/screening/episode/{}",
])
def test_every_id_route_answers_404_for_an_id_too_large_for_the_database(
        world: World, client_for, path: str) -> None:  # noqa: ANN001
    """Each selector parses a request's id through the one helper (sqlrows.key), so an id
    beyond the 64-bit columns is no record rather than a driver's overflow."""
    problem(client_for("practitioner").get(path.format(10**30)), 404)


def test_it_answers_403_when_the_role_may_not(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("front_desk").get(f"/api/patients/{world.patient.pk}/health")
    problem(response, 403)


def test_it_answers_409_to_a_stale_patient_version(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    url = f"/api/patients/{world.patient.pk}"
    first = client.put(url, payloads.patient_update(world.patient.version,
                                                    phone="(202) 555-0101"),
                       content_type="application/json")
    assert first.status_code == 200
    stale = client.put(url, payloads.patient_update(world.patient.version,
                                                    phone="(202) 555-0102"),
                       content_type="application/json")
    problem(stale, 409)
    assert Patient.objects.get(pk=world.patient.pk).phone == "+12025550101"


def test_it_answers_409_to_a_stale_episode_version(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("practitioner")
    url = f"/api/episodes/{world.episode.pk}"
    version = world.episode.version
    assert client.put(url, payloads.episode_update(version),
                      content_type="application/json").status_code == 200
    stale = client.put(url, payloads.episode_update(version, suspected_cause="lifting"),
                       content_type="application/json")
    problem(stale, 409)
    assert Episode.objects.get(pk=world.episode.pk).suspected_cause == ""


def test_it_answers_404_for_an_id_longer_than_the_audit_column(world: World, client_for) -> None:  # noqa: ANN001
    # The refused id is audited; AuditEntry.object_id holds 64 characters, and PostgreSQL,
    # unlike SQLite, refuses a longer value instead of storing it.
    problem(client_for("practitioner").get(f"/api/patients/{10**80}"), 404)


def test_it_answers_an_unknown_api_path_with_a_problem(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").get("/api/no-such-thing/")
    assert "/api/no-such-thing/" in problem(response, 404)["detail"]


def test_it_audits_an_anonymous_api_attempt(world: World, client_for) -> None:  # noqa: ANN001
    from acuback.audit.models import AuditEntry

    client_for("anonymous").get(f"/api/patients/{world.patient.pk}", REMOTE_ADDR="203.0.113.9")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.actor_id, entry.object_type, entry.outcome, entry.client_addr) == (
        None, "api", "denied", "203.0.113.9")
    assert entry.object_id == f"/api/patients/{world.patient.pk}"
