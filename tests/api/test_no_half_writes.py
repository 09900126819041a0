"""A refused write leaves nothing behind: no row, no version bump, and no audit entry saying
it was created (a refusal is audited too, but with its refused outcome)."""

from __future__ import annotations

from acuback.audit.models import AuditEntry
from acuback.episodes.models import Episode
from acuback.patients.models import HealthHistory, Patient
from tests.api import payloads
from tests.personas import World


def _creates() -> int:
    return AuditEntry.objects.filter(action="create", outcome="ok").count()


def test_it_leaves_no_patient_after_an_invalid_create(world: World, client_for) -> None:  # noqa: ANN001
    patients, health, creates = Patient.objects.count(), HealthHistory.objects.count(), _creates()
    response = client_for("practitioner").post(
        "/api/patients/", payloads.new_patient(date_of_birth="2999-01-01"),
        content_type="application/json")
    assert response.status_code == 422
    assert (Patient.objects.count(), HealthHistory.objects.count(), _creates()) == (
        patients, health, creates)


def test_it_leaves_no_patient_when_the_practitioner_is_from_another_clinic(
        world: World, client_for) -> None:  # noqa: ANN001
    creates = _creates()
    response = client_for("practitioner").post(
        "/api/patients/", payloads.new_patient(practitioner_id=world.outsider.pk),
        content_type="application/json")
    assert response.status_code == 422
    assert not Patient.objects.filter(family_name="Shelley").exists()
    assert _creates() == creates


def test_it_leaves_no_episode_after_a_deleted_code(world: World, client_for) -> None:  # noqa: ANN001
    episodes, creates = Episode.objects.count(), _creates()
    response = client_for("practitioner").post(
        "/api/episodes/", payloads.new_episode(world.patient.pk, icd10_code="M54.5"),
        content_type="application/json")
    assert response.status_code == 422
    assert (Episode.objects.count(), _creates()) == (episodes, creates)


def test_it_leaves_no_episode_when_the_role_may_not(world: World, client_for) -> None:  # noqa: ANN001
    episodes, creates = Episode.objects.count(), _creates()
    response = client_for("patient_user").post(
        "/api/episodes/", payloads.new_episode(world.patient.pk), content_type="application/json")
    assert response.status_code == 403
    assert (Episode.objects.count(), _creates()) == (episodes, creates)


def test_it_leaves_no_patient_when_the_role_may_not(world: World, client_for) -> None:  # noqa: ANN001
    patients, creates = Patient.objects.count(), _creates()
    response = client_for("patient_user").post(
        "/api/patients/", payloads.new_patient(), content_type="application/json")
    assert response.status_code == 403
    assert (Patient.objects.count(), _creates()) == (patients, creates)


def test_it_keeps_the_version_after_an_invalid_update(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").put(
        f"/api/patients/{world.patient.pk}",
        payloads.patient_update(world.patient.version, date_of_birth="2999-01-01"),
        content_type="application/json")
    assert response.status_code == 422
    patient = Patient.objects.get(pk=world.patient.pk)
    assert (patient.version, patient.date_of_birth) == (world.patient.version,
                                                        world.patient.date_of_birth)
    assert not AuditEntry.objects.filter(action="update", object_type="patient").exists()


def test_it_keeps_the_health_history_after_an_invalid_update(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("practitioner").put(
        f"/api/patients/{world.patient.pk}/health",
        payloads.health(skin_lesion_regions=["nowhere"]), content_type="application/json")
    assert response.status_code == 422
    assert HealthHistory.objects.get(patient=world.patient).anticoagulant is False


def test_it_keeps_the_episode_after_a_stale_update(world: World, client_for) -> None:  # noqa: ANN001
    Episode.objects.filter(pk=world.episode.pk).update(version=5)
    response = client_for("practitioner").put(
        f"/api/episodes/{world.episode.pk}", payloads.episode_update(4, status="discharged"),
        content_type="application/json")
    assert response.status_code == 409
    episode = Episode.objects.get(pk=world.episode.pk)
    assert (episode.status, episode.closed_on, episode.version) == ("active", None, 5)
