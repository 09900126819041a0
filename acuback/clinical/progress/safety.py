"""Adverse events per treatment: how many, how bad, per 1,000 treatments with the exact
Poisson interval (`stats.rate_per_treatments`), beside what safety studies found (Witt 2009,
Baeumler 2021: `stats.benchmarks()`). Treatments are the live visits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from acuback.clinical.progress.rows import AdverseEventRow
from acuback.clinical.stats import Rate, rate_per_treatments

SEVERITY_ORDER = ("mild", "moderate", "severe")


@dataclass(frozen=True, slots=True)
class SafetySummary:
    events: int
    treatments: int
    serious: int
    moderate_or_worse: int
    worst_severity: str | None  # None: no events
    by_kind: tuple[tuple[str, int], ...]  # most frequent first
    rate: Rate | None  # None without treatments

    def as_dict(self) -> dict[str, object]:
        rate = None if self.rate is None else {
            "per": self.rate.per, "rate": self.rate.rate, "ci": list(self.rate.ci)}
        return {"events": self.events, "treatments": self.treatments, "serious": self.serious,
                "moderate_or_worse": self.moderate_or_worse,
                "worst_severity": self.worst_severity, "by_kind": dict(self.by_kind),
                "per_1000_treatments": rate}


def safety_summary(events: tuple[AdverseEventRow, ...], treatments: int) -> SafetySummary:
    kinds = Counter(e.kind for e in events)
    severities = [SEVERITY_ORDER.index(e.severity) for e in events if e.severity in SEVERITY_ORDER]
    return SafetySummary(
        events=len(events), treatments=treatments,
        serious=sum(1 for e in events if e.serious),
        moderate_or_worse=sum(1 for e in events if e.severity in ("moderate", "severe")),
        worst_severity=SEVERITY_ORDER[max(severities)] if severities else None,
        by_kind=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        rate=rate_per_treatments(len(events), treatments) if treatments else None,
    )
