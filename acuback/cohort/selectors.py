"""Cohort reports, scoped to the actor and audited: the one read path for the dashboard, the API
and `acuback analyze cohort`.

Who sees what (docs/cohort.md):
- an owner: every episode of their clinic, and may filter by practitioner;
- a practitioner: the episodes of their own patients (practitioner of record) only; asking for
  another practitioner's is refused (403);
- front desk and patients: refused (403): outcomes are clinical content.
Every report, comparison and export writes one audit entry naming its filters and size;
refusals are audited too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import Role, User
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical.cohort import (
    COHORT_RULES_VERSION,
    EXTERNAL_MEAN_CHANGE,
    EXTERNAL_RESPONDERS,
    EXTERNAL_SAFETY,
    InstrumentFigures,
    OutcomePair,
    SafetyFigures,
    cohort_outcomes,
    external,
    safety_figures,
)
from acuback.clinical.instruments import CHANGE_RULES_VERSION, get
from acuback.clinical.stats import Benchmark, CompareError, Comparison, Record, compare_groups
from acuback.cohort import engine, stored
from acuback.cohort.filters import COMPARE_BY, CohortFilter
from acuback.errors import InputError

OBJECT_TYPE = "cohort"


@dataclass(frozen=True, slots=True)
class Scope:
    clinic_id: int
    practitioner_id: int | None  # set: only this practitioner's patients

    def apply(self, f: CohortFilter) -> CohortFilter:
        return f if self.practitioner_id is None else f.with_(practitioner=self.practitioner_id)


def cohort_scope(actor: User, f: CohortFilter, *, action: str = Action.LIST) -> Scope:
    """The actor's scope for cohort reports; refusals audited and raised."""
    membership = membership_of(actor)
    refusal: Forbidden | NotFound | None = None
    if membership is None:
        refusal = NotFound("no clinic")
    elif membership.role == Role.OWNER:
        return Scope(membership.clinic_id, None)
    elif membership.role != Role.PRACTITIONER:
        refusal = Forbidden("cohort outcomes are clinical: owners and practitioners only")
    elif f.practitioner not in (None, actor.pk):
        refusal = Forbidden("a practitioner sees the outcomes of their own patients only")
    else:
        return Scope(membership.clinic_id, actor.pk)
    audit_record(actor=actor, action=action, object_type=OBJECT_TYPE,
                 outcome=Outcome.NOT_FOUND if isinstance(refusal, NotFound) else Outcome.DENIED,
                 detail={"filters": f.as_dict()})
    raise refusal


@dataclass(frozen=True)
class CohortReport:
    filters: CohortFilter
    episodes: int
    patients: int
    outcomes: tuple[InstrumentFigures, ...]
    safety: SafetyFigures
    external_responders: tuple[Benchmark, ...] = field(default=())
    external_mean_change: tuple[Benchmark, ...] = field(default=())
    external_safety: tuple[Benchmark, ...] = field(default=())

    def outcome(self, instrument: str) -> InstrumentFigures | None:
        return next((o for o in self.outcomes if o.instrument == instrument), None)

    @property
    def versions(self) -> dict[str, object]:
        return {"cohort_rules": COHORT_RULES_VERSION, "change_rules": CHANGE_RULES_VERSION,
                "instruments": {o.instrument: get(o.instrument).version for o in self.outcomes}}

    def as_dict(self) -> dict[str, object]:
        return {
            "filters": self.filters.as_dict(),
            "episodes": self.episodes,
            "patients": self.patients,
            "outcomes": [o.as_dict() for o in self.outcomes],
            "adverse_events": self.safety.as_dict(),
            "external": {
                "label": "external: published trials, other patients and definitions",
                "responder_rates": [_benchmark_dict(b) for b in self.external_responders],
                "mean_change": [_benchmark_dict(b) for b in self.external_mean_change],
                "adverse_events": [_benchmark_dict(b) for b in self.external_safety],
            },
            "versions": self.versions,
        }


def _benchmark_dict(b: Benchmark) -> dict[str, object]:
    return {"id": b.id, "study": b.study, "arm": b.arm, "value": b.value, "unit": b.unit,
            "ci": None if b.ci is None else list(b.ci), "timepoint": b.timepoint,
            "outcome": b.outcome, "citation": b.citation, "label": b.label}


def audit_cohort(actor: User, scope: Scope, f: CohortFilter, action: str, **detail: object) -> None:
    audit_record(actor=actor, action=action, object_type=OBJECT_TYPE, outcome=Outcome.OK,
                 clinic_id=scope.clinic_id, detail={"filters": f.as_dict(), **detail})


def cohort_report(*, actor: User, filters: CohortFilter) -> CohortReport:
    scope = cohort_scope(actor, filters)
    f = scope.apply(filters)
    report = report_of(scope.clinic_id, f)
    audit_cohort(actor, scope, f, Action.LIST, episodes=report.episodes)
    return report


