"""The visit API's input and output schemas, and their mapping to the services' inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from acuback.schemas import InputSchema
from acuback.visits.adverse import AdverseEventInput, FollowUp
from acuback.visits.content import visit_integrity
from acuback.visits.inputs import PainkillerInput, PointInput, VisitInput
from acuback.visits.models import (
    Adjunct,
    AdverseEventType,
    AeOutcome,
    AmendmentKind,
    Causality,
    NeedleAngle,
    NeedleMismatch,
    Reporter,
    Severity,
    StartedFrom,
    Stimulation,
    Visit,
)

# --- inputs ------------------------------------------------------------------------------


class VisitStartIn(InputSchema):
    episode_id: int
    source: StartedFrom = Field(description="plan, last_visit, combination or blank")
    combination_id: int | None = None
    room: str = Field("", max_length=40)


class PointIn(InputSchema):
    code: str = Field("", max_length=12, description="catalogue code; empty for an Ashi point")
    ashi_location: str = Field("", max_length=120)
    side: str = Field("", description="left, right, bilateral (midline for a single point)")
    depth_mm: Decimal | None = None
    angle: NeedleAngle | None = None
    gauge_mm: Decimal | None = Field(None, description="needle diameter, mm")
    length_mm: int | None = None
    manufacturer: str = Field("", max_length=80)
    lot: str = Field("", max_length=60)
    stimulation: Stimulation = Stimulation.MANUAL
    estim_hz: Decimal | None = None
    estim_ma: Decimal | None = None
    electrode_pair: int | None = None
    de_qi: bool | None = Field(None, description="null: not recorded")
    override_reason: str = Field("", max_length=2000,
                                 description="required for a point excluded for this patient")

    def to_input(self) -> PointInput:
        data = self.model_dump()
        data["angle"] = data["angle"] or ""
        return PointInput(**data)


class PainkillerIn(InputSchema):
    drug: str = Field(description="an id from the analgesic list, e.g. ibuprofen, oxycodone")
    dose: Decimal = Field(description="per dose, in the drug's unit (a patch: mcg/hr)")
    times_a_day: int
    days_last_week: int
    name: str = Field("", max_length=100, description="the name, for drug 'other'")

    def to_input(self) -> PainkillerInput:
        return PainkillerInput(**self.model_dump())


class VisitIn(InputSchema):
    """The whole draft: what is not sent is cleared (a PUT replaces)."""

    room: str = Field("", max_length=40)
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    pain_before: int | None = Field(None, description="Pain NRS 0-10; null: not asked")
    pain_after: int | None = None
    retention_minutes: int | None = None
    minutes_without_estim: int = Field(0, description="face-to-face minutes, not retention")
    minutes_with_estim: int = 0
    insertions: int = Field(1, description="how many times needles were inserted")
    needles_in: int = 0
    needles_out: int = 0
    needle_mismatch_reason: NeedleMismatch | None = None
    needle_mismatch_note: str = ""
    adjuncts: list[Adjunct] = []
    adjunct_note: str = ""
    subjective: str = ""
    objective: str = ""
    assessment: str = ""
    plan_note: str = ""
    next_visit: str = ""
    finger_floor_cm: Decimal | None = None
    schober_cm: Decimal | None = None
    slr_left_deg: int | None = None
    slr_right_deg: int | None = None
    pain_regions: list[str] = []
    painkillers_taken: bool | None = Field(None, description="null: not asked; false: none")
    points: list[PointIn] = []
    painkillers: list[PainkillerIn] = []

    def to_input(self) -> VisitInput:
        data = self.model_dump(include=set(VisitIn.model_fields) - {"points", "painkillers"})
        data["needle_mismatch_reason"] = data["needle_mismatch_reason"] or ""
        data["adjuncts"] = [str(a) for a in data["adjuncts"]]
        return VisitInput(**data, points=[p.to_input() for p in self.points],
                          painkillers=[p.to_input() for p in self.painkillers])


class VisitImportIn(VisitIn):
    """One visit of an import file: the PUT body, with where it goes and its id elsewhere."""

    external_id: str = Field(min_length=1, max_length=100)
    episode_id: int


class PointsIn(InputSchema):
    points: list[PointIn]


class PainkillersIn(InputSchema):
    painkillers_taken: bool | None
    painkillers: list[PainkillerIn] = []


class IntakeIn(InputSchema):
    painkillers: list[PainkillerIn]


class NeedleTapIn(InputSchema):
    which: str = Field(description="in or out")
    delta: int = Field(1, description="+1 or -1")


class SignIn(InputSchema):
    password: str = Field(description="your password, asked again to sign")


class AmendmentIn(InputSchema):
    kind: AmendmentKind
    reason: str = Field(max_length=5000)
    text: str = Field("", max_length=5000)
    section: str = Field("", description="for a correction: the part it replaces")
    refers_to: dt.datetime | None = Field(None, description="for a late entry: when it happened")


class AdverseEventIn(InputSchema):
    kind: AdverseEventType
    severity: Severity
    serious: bool
    causality: Causality
    onset_at: dt.datetime
    reporter: Reporter = Reporter.PRACTITIONER
    action: str = Field("", max_length=5000)
    outcome: AeOutcome = AeOutcome.UNKNOWN
    description: str = Field("", max_length=5000)
    points: list[str] = Field([], description="labels of the visit's points: BL40, ...")
    lots: list[str] = []

    def to_input(self) -> AdverseEventInput:
        return AdverseEventInput(**self.model_dump())


class FollowUpIn(InputSchema):
    action: str = Field("", max_length=5000)
    outcome: AeOutcome
    severity: Severity
    serious: bool

    def to_input(self) -> FollowUp:
        return FollowUp(**self.model_dump())


class InErrorIn(InputSchema):
    reason: str = Field(max_length=5000)


class CombinationPointIn(InputSchema):
    code: str = ""
    side: str = ""
    ashi_location: str = ""


class CombinationIn(InputSchema):
    name: str
    shared: bool = Field(False, description="for the whole clinic, not only you")
    points: list[CombinationPointIn]


# --- outputs -----------------------------------------------------------------------------


class PointOut(Schema):
    position: int
    code: str
    ashi_location: str
    label: str
    side: str
    depth_mm: Decimal | None
    angle: str
    gauge_mm: Decimal | None
    length_mm: int | None
    manufacturer: str
    lot: str
    stimulation: str
    estim_hz: Decimal | None
    estim_ma: Decimal | None
    electrode_pair: int | None
    de_qi: bool | None
    override_reason: str
    excluded_why: str


class PainkillerOut(Schema):
    id: int
    visit_id: int | None
    drug: str
    name: str
    drug_class: str
    dose: Decimal
    unit: str
    times_a_day: int
    days_last_week: int
    mme_per_day: Decimal | None
    list_version: str
    mme_table_version: str
    recorded_at: dt.datetime
    in_error_reason: str
    in_error_at: dt.datetime | None


class AmendmentOut(Schema):
    id: int
    kind: str
    section: str
    text: str
    reason: str
    refers_to: dt.datetime | None
    author: str = Field(alias="author.username")
    at: dt.datetime


class AdverseEventOut(Schema):
    id: int
    visit_id: int
    episode_id: int
    kind: str
    severity: str
    serious: bool
    causality: str
    onset_at: dt.datetime
    action: str
    outcome: str
    reporter: str
    description: str
    points: list[str]
    lots: list[str]
    from_needle_count: bool
    recorded_at: dt.datetime
    version: int
    in_error_reason: str
    in_error_at: dt.datetime | None


class VisitOut(Schema):
    id: int
    episode_id: int
    patient_id: int = Field(alias="episode.patient_id")
    practitioner: str = Field(alias="practitioner.username")
    number: int
    status: str
    in_error: bool
    tampered: bool
    started_at: dt.datetime
    ended_at: dt.datetime | None
    room: str
    started_from: str
    plan_id: int | None
    pain_before: int | None
    pain_after: int | None
    retention_minutes: int | None
    retention_started_at: dt.datetime | None
    minutes_without_estim: int
    minutes_with_estim: int
    insertions: int
    needles_in: int
    needles_out: int
    needle_mismatch_reason: str
    needle_mismatch_note: str
    adjuncts: list[str]
    adjunct_note: str
    subjective: str
    objective: str
    assessment: str
    plan_note: str
    next_visit: str
    finger_floor_cm: Decimal | None
    schober_cm: Decimal | None
    slr_left_deg: int | None
    slr_right_deg: int | None
    pain_regions: list[str]
    pain_outline_version: str
    painkillers_taken: bool | None
    cpt: dict[str, Any]
    cpt_rule_version: str
    version: int
    signed_at: dt.datetime | None
    signed_by: str | None = Field(None, alias="signed_by.username")
    content_hash: str
    points: list[PointOut] = Field(alias="points.all")
    painkillers: list[PainkillerOut] = Field(alias="painkillers.all")
    amendments: list[AmendmentOut] = Field(alias="amendments.all")

    @staticmethod
    def resolve_in_error(visit: Visit) -> bool:
        return any(a.kind == AmendmentKind.ENTERED_IN_ERROR for a in visit.amendments.all())

    @staticmethod
    def resolve_tampered(visit: Visit) -> bool:
        return not visit_integrity(visit).ok


class VisitSummaryOut(Schema):
    id: int
    patient_id: int
    episode_id: int
    number: int
    date: dt.date
    practitioner: str
    signed: bool
    in_error: bool


class LotUseOut(Schema):
    visit_id: int
    date: dt.date
    patient_id: int
    practitioner: str


class CombinationOut(Schema):
    id: int
    name: str
    shared: bool
    points: list[dict[str, str]]

    @staticmethod
    def resolve_shared(combination: Any) -> bool:
        return combination.owner_id is None
