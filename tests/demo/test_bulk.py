"""`demo_load(patients=N)`: the demo clinics topped up in bulk, with valid data throughout."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from acuback.accounts.models import Clinic, Role, User
from acuback.accounts.services import member_create
from acuback.assessments.models import AlertKind, Assessment, SafetyAlert
from acuback.audit.context import audit_context
from acuback.audit.models import AuditEntry
from acuback.audit.services import audit_verify
from acuback.billing.models import ClaimLine
from acuback.clinical import instruments
from acuback.clinical import screening as rules
from acuback.cohort.models import EpisodeSummary
from acuback.cohort.summaries import check_summaries, summary_ids
from acuback.demo import BULK_STEPS, PATIENTS_PER_CLINIC, bulk_steps, demo_load
from acuback.demo.bulk import demo_bulk_load
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.patients.consent import VERSIONS as CONSENT_VERSIONS
from acuback.patients.models import Consent, HealthHistory, Patient, PatientSearchTerm
from acuback.patients.search import terms
from acuback.plans.models import Plan
from acuback.screening.models import Screening
from acuback.screening.selectors import episode_planning_status
from acuback.visits.bulk import bulk_visits
from acuback.visits.models import Visit
from tests.cli import acuback
from tests.demo_copy import TODAY
from tests.personas import make_patient

PATIENTS = PATIENTS_PER_CLINIC + 170


# The schema (every table's indexes and constraints) before and after the bulk load.
SCHEMAS: list[dict[str, str]] = []


def _schema() -> dict[str, str]:
    with connection.cursor() as cursor:
        return {table: repr(sorted(connection.introspection.get_constraints(cursor, table).items()))
                for table in connection.introspection.table_names(cursor)}


@pytest.fixture(scope="module")
def bulk(demo_db, django_db_blocker):  # noqa: ANN001, ANN201 - pytest-django fixtures
    """The usual demo as of TODAY (a copy of this run's one build: tests/demo_copy.py), which
    every step leaves as it is when run again, topped up in bulk; then run again. The
    database is emptied after the module (demo_db)."""
    with django_db_blocker.unblock():
        SCHEMAS.append(_schema())
        demo_load(TODAY, patients=PATIENTS)
        counts = {m.__name__: m.objects.count() for m in (Patient, Episode, Assessment, Plan)}
        demo_load(TODAY, patients=PATIENTS)  # a second run adds nothing
        SCHEMAS.append(_schema())
        yield counts


pytestmark = pytest.mark.django_db


def test_it_tops_every_clinic_up_to_the_number_asked(bulk: dict[str, int]) -> None:
    for slug in ("riverside", "hillview"):
        assert Patient.objects.filter(clinic__slug=slug).count() == PATIENTS


def test_it_adds_nothing_when_run_again(bulk: dict[str, int]) -> None:
    assert {m.__name__: m.objects.count() for m in (Patient, Episode, Assessment, Plan)} == bulk


def test_it_gives_every_patient_a_health_history_a_consent_and_an_episode(bulk) -> None:  # noqa: ANN001
    total = Patient.objects.count()
    assert HealthHistory.objects.count() == total
    assert Consent.objects.values("patient").distinct().count() == total
    assert set(Consent.objects.values_list("text_version", flat=True)) <= set(CONSENT_VERSIONS)
    assert Patient.objects.filter(episodes__isnull=True).count() == 0


def test_it_indexes_every_patient_for_search_as_the_services_do(bulk) -> None:  # noqa: ANN001
    stored: dict[int, set[tuple[int, str]]] = {}
    for patient_id, kind, term in PatientSearchTerm.objects.values_list("patient", "kind", "term"):
        stored.setdefault(patient_id, set()).add((kind, term))
    for p in Patient.objects.all():
        assert stored[p.pk] == terms(p.given_name, p.family_name, p.phone, p.email), p.pk


def test_it_keeps_every_record_in_its_patients_clinic(bulk) -> None:  # noqa: ANN001
    for episode in Episode.objects.select_related("patient"):
        assert episode.clinic_id == episode.patient.clinic_id
    for model in (Assessment, Screening, Plan):
        for row in model.objects.select_related("episode"):
            assert row.clinic_id == row.episode.clinic_id


def test_it_dates_episodes_in_order(bulk) -> None:  # noqa: ANN001
    # The usual demo's services date what they do today; the bulk path dates on TODAY.
    latest = max(TODAY, timezone.localdate())
    for episode in Episode.objects.all():
        assert episode.onset_date <= episode.opened_on <= TODAY
        assert (episode.closed_on is None) == (episode.status == EpisodeStatus.ACTIVE)
        assert episode.closed_on is None or episode.opened_on <= episode.closed_on <= latest


def test_it_stores_what_the_core_scores(bulk) -> None:  # noqa: ANN001
    for assessment in Assessment.objects.all():
        result = instruments.score(assessment.instrument, assessment.answers)
        assert (assessment.total, assessment.band or None) == (result.total, result.band)
        assert assessment.results == result.as_dict()
        assert assessment.definition_version == instruments.get(assessment.instrument).version


def test_it_raises_an_alert_for_each_positive_phq9_item_9(bulk) -> None:  # noqa: ANN001
    positive = {a.pk for a in Assessment.objects.filter(instrument="phq9")
                if a.answers[8] > 0}
    raised = SafetyAlert.objects.filter(kind=AlertKind.PHQ9_ITEM9)
    assert set(raised.values_list("assessment_id", flat=True)) == positive
    for alert in raised.select_related("assessment__episode"):
        assert alert.patient_id == alert.assessment.episode.patient_id
        assert alert.clinic_id == alert.assessment.clinic_id
    assert positive, "the bulk demo should show an alert somewhere"


def test_it_stores_what_the_core_decides_for_each_screen(bulk) -> None:  # noqa: ANN001
    for screening in Screening.objects.select_related("episode__patient"):
        result = rules.screen_data({"age": screening.age, "flags": screening.answers})
        assert screening.decision == result.decision.value
        assert screening.fired_flags == [f.flag for f in result.fired]
    assert Screening.objects.count() == Episode.objects.count()


def test_it_plans_only_active_episodes_screened_for_planning(bulk) -> None:  # noqa: ANN001
    for plan in Plan.objects.select_related("episode").prefetch_related("points"):
        assert plan.episode.status == EpisodeStatus.ACTIVE
        assert episode_planning_status(plan.episode).allowed
        proposed = [p["code"] for p in plan.proposal["points"]]
        assert [p.code for p in plan.points.all()] == proposed


def test_it_leaves_some_active_episodes_without_baseline_questionnaires(bulk) -> None:  # noqa: ANN001
    waiting = Episode.objects.filter(status=EpisodeStatus.ACTIVE, assessments__isnull=True)
    assert waiting.exists()


def test_it_writes_one_audit_entry_per_clinic_and_kind(bulk) -> None:  # noqa: ANN001
    entries = AuditEntry.objects.filter(detail__bulk=True)
    kinds = sorted({e.object_type for e in entries})
    assert kinds == ["adverse_event", "assessment", "claim_lines", "episode", "painkiller",
                     "patient", "plan", "safety_alert", "screening", "visit"]
    for entry in entries.filter(object_type="patient"):
        assert entry.detail["count"] == PATIENTS - PATIENTS_PER_CLINIC
        first, last = entry.detail["ids"]
        assert Patient.objects.filter(pk__range=(first, last),
                                      clinic_id=entry.clinic_id).count() == entry.detail["count"]
    assert list(audit_verify()) == []


def test_it_leaves_every_index_and_foreign_key_it_deferred_in_place(bulk) -> None:  # noqa: ANN001
    # acuback.bulk.deferred_indexes drops indexes (and foreign keys on PostgreSQL) of the
    # tables it writes during the load and restores them at its end.
    before, after = SCHEMAS
    assert after == before
    assert any("foreign_key" in s and "'foreign_key': (" in s for s in after.values())


def test_it_lets_the_services_add_records_after_it(bulk) -> None:  # noqa: ANN001
    newest = Patient.objects.order_by("-pk").first()
    assert make_patient(User.objects.get(username="lin"), "After", "Bulk").pk > newest.pk


def test_it_refuses_fewer_patients_than_the_usual_demo() -> None:
    result = acuback("demo", "--patients", "10")
    assert result.returncode == 2
    assert "--patients must be between 30" in result.stderr


def test_it_checks_the_number_against_the_usual_demos_size() -> None:
    from acuback.cli.demo import USUAL_PATIENTS

    assert USUAL_PATIENTS == PATIENTS_PER_CLINIC


def test_it_refuses_a_registry_of_no_patients() -> None:
    result = acuback("demo", "--registry", "0")
    assert result.returncode == 2
    assert "--registry must be between 1" in result.stderr


def test_it_sizes_the_registry_as_the_largest_safety_study() -> None:
    from acuback.cli.demo import REGISTRY_PATIENTS
    from acuback.demo import REGISTRY_PATIENTS as BUILT

    assert REGISTRY_PATIENTS == BUILT == 230_000


def test_it_leaves_the_visit_history_out_when_asked() -> None:
    clinic = Clinic.objects.create(name="No Visits", slug="no-visits")
    member_create(clinic=clinic, username="nv-lin", password="no-visits-pass-0123",  # noqa: S106
                  role=Role.PRACTITIONER)
    assert bulk_steps() == BULK_STEPS and bulk_visits not in bulk_steps(visits=False)
    with audit_context("cli"):
        added = demo_bulk_load(clinics=[clinic], patients=80, today=TODAY,
                               steps=bulk_steps(visits=False))
    assert added == Patient.objects.filter(clinic=clinic).count() == 80
    episodes = Episode.objects.filter(clinic=clinic)
    assert Assessment.objects.filter(clinic=clinic).exists()
    assert Screening.objects.filter(clinic=clinic).count() == episodes.count()
    assert Plan.objects.filter(clinic=clinic).exists()
    assert not Visit.objects.filter(clinic=clinic).exists()
    assert not ClaimLine.objects.filter(clinic=clinic).exists()
    ids = summary_ids(clinic_id=clinic.pk)
    assert len(ids) == episodes.count() and check_summaries(ids) == []
    assert not EpisodeSummary.objects.filter(clinic=clinic, visits__gt=0).exists()
