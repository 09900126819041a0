"""Who may see a cohort report, and what each one leaves in the audit trail."""

from __future__ import annotations

import pytest

from acuback.accounts.access import Forbidden, NotFound
from acuback.audit.models import AuditEntry, Outcome
from acuback.cohort.filters import CohortFilter
from acuback.cohort.selectors import cohort_compare, cohort_report
from acuback.errors import InputError
from tests.personas import World

pytestmark = pytest.mark.django_db


def _last_entry() -> AuditEntry:
    return AuditEntry.objects.filter(object_type="cohort").order_by("-seq").first()  # type: ignore[return-value]


def test_it_reports_the_whole_clinic_to_its_owner(measured: World) -> None:
    report = cohort_report(actor=measured.owner, filters=CohortFilter())
    nrs = report.outcome("nrs")
    assert report.episodes == 3 and nrs is not None and nrs.followed == 3
    entry = _last_entry()
    assert (entry.actor_id, entry.outcome, entry.detail["episodes"]) == (
        measured.owner.pk, Outcome.OK, 3)


def test_it_reports_a_practitioner_their_own_patients_only(measured: World) -> None:
    report = cohort_report(actor=measured.practitioner, filters=CohortFilter())
    assert report.episodes == 2
    assert report.filters.practitioner == measured.practitioner.pk


def test_it_refuses_a_practitioner_another_practitioners_patients(measured: World) -> None:
    with pytest.raises(Forbidden):
        cohort_report(actor=measured.practitioner,
                      filters=CohortFilter(practitioner=measured.colleague.pk))  # type: ignore[attr-defined]
    assert _last_entry().outcome == Outcome.DENIED


@pytest.mark.parametrize("persona", ["front_desk", "patient_user"])
def test_it_refuses_front_desk_and_patients(measured: World, persona: str) -> None:
    with pytest.raises(Forbidden):
        cohort_report(actor=getattr(measured, persona), filters=CohortFilter())
    entry = _last_entry()
    assert (entry.actor_id, entry.outcome) == (getattr(measured, persona).pk, Outcome.DENIED)


def test_it_refuses_someone_of_no_clinic(measured: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        cohort_report(actor=AnonymousUser(), filters=CohortFilter())  # type: ignore[arg-type]


def test_it_shows_another_clinic_nothing_of_ours(measured: World) -> None:
    report = cohort_report(actor=measured.outsider_owner, filters=CohortFilter())
    assert report.outcome("nrs") is None and report.episodes == 1


def test_it_refuses_to_compare_a_group_with_nothing_followed_up(measured: World) -> None:
    with pytest.raises(InputError, match="no episode of chronicity 'acute'"):
        cohort_compare(actor=measured.owner, filters=CohortFilter(), by="chronicity",
                       groups=("acute", "chronic"), instrument="nrs")


@pytest.mark.parametrize(("by", "groups", "instrument", "field"), [
    ("colour", ("a", "b"), "nrs", "by"),
    ("protocol", ("manual", "laser"), "nrs", "groups"),
    ("protocol", ("manual", "manual"), "nrs", "groups"),
    ("protocol", ("manual", "electro"), "pgic", "instrument"),
    ("protocol", ("manual", "electro"), "nope", "instrument"),
])
def test_it_refuses_a_comparison_it_cannot_make(measured: World, by: str,
                                                groups: tuple[str, str], instrument: str,
                                                field: str) -> None:
    with pytest.raises(InputError) as raised:
        cohort_compare(actor=measured.owner, filters=CohortFilter(), by=by, groups=groups,
                       instrument=instrument)
    assert field in raised.value.errors
