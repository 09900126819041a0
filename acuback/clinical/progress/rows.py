"""The plain rows an episode's progress is computed from, however the app stores them.

Pure data: the outcomes app fills these from the database in a bounded number of queries
(`acuback.outcomes.selectors.episode_rows`), a cohort report can fill thousands of them the
same way, and tests write them by hand. Rows entered in error are left out by whoever fills
them: nothing here knows about amendments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from acuback.clinical.outcomes import Measurement


@dataclass(frozen=True, slots=True)
class VisitRow:
    """One live visit (not entered in error): what it measured and how it was given."""

    number: int
    on: dt.date
    pain_before: int | None = None  # pain NRS 0-10; None: not asked
    pain_after: int | None = None
    finger_floor_cm: float | None = None  # None: not measured
    schober_cm: float | None = None
    slr_left_deg: int | None = None
    slr_right_deg: int | None = None
    painkillers_asked: bool = False  # the visit recorded painkillers (a list, or "none")
    co_interventions: tuple[str, ...] = ()  # STRICTA 4a: moxibustion, exercise, advice, ...
    practitioner_licensed: bool = False  # a licence number on record for who treated
    needles: int = 0  # points needled
    needles_with_lot: int = 0  # of those, with the needle lot recorded


@dataclass(frozen=True, slots=True)
class PainkillerRow:
    """One analgesic as taken in the week before intake (visit_number None) or a visit."""

    visit_number: int | None
    drug: str
    name: str
    drug_class: str  # "opioid", "nsaid", ... (the analgesic list's classes)
    days_last_week: int
    mme_per_day: float | None  # opioids only (CDC 2022 factors)
    mme_table_version: str = ""
    list_version: str = ""


@dataclass(frozen=True, slots=True)
class AdverseEventRow:
    visit_number: int
    kind: str
    severity: str  # mild | moderate | severe
    serious: bool


@dataclass(frozen=True, slots=True)
class Goal:
    """A plan's goal: a target on an instrument ("ODI < 20"), or words."""

    instrument: str = ""
    comparator: str = ""  # <, <=, > or >=
    target: float | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class EpisodeRows:
    episode_id: int
    opened_on: dt.date
    discharged_on: dt.date | None = None
    measurements: tuple[Measurement, ...] = ()
    visits: tuple[VisitRow, ...] = ()
    painkillers: tuple[PainkillerRow, ...] = ()
    adverse_events: tuple[AdverseEventRow, ...] = ()
    goals: tuple[Goal, ...] = ()
    plan_points: int | None = None  # points in the current plan; None: no plan recorded
    # The first later episode of the same patient, for recurrence within 12 months.
    next_episode_opened_on: dt.date | None = None
    # Versions of the stored data the rows came from (instrument definitions, analgesic list,
    # MME table), as stored with each record.
    data_versions: tuple[str, ...] = field(default=())