def report_of(clinic_id: int, f: CohortFilter, *, from_summaries: bool = True) -> CohortReport:
    """The clinic's report for a filter already scoped (not audited): from the per-episode
    summaries (`acuback.cohort.stored`), or with from_summaries=False from the raw rows
    (`acuback.cohort.engine`: the definition the summaries are made by; tests and the
    benchmark compare the two)."""
    if from_summaries:
        count, patients, safety = stored.counts(stored.cohort_summaries(clinic_id, f))
        pairs = stored.outcome_pairs(stored.cohort_measures(clinic_id, f))
    else:
        episodes = engine.cohort_episodes(clinic_id, f)
        count, patients = engine.episode_patient_count(episodes)
        pairs = engine.outcome_pairs(clinic_id, episodes)
        safety = engine.safety_counts(clinic_id, episodes)
    return CohortReport(
        filters=f, episodes=count, patients=patients, outcomes=cohort_outcomes(pairs),
        safety=safety_figures(safety),
        external_responders=external(EXTERNAL_RESPONDERS),
        external_mean_change=external(EXTERNAL_MEAN_CHANGE),
        external_safety=external(EXTERNAL_SAFETY),
    )


# --- comparing two groups of a cohort (the same analysis as `acuback analyze compare`) -----


@dataclass(frozen=True)
class CohortComparison:
    filters: CohortFilter
    by: str
    groups: tuple[str, str]  # the second is the "treatment" whose adjusted effect is estimated
    instrument: str
    comparison: Comparison

    def as_dict(self) -> dict[str, object]:
        return {"filters": self.filters.as_dict(), "by": self.by, "groups": list(self.groups),
                "instrument": self.instrument, "treatment": self.groups[1],
                **self.comparison.to_dict()}


def _check_comparison(by: str, groups: tuple[str, str], instrument: str) -> None:
    errors: dict[str, list[str]] = {}
    if by not in COMPARE_BY:
        errors["by"] = [f"{by!r} is not one of {', '.join(COMPARE_BY)}"]
    else:
        allowed = [v for v, _ in COMPARE_BY[by]]
        bad = [g for g in groups if g not in allowed]
        if bad:
            errors["groups"] = [f"{bad[0]!r} is not one of {', '.join(allowed)}"]
        elif groups[0] == groups[1]:
            errors["groups"] = ["choose two different groups"]
    try:
        definition = get(instrument)
    except ValueError:
        errors["instrument"] = [f"unknown instrument {instrument!r}"]
    else:
        if definition.mic.improved_codes:
            errors["instrument"] = [f"{instrument} rates change itself: it has no baseline to "
                                    "compare from"]
    if errors:
        raise InputError(errors)


def _records(group: str, pairs: list[OutcomePair], instrument: str) -> list[Record]:
    records: list[Record] = []
    for pair in pairs:
        if pair.instrument == instrument:
            latest = pair.latest if pair.followed else None
            records.extend([Record(group, pair.baseline, latest)] * pair.episodes)
    return records


def cohort_compare(*, actor: User, filters: CohortFilter, by: str, groups: tuple[str, str],
                   instrument: str, responder_drop: float | None = None) -> CohortComparison:
    """Two groups of the cohort (two protocols, say) compared on one instrument: per-group
    means and responder rates, and the ANCOVA difference adjusted for baseline. Raises
    InputError when the groups cannot be compared (too few episodes followed up)."""
    _check_comparison(by, groups, instrument)
    scope = cohort_scope(actor, filters)
    f = scope.apply(filters)
    records: list[Record] = []
    for group in groups:
        measures = stored.cohort_measures(scope.clinic_id, f.with_(**{by: group}))
        found = _records(group, stored.outcome_pairs(measures), instrument)
        if not any(r.follow_up is not None for r in found):
            audit_cohort(actor, scope, f, Action.LIST, compare={"by": by, "groups": list(groups)},
                         refused=f"no follow-up in {group}")
            raise InputError({"groups": [f"no episode of {by} {group!r} has a baseline and a "
                                         f"follow-up of {instrument}: nothing to compare"]})
        records += found
    try:
        drop = {} if responder_drop is None else {"responder_drop": responder_drop}
        comparison = compare_groups(records, treatment=groups[1], **drop)
    except CompareError as exc:
        audit_cohort(actor, scope, f, Action.LIST, compare={"by": by, "groups": list(groups)},
               refused=str(exc))
        raise InputError({"groups": [str(exc)]}) from exc
    audit_cohort(actor, scope, f, Action.LIST, compare={"by": by, "groups": list(groups),
                                                  "instrument": instrument})
    return CohortComparison(f, by, groups, instrument, comparison)
