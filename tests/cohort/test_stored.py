"""The cohort report read from the per-episode summaries is the report over the raw rows, to
the byte: random small clinics built through the services (episodes opened on chosen days,
questionnaires, STarT Back, plans with and without e-stim, visits, adverse events, visits and
events entered in error, a new practitioner of record), each filter of the report, the JSON of
`report_of(from_summaries=True)` against `report_of(from_summaries=False)` (the engine's
queries, the report as it was computed before the summaries)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import fields, replace

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuback.accounts.models import Clinic, Role
from acuback.accounts.services import member_create, practitioner_profile_set
from acuback.assessments.models import TimePoint
from acuback.assessments.services import assessment_record
from acuback.cohort.filters import CohortFilter
from acuback.cohort.selectors import report_of
from acuback.cohort.summaries import check_summaries
from acuback.episodes.models import Episode
from acuback.episodes.services import EpisodeInput, episode_create
from acuback.patients.services import PatientInput, patient_update
from acuback.visits.adverse import (
    AdverseEventInput,
    adverse_event_mark_in_error,
    adverse_event_record,
)
from acuback.visits.services import visit_start
from acuback.visits.signing import visit_amend
from tests.personas import PASSWORD, make_patient
from tests.plans.factories import proposal_for
from tests.plans.factories import save as save_plan
from tests.screening.factories import CLEAR, screen

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)
_clinics = itertools.count(1)

nrs = st.lists(st.integers(0, 10), min_size=0, max_size=3)
odi = st.lists(st.lists(st.integers(0, 5), min_size=10, max_size=10), max_size=2)
pgic = st.lists(st.integers(1, 7), max_size=2)
startback = st.none() | st.lists(st.integers(0, 1), min_size=9, max_size=9)
episode_spec = st.fixed_dictionaries({
    "onset_days": st.sampled_from([3, 27, 28, 60, 84, 85, 400]),  # both sides of 4 and 12 weeks
    "opened_ago": st.integers(20, 200),
    "nrs": nrs, "odi": odi, "pgic": pgic, "startback": startback,
    "plan": st.sampled_from([None, False, True]),  # no plan, manual, e-stim
    "visits": st.integers(0, 2),
    "in_error": st.booleans(),  # the last visit entered in error
    "events": st.lists(st.tuples(st.booleans(), st.booleans()), max_size=2),  # serious, in error
    "second": st.booleans(),  # the patient moves to the second practitioner
})


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _clinic() -> tuple[Clinic, list]:  # noqa: ANN001
    n = next(_clinics)
    clinic = Clinic.objects.create(name=f"Random {n}", slug=f"random-{n}")
    staff = []
    for who in ("a", "b"):
        user = member_create(clinic=clinic, username=f"r{n}{who}", password=PASSWORD,
                             role=Role.PRACTITIONER)
        practitioner_profile_set(user=user, licence_number=f"AC-{n}{who}")
        staff.append(user)
    return clinic, staff


def _build(spec: dict, i: int, staff: list) -> Episode:  # noqa: ANN001, C901
    prac = staff[0]
    patient = make_patient(prac, f"P{i}", "Random")
    opened = TODAY - dt.timedelta(days=spec["opened_ago"])
    episode = episode_create(actor=prac, patient=patient, opened_on=opened, data=EpisodeInput(
        onset_date=opened - dt.timedelta(days=spec["onset_days"]), region="lumbar",
        side="left", icd10_code="M54.50"))
    order = itertools.count()

    def record(instrument: str, answers: list[int], first: bool) -> None:
        # Two records share each moment: ties broken by entry order, as the engine does.
        assessment_record(actor=prac, episode=episode, instrument=instrument, answers=answers,
                          time_point=TimePoint.BASELINE if first else TimePoint.FOLLOW_UP,
                          administered_at=_at(opened + dt.timedelta(days=next(order) // 2), 10))

    if spec["startback"] is not None:
        record("startback", spec["startback"], True)
    for instrument in ("nrs", "odi", "pgic"):
        for k, answers in enumerate(spec[instrument]):
            record(instrument, answers if isinstance(answers, list) else [answers], k == 0)
    if spec["plan"] is not None or spec["visits"]:
        screen(prac, episode, *CLEAR)
        save_plan(prac, episode, ["BL23", "BL25", "BL40"], estim=bool(spec["plan"]),
                  proposal=proposal_for(episode, estim_requested=bool(spec["plan"])))
    visits = [visit_start(actor=prac, episode=episode, source="plan")
              for _ in range(spec["visits"])]
    if visits:
        for serious, in_error in spec["events"]:
            event = adverse_event_record(actor=prac, visit=visits[0], data=AdverseEventInput(
                kind="bleeding", severity="mild", serious=serious, causality="possible",
                onset_at=timezone.now(), points=["BL23"]))
            if in_error:
                adverse_event_mark_in_error(actor=prac, event=event, reason="not this one")
        if spec["in_error"]:
            visit_amend(actor=prac, visit=visits[-1], kind="entered_in_error",
                        reason="wrong patient")
    target = staff[1] if spec["second"] else prac
    patient.refresh_from_db()
    data = PatientInput(**{f.name: getattr(patient, f.name) for f in fields(PatientInput)})
    patient_update(actor=prac, patient=patient, data=replace(data, practitioner_id=target.pk),
                   version=patient.version)
    return episode


def _filters(staff: list) -> list[CohortFilter]:  # noqa: ANN001
    return [
        CohortFilter(),
        CohortFilter(opened_from=TODAY - dt.timedelta(days=120)),
        CohortFilter(opened_to=TODAY - dt.timedelta(days=60)),
        CohortFilter(practitioner=staff[1].pk),
        *(CohortFilter(protocol=p) for p in ("manual", "electro", "no_plan")),
        *(CohortFilter(startback=b) for b in ("low", "medium", "high", "not_screened")),
        *(CohortFilter(chronicity=c) for c in ("acute", "subacute", "chronic")),
        CohortFilter(protocol="electro", chronicity="chronic", practitioner=staff[0].pk),
    ]


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(specs=st.lists(episode_spec, min_size=1, max_size=4))
def test_the_report_over_summaries_is_the_report_over_raw_rows(db: None, specs: list) -> None:  # noqa: ANN001
    clinic, staff = _clinic()
    episodes = [_build(spec, i, staff) for i, spec in enumerate(specs)]
    assert check_summaries([e.pk for e in episodes]) == []
    for f in _filters(staff):
        stored = json.dumps(report_of(clinic.pk, f).as_dict(), sort_keys=True)
        raw = json.dumps(report_of(clinic.pk, f, from_summaries=False).as_dict(),
                         sort_keys=True)
        assert stored == raw, f
