"""The visit benchmark's data (run as its own process, in the benchmark's data directory):
a clinic whose practitioner has one patient with 200 signed past visits and one with a single
past visit, each with today's visit open as a draft, and a colleague with nothing to sign.
Written through the visit services, as the demo writes them. Prints JSON: the ids the
benchmark opens."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal

PAST_VISITS = 200
USERNAME, PASSWORD = "bench-prac", "bench-password-not-secret-1"  # noqa: S105 - scratch data
COLLEAGUE = "bench-colleague"


def main() -> None:
    from acuback.cli.django_setup import migrate, setup

    setup()
    migrate()
    from django.utils import timezone

    from acuback.audit.context import audit_context

    with audit_context("cli"):
        now = timezone.now()
        practitioner, long_history = _patient_with_visits("Many", PAST_VISITS, now)
        _, short_history = _patient_with_visits("Few", 1, now, practitioner)
        _colleague(practitioner)
    json.dump({"username": USERNAME, "password": PASSWORD, "colleague": COLLEAGUE,
               **long_history, "short_draft": short_history["draft"]}, sys.stdout)


def _colleague(practitioner) -> None:  # noqa: ANN001
    """A practitioner of the same clinic with nothing to sign: whose "unsigned visits" page is
    the site's frame and an empty list (the bare page)."""
    from acuback.accounts.models import Role
    from acuback.accounts.services import member_create

    member_create(clinic=practitioner.membership.clinic, username=COLLEAGUE, password=PASSWORD,
                  role=Role.PRACTITIONER, first_name="Cole", last_name="League")


def _patient_with_visits(family: str, count: int, now: dt.datetime, practitioner=None):  # noqa: ANN001, ANN202
    from acuback.accounts.models import Clinic, Role
    from acuback.accounts.services import member_create
    from acuback.clinical.screening import FLAG_QUESTIONS
    from acuback.episodes.services import EpisodeInput, episode_create
    from acuback.patients.services import (
        HealthInput,
        PatientInput,
        health_history_update,
        patient_create,
    )
    from acuback.plans.selectors import plan_proposal
    from acuback.plans.services import Course, Goal, PointChoice, Reassess, plan_save
    from acuback.screening.services import screening_record

    if practitioner is None:
        clinic = Clinic.objects.create(name="Bench Clinic", slug="bench")
        practitioner = member_create(clinic=clinic, username=USERNAME, password=PASSWORD,
                                     role=Role.PRACTITIONER, first_name="Bea", last_name="Ench")
    patient = patient_create(actor=practitioner, data=PatientInput(
        given_name="Pat", family_name=family, date_of_birth=dt.date(1968, 3, 4), sex="female"))
    # Every safety question asked and answered "no" (the gate needs a history taken).
    health_history_update(actor=practitioner, patient=patient, data=HealthInput(
        pregnant=False, anticoagulant=False, bleeding_disorder=False, implanted_device="none",
        needle_phobia=False, immunosuppressed=False, diabetes=False, epilepsy=False,
        metal_allergy=False, skin_lesion_regions=[]))
    episode = episode_create(actor=practitioner, patient=patient, data=EpisodeInput(
        onset_date=(now - dt.timedelta(days=800)).date(), region="lumbar", side="bilateral",
        icd10_code="M54.50"))
    screening_record(actor=practitioner, episode=episode,
                     flags={str(f): False for f in FLAG_QUESTIONS})
    proposal = plan_proposal(episode, pattern=None, estim_requested=False)
    plan_save(actor=practitioner, episode=episode, proposal=proposal,
              points=[PointChoice(p.code, p.side.value, p.why)
                      for p in proposal.prescription.points],
              course=Course(30, 2), goals=[Goal(text="walk to work")],
              reassess=Reassess(after_session=5), overrides={})
    ids = [_visit(practitioner, episode, now - dt.timedelta(days=3 * (count - i)), sign=True)
           for i in range(count)]
    draft = _visit(practitioner, episode, now - dt.timedelta(minutes=10), sign=False)
    return practitioner, {"episode": episode.pk, "draft": draft, "signed": ids[len(ids) // 2]}


def _visit(actor, episode, when: dt.datetime, *, sign: bool) -> int:  # noqa: ANN001
    from dataclasses import replace

    from acuback.clinical.acupoints import catalogue
    from acuback.visits.inputs import PainkillerInput
    from acuback.visits.services import visit_input_from, visit_start, visit_update
    from acuback.visits.signing import sign_checked, visit_amend

    visit = visit_start(actor=actor, episode=episode, source="plan", started_at=when,
                        room="Room 1")
    data = visit_input_from(visit)
    points = [replace(p, depth_mm=Decimal(min(20, catalogue().require(p.code).max_depth_mm or 20)),
                      gauge_mm=Decimal("0.25"), length_mm=40, manufacturer="Hwato",
                      lot="HW-BENCH-1", de_qi=True) for p in data.points]
    needles = sum(2 if p.side == "bilateral" else 1 for p in points)
    data = replace(data, points=points, needles_in=needles, needles_out=needles if sign else 0,
                   pain_before=5, pain_after=3, minutes_without_estim=20,
                   subjective="Stiff in the mornings.", objective="Tender L4-L5.",
                   pain_regions=["lower_back_left", "lower_back_right"], painkillers_taken=True,
                   painkillers=[PainkillerInput("ibuprofen", Decimal(400), 2, 5)])
    visit = visit_update(actor=actor, visit=visit, data=data, version=visit.version)
    if sign:
        visit = sign_checked(actor=actor, visit=visit, version=visit.version, attested="bench")
        if visit.number % 10 == 0:
            visit_amend(actor=actor, visit=visit, kind="addendum", reason="called",
                        text="Fine the next day.")
    return visit.pk


if __name__ == "__main__":
    main()
