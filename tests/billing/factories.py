"""Billing for tests: a Medicare patient with a chronic low back pain episode, a credentialed
acupuncturist under a supervising physician, fees, and courses of signed visits on given days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from acuback.accounts.models import User
from acuback.accounts.services import practitioner_profile_set
from acuback.assessments.services import assessment_record
from acuback.billing.models import Payer
from acuback.billing.services import billing_profile_set, fee_set, supervision_record
from acuback.episodes.models import Episode
from acuback.visits.models import Visit
from acuback.visits.signing import visit_sign
from tests.personas import PASSWORD, World, make_episode, make_patient
from tests.plans.factories import save as save_plan
from tests.screening.factories import screen
from tests.visits.factories import PLAN_CODES, charted

MBI = "1EG4-TE5-MK73"
SUPERVISOR_NPI = "1245319599"  # a valid check digit
FEES = {"97810": Decimal("85.00"), "97811": Decimal("40.00"), "97813": Decimal("95.00"),
        "97814": Decimal("45.00")}


def credential(user: User, **changes: object) -> None:
    """`user` as a licensed acupuncturist (auxiliary personnel) with an ACAOM degree, billed
    incident to Dr Ruth Osler."""
    values: dict[str, object] = {
        "licence_number": "AC-1", "licence_state": "OR", "npi": "1234567893",
        "credentials": "LAc", "acaom_degree": True, "provider_kind": "auxiliary",
        "licence_expires": dt.date(2030, 12, 31), "supervising_physician": "Dr Ruth Osler",
        "supervisor_kind": "physician", "supervisor_npi": SUPERVISOR_NPI, **changes}
    practitioner_profile_set(user=user, **values)  # type: ignore[arg-type]


def set_fees(world: World, since: dt.date = dt.date(2020, 1, 1)) -> None:
    for code, charge in FEES.items():
        fee_set(actor=world.owner, code=code, unit_charge=charge, effective_from=since)


def medicare_episode(world: World, *, payer: str = Payer.MEDICARE, member_id: str = MBI,
                     onset: dt.date = dt.date(2025, 6, 2), given: str = "Mary",
                     **episode: object) -> Episode:
    """A new patient of clinic A with chronic low back pain (M54.50 unless told), screened
    clear, Medicare (unless told) as the payer."""
    patient = make_patient(world.practitioner, given, "Shelley")
    if payer:
        billing_profile_set(actor=world.front_desk, patient=patient, payer=payer,
                            member_id=member_id, version=0)
    made = make_episode(world.practitioner, patient, onset_date=onset, **episode)
    screen(world.practitioner, made)
    save_plan(world.practitioner, made, PLAN_CODES)
    return made


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def visit_on(world: World, episode: Episode, day: dt.date, *, sign: bool = True,
             supervised: bool | None = True, **changes: object) -> Visit:
    """A visit of `episode` on `day` started from its plan, charted 20 minutes without e-stim (one
    97810), supervised as told, and signed unless told."""
    from acuback.visits.services import visit_start, visit_update

    visit = visit_start(actor=world.practitioner, episode=episode, source="plan",
                        started_at=at(day))
    visit = visit_update(actor=world.practitioner, visit=visit,
                         data=charted(visit, started_at=at(day), **changes),
                         version=visit.version)
    if supervised is not None:
        supervision_record(actor=world.practitioner, visit=visit, present=supervised)
    if not sign:
        return visit
    return visit_sign(actor=world.practitioner, visit=visit, password=PASSWORD,
                      version=visit.version)


def course(world: World, episode: Episode, first: dt.date, visits: int,
           every_days: int = 3) -> list[Visit]:
    return [visit_on(world, episode, first + dt.timedelta(days=n * every_days))
            for n in range(visits)]


def measure(world: World, episode: Episode, day: dt.date, pain: int,
            time_point: str = "follow_up") -> None:
    """A pain NRS on `day` (the first one is the baseline)."""
    assessment_record(actor=world.practitioner, episode=episode, instrument="nrs",
                      answers=[pain], time_point=time_point, administered_at=at(day, 9))
