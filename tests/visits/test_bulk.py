"""The bulk visits step (acuback.visits.bulk): a bulk-built visit is what the services would
have stored where it matters: its hash verifies, the lock applies, its CPT and claim lines are
what signing derives, its painkillers what the core computes, and the cohort counts it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count

from acuback.accounts.models import Clinic, Role, User
from acuback.accounts.services import member_create, practitioner_profile_set
from acuback.audit.context import audit_context
from acuback.audit.models import AuditEntry
from acuback.billing.claims import claim_lines_derive
from acuback.billing.models import ClaimLine, Fee
from acuback.clinical.analgesics import painkiller_use
from acuback.cohort.filters import CohortFilter
from acuback.cohort.selectors import cohort_report
from acuback.demo import BULK_STEPS
from acuback.demo.bulk import demo_bulk_load
from acuback.errors import ConflictError
from acuback.visits import bulk
from acuback.visits.content import visit_integrity
from acuback.visits.models import AdverseEvent, PainkillerUse, Visit, VisitStatus
from acuback.visits.services import visit_cpt, visit_input_from, visit_update

TODAY = dt.date(2026, 11, 21)
PATIENTS = 120
PASSWORD = "bulk-visits-pass-0123"  # noqa: S105 - test only
# What a re-derivation may change: its own id, number, time and why.
DERIVATION_ONLY = {"id", "derivation", "derived_at", "trace", "superseded_at", "superseded_why"}


@pytest.fixture(scope="module")
def clinic(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201 - pytest-django fixtures
    with django_db_blocker.unblock():
        clinic = Clinic.objects.create(name="Bulk Visits", slug="bulk-visits")
        owner = member_create(clinic=clinic, username="bv-owner", password=PASSWORD,
                              role=Role.OWNER)
        for name, kind in (("bv-lin", "physician"), ("bv-patel", "")):
            user = member_create(clinic=clinic, username=name, password=PASSWORD,
                                 role=Role.PRACTITIONER)
            practitioner_profile_set(user=user, licence_number="AC-1", licence_state="CA",
                                     npi="1234567893", provider_kind=kind)
        Fee.objects.create(clinic=clinic, code="97810", unit_charge=Decimal("80.00"),
                           effective_from=dt.date(2020, 1, 1), set_by=owner)
        with audit_context("cli"):
            demo_bulk_load(clinics=[clinic], patients=PATIENTS, today=TODAY, steps=BULK_STEPS)
        yield clinic
        call_command("flush", interactive=False)


pytestmark = pytest.mark.django_db


def _visits(clinic: Clinic):  # noqa: ANN202 - a queryset
    return (Visit.objects.filter(clinic=clinic).select_related("episode__patient", "practitioner")
            .prefetch_related("points", "painkillers", "amendments").order_by("id"))


def test_it_signs_a_course_of_visits_for_treated_episodes(clinic: Clinic) -> None:
    visits = _visits(clinic)
    assert visits.count() > 5 * PATIENTS
    assert set(visits.values_list("status", flat=True)) == {VisitStatus.SIGNED}
    for visit in visits:
        assert visit.signed_by_id == visit.practitioner_id == visit.episode.patient.practitioner_id
        assert visit.episode.opened_on <= visit.started_at.date() <= TODAY
        if visit.episode.closed_on is not None:
            assert visit.started_at.date() < visit.episode.closed_on
        assert visit.needles_in == visit.needles_out == visit.planned_needles > 0
    numbers = visits.order_by().values("episode").annotate(n=Count("id"))
    for row in numbers:
        assert sorted(Visit.objects.filter(episode_id=row["episode"]).values_list(
            "number", flat=True)) == list(range(1, row["n"] + 1))


def test_it_stores_a_hash_that_verifies_and_shows_tampering(clinic: Clinic) -> None:
    visits = list(_visits(clinic))
    assert all(visit_integrity(v).ok for v in visits)
    tampered = visits[3]
    Visit.objects.filter(pk=tampered.pk).update(subjective="changed behind the services")
    assert not visit_integrity(_visits(clinic).get(pk=tampered.pk)).ok


def test_it_locks_bulk_visits_as_signed_ones(clinic: Clinic) -> None:
    visit = _visits(clinic).first()
    data = replace(visit_input_from(visit), subjective="an edit after signing")
    with pytest.raises(ConflictError):
        visit_update(actor=visit.practitioner, visit=visit, data=data, version=visit.version)
    assert Visit.objects.get(pk=visit.pk).subjective == visit.subjective


def test_it_stores_the_cpt_lines_the_services_compute(clinic: Clinic) -> None:
    for visit in _visits(clinic):
        assert visit.cpt == visit_cpt(visit).to_dict(), visit.pk


def test_it_stores_the_claim_lines_signing_derives(clinic: Clinic) -> None:
    # Re-deriving with the services gives the same lines (only the derivation's own fields
    # differ), for visits of every patient with several, in date order.
    practitioners = {u.pk: u for u in User.objects.filter(membership__clinic=clinic)}
    visits = list(Visit.objects.filter(clinic=clinic).order_by("started_at", "id"))
    assert ClaimLine.objects.filter(visit__clinic=clinic).values("visit").distinct().count() == (
        len(visits))
    fields = [f.attname for f in ClaimLine._meta.concrete_fields
              if f.name not in DERIVATION_ONLY]
    seen = set()
    for visit in visits[::7]:
        stored = list(ClaimLine.objects.filter(visit=visit).order_by("position").values(*fields))
        derived = claim_lines_derive(visit=visit, actor=practitioners[visit.practitioner_id],
                                     trace="bulk check")
        assert [{f: getattr(line, f) for f in fields} for line in derived] == stored, visit.pk
        seen |= {(line.modifier, line.billable, line.covered) for line in derived}
    assert len(seen) > 1, "the sample should meet more than one kind of line"


def test_it_records_painkillers_as_the_core_derives_them(clinic: Clinic) -> None:
    uses = PainkillerUse.objects.filter(clinic=clinic)
    assert uses.filter(visit__isnull=True).exists() and uses.filter(visit__isnull=False).exists()
    for use in uses:
        derived = painkiller_use(drug=use.drug, dose=float(use.dose),
                                 times_a_day=use.times_a_day, days_last_week=use.days_last_week)
        expected = None if derived.mme_per_day is None else Decimal(str(derived.mme_per_day))
        assert use.mme_per_day == expected
        assert (use.drug_class, use.unit) == (derived.drug.drug_class, derived.drug.unit)
    for visit in _visits(clinic):
        assert (visit.painkillers_taken is True) == bool(visit.painkillers.all())


def test_it_files_adverse_events_against_the_visits(clinic: Clinic) -> None:
    events = AdverseEvent.objects.filter(clinic=clinic).select_related("visit")
    assert events.exists()
    for event in events:
        assert event.episode_id == event.visit.episode_id
        assert event.visit.started_at < event.onset_at < event.visit.ended_at


def test_it_is_counted_by_the_cohort_report(clinic: Clinic) -> None:
    owner = User.objects.get(username="bv-owner")
    with audit_context("cli"):
        report = cohort_report(actor=owner, filters=CohortFilter())
    assert report.safety.counts.treatments == Visit.objects.filter(clinic=clinic).count()
    assert report.safety.counts.events == AdverseEvent.objects.filter(clinic=clinic).count()


def test_it_writes_one_audit_entry_per_kind(clinic: Clinic) -> None:
    entries = AuditEntry.objects.filter(detail__bulk=True, clinic_id=clinic.pk)
    counts = {e.object_type: e.detail["count"] for e in entries}
    assert counts["visit"] == Visit.objects.filter(clinic=clinic).count()
    assert counts["adverse_event"] == AdverseEvent.objects.filter(clinic=clinic).count()
    assert counts["claim_lines"] == ClaimLine.objects.filter(clinic=clinic).count()
    assert counts["painkiller"] == PainkillerUse.objects.filter(clinic=clinic).count()


def test_it_keeps_registry_visits_to_what_a_registry_records(clinic: Clinic) -> None:
    registry = Clinic.objects.create(name="Bulk Registry", slug="bulk-registry")
    member_create(clinic=registry, username="br-lin", password=PASSWORD, role=Role.PRACTITIONER)
    with audit_context("cli"):
        demo_bulk_load(clinics=[registry], patients=40, today=TODAY, steps=BULK_STEPS,
                       registry=True)
    # The load builds the indexes it set aside (on SQLite) again: the models' own and one on
    # each foreign key.
    for model in (Visit, PainkillerUse):
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
        indexed = {tuple(c["columns"]) for c in found.values() if c["index"]}
        assert {index.name for index in model._meta.indexes} <= set(found)
        assert {(f.column,) for f in model._meta.concrete_fields if f.is_relation} <= indexed
    visits = list(_visits(registry))
    assert len(visits) > 100
    assert all(visit_integrity(v).ok for v in visits)
    assert all(v.needles_in > 0 and not v.points.all() for v in visits)
    assert not ClaimLine.objects.filter(clinic=registry).exists()
    assert PainkillerUse.objects.filter(clinic=registry).exists()


def _built(clinic: Clinic, monkeypatch: pytest.MonkeyPatch, workers: int) -> dict[str, list]:
    """A small load in chunks of 6 patients, built with `workers` processes, read back and
    rolled back (ids come from the tables' maximum, so a second build reuses them)."""
    monkeypatch.setattr(bulk, "PATIENTS_A_CHUNK", 6)
    monkeypatch.setattr(bulk, "WORKERS", workers)
    saved = transaction.savepoint()
    with audit_context("cli"):
        demo_bulk_load(clinics=[clinic], patients=30, today=TODAY, steps=BULK_STEPS)
    found = {
        "visits": list(Visit.objects.filter(clinic=clinic).order_by("id").values_list(
            "id", "episode_id", "number", "started_at", "pain_before", "content_hash")),
        "painkillers": list(PainkillerUse.objects.filter(clinic=clinic).order_by("id")
                            .values_list("visit_id", "drug", "days_last_week")),
        "events": list(AdverseEvent.objects.filter(clinic=clinic).order_by("id")
                       .values_list("visit_id", "kind")),
        "claim_lines": list(ClaimLine.objects.filter(clinic=clinic).order_by("id")
                            .values_list("visit_id", "code", "units", "modifier", "covered")),
    }
    assert all(visit_integrity(v).ok for v in _visits(clinic))
    transaction.savepoint_rollback(saved)
    return found


def test_it_builds_the_same_rows_in_worker_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    clinic = Clinic.objects.create(name="Bulk Chunks", slug="bulk-chunks")
    user = member_create(clinic=clinic, username="bc-lin", password=PASSWORD,
                         role=Role.PRACTITIONER)
    practitioner_profile_set(user=user, licence_number="AC-2", licence_state="CA",
                             npi="1234567893", provider_kind="physician")
    Fee.objects.create(clinic=clinic, code="97810", unit_charge=Decimal("80.00"),
                       effective_from=dt.date(2020, 1, 1), set_by=user)
    in_workers = _built(clinic, monkeypatch, workers=2)
    here = _built(clinic, monkeypatch, workers=1)
    assert len({episode for _, episode, *_ in in_workers["visits"]}) > 12  # several chunks
    ids = [row[0] for row in in_workers["visits"]]
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # chunks' ids follow on, no gaps
    assert in_workers["claim_lines"] and in_workers["painkillers"]
    assert in_workers == here
