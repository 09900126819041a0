"""`acuback demo --patients N`: the demo clinics at a clinic network's size, written in bulk.

The usual demo (30 patients per clinic, every state a newcomer should see, each record written
through the services) runs first; this tops each clinic up to N patients through the bulk path
(`acuback.bulk`): rows built in memory and written with one statement per batch, tens of
thousands of patients in seconds.

Bulk data is still valid data: questionnaires are scored and screens decided by the clinical
core, plans are the prescriber's proposals checked as `plan_save` checks them, and every row
carries what a service would have written.

The audit trail: the bulk path does not write one audit entry per record (that would be a
million entries describing a data load, not anyone's work). It writes one entry per clinic and
kind of record through `audit_record`, naming how many rows it created and their id range, so
the trail stays one consistent chain and says exactly what the load did.

Each app adds its rows with a step in `acuback.demo.BULK_STEPS` (a function taking the
BulkContext), the way the usual demo has STEPS: a later app (visits, appointments) appends its
own. Steps run in order, once per clinic; each reads what the steps before it made from the
context (`ctx.patients`, `ctx.episodes`, `ctx.decisions`) and may leave more for later steps.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from acuback.accounts.models import Clinic, Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.bulk import Advance, Progress, db_time, deferred_indexes, no_progress
from acuback.clinical.outcomes import Measurement
from acuback.cohort.summaries import rebuild_summaries, summary_ids

__all__ = ["Advance", "BulkContext", "BulkEpisode", "BulkPatient", "BulkStep", "Progress",
           "demo_bulk_load", "no_progress"]


@dataclass(frozen=True)
class BulkPatient:
    id: int
    index: int  # position in this clinic's bulk load, for deterministic variety
    born: dt.date
    sex: str
    pregnant: bool
    health: dict[str, Any]
    practitioner: int | None = None  # of record: who treats them


@dataclass(frozen=True)
class BulkEpisode:
    id: int
    patient: BulkPatient
    region: str
    side: str
    radiation: str
    onset: dt.date
    opened: dt.date
    status: str
    closed: dt.date | None
    icd10_code: str = ""


@dataclass
class BulkContext:
    rng: random.Random
    today: dt.date
    clinic: Clinic
    clinician: User  # whom the records say entered them
    count: int  # patients to add to this clinic
    progress: Progress = no_progress
    now: dt.datetime = field(default_factory=timezone.now)
    patients: list[BulkPatient] = field(default_factory=list)
    episodes: list[BulkEpisode] = field(default_factory=list)
    decisions: dict[int, str] = field(default_factory=dict)  # episode id -> red-flag decision
    # episode id -> whether its screen found the pain nonspecific (NCD 30.3.3 coverage)
    nonspecific: dict[int, bool] = field(default_factory=dict)
    # episode id -> its scored questionnaire totals, in the order taken (the visits step
    # follows the pain they describe and judges coverage improvement from them)
    measurements: dict[int, list[Measurement]] = field(default_factory=dict)
    plans: dict[int, int] = field(default_factory=dict)  # episode id -> its plan's id
    plan_estim: dict[int, bool] = field(default_factory=dict)  # episode id -> its plan's e-stim
    # episode id -> the band of its first scored STarT Back (its baseline risk group)
    startback: dict[int, str] = field(default_factory=dict)
    # episode id -> [live visits, adverse events, serious ones], as the visits step wrote them
    safety: dict[int, list[int]] = field(default_factory=dict)
    proposals: dict[object, Any] = field(default_factory=dict)  # the plans step's, by request
    # A research registry (`acuback demo --registry`): visits record needle counts, painkillers
    # and adverse events but no point rows or claim lines (see acuback.visits.bulk).
    registry: bool = False
    _times: dict[tuple[dt.date, int], object] = field(default_factory=dict)
    _moments: dict[tuple[dt.date, int, int], dt.datetime] = field(default_factory=dict)
    _zone: dt.tzinfo = field(default_factory=timezone.get_current_timezone)

    def audit(self, object_type: str, first: int, rows: int) -> None:
        """The one audit entry of a bulk step in this clinic (see the module docstring)."""
        audit_record(
            actor=self.clinician, action=Action.CREATE, object_type=object_type,
            outcome=Outcome.OK, clinic_id=self.clinic.pk,
            detail={"bulk": True, "count": rows, "ids": [first, first + rows - 1] if rows else []},
        )

    def at(self, day: dt.date, hour: int = 10) -> object:
        """Half past `hour` on `day` in the clinic's time zone, in database form."""
        key = (day, hour)
        if key not in self._times:
            self._times[key] = db_time(self.moment(day, hour))
        return self._times[key]

    def moment(self, day: dt.date, hour: int = 10, minute: int = 30) -> dt.datetime:
        """Half past `hour` (or `minute` past) on `day` in the clinic's time zone."""
        key = (day, hour, minute)
        if key not in self._moments:
            # As timezone.make_aware does with a zoneinfo zone, without looking the current
            # zone up again each time (the visits step asks for hundreds of thousands).
            self._moments[key] = dt.datetime.combine(day, dt.time(hour, minute),
                                                     tzinfo=self._zone)
        return self._moments[key]


BulkStep = Callable[[BulkContext], None]


def demo_bulk_load(*, clinics: Sequence[Clinic], patients: int, today: dt.date,
                   steps: Sequence[BulkStep], progress: Progress = no_progress,
                   registry: bool = False) -> int:
    """Top every clinic up to `patients` patients; idempotent. Returns how many were added.

    All clinics load in one transaction whose indexes are dropped once and rebuilt once at
    the end (`deferred_indexes`), over every clinic's rows: a rebuild per clinic sorted the
    first clinics' rows again for each later one (at 50,000 patients a clinic, 33 s of
    rebuild for the first clinic and 86 s for the second, where one rebuild takes the
    second's)."""
    from acuback.patients.models import Patient

    added, loaded = 0, []
    with transaction.atomic():
        with deferred_indexes(progress):
            for clinic in clinics:
                missing = patients - Patient.objects.filter(clinic=clinic).count()
                if missing <= 0:
                    continue
                clinician = User.objects.filter(
                    membership__clinic=clinic, membership__role=Role.PRACTITIONER
                ).order_by("username").first()
                if clinician is None:
                    raise ValueError(
                        f"clinic {clinic.slug} has no practitioner to enter its records")
                # Seeded per clinic and size, so a clinic's data never depends on the others'.
                rng = random.Random(f"acuback-bulk-{clinic.slug}-{patients}")  # noqa: S311
                ctx = BulkContext(rng=rng, today=today, clinic=clinic, clinician=clinician,
                                  count=missing, progress=progress, registry=registry)
                for step in steps:
                    step(ctx)
                loaded.append(clinic)
                added += missing
        # The bulk rows bypass the services: the cohort step (acuback.cohort.demo) wrote
        # the summaries of the new episodes from what the steps kept; any episode still
        # without one (a step list without it) is summarised from its raw rows here.
        for clinic in loaded:
            ids = summary_ids(clinic_id=clinic.pk, missing_only=True)
            with progress("cohort summaries", len(ids)) as advance:
                rebuild_summaries(ids, advance)
    return added
