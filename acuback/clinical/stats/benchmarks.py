"""Published trial and safety figures to show beside a clinic's own, labelled external.

The data file `benchmarks.json` (DOMAIN.md 6, from the published abstracts) is versioned; every
entry names its study, arm, outcome, time point and citation. Nothing here is computed from a
clinic's data: a dashboard shows these next to its own figures, never merged with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Benchmark:
    id: str
    study: str
    arm: str
    kind: str  # responder_rate, responder_difference, mean_change, mean_difference, adverse_...
    value: float
    unit: str
    ci: tuple[float, float] | None
    sd: float | None
    n: int | None
    timepoint: str
    outcome: str
    citation: str
    trial_n: int | None
    label: str = "external"


@dataclass(frozen=True, slots=True)
class Benchmarks:
    version: str
    label: str
    about: str
    entries: tuple[Benchmark, ...]

    def of_kind(self, kind: str) -> tuple[Benchmark, ...]:
        return tuple(entry for entry in self.entries if entry.kind == kind)

    def by_id(self, benchmark_id: str) -> Benchmark:
        for entry in self.entries:
            if entry.id == benchmark_id:
                return entry
        raise KeyError(benchmark_id)


@cache
def benchmarks() -> Benchmarks:
    raw = json.loads(
        resources.files("acuback.clinical.stats")
        .joinpath("benchmarks.json")
        .read_text(encoding="utf-8")
    )
    entries = tuple(
        Benchmark(**{**entry, "ci": None if entry["ci"] is None else tuple(entry["ci"]),
                     "label": raw["label"]})
        for entry in raw["benchmarks"]
    )
    return Benchmarks(raw["version"], raw["label"], raw["about"], entries)
