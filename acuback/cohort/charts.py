"""The cohort's responder rates with their Wilson intervals, beside the published trial
figures (drawn apart and labelled external: other patients, other definitions of response).

Drawn on the server with matplotlib like the episode charts (`acuback.outcomes.charts`): SVG,
sized for a phone, cached by a hash of what it shows. Bars differ by hatching as well as colour,
so the chart reads printed in black and white.
"""

from __future__ import annotations

import hashlib
import io
import json

from django.core.cache import cache

from acuback.clinical.cohort import InstrumentFigures
from acuback.clinical.instruments import get
from acuback.clinical.stats import Benchmark
from acuback.outcomes.charts import CACHE_SECONDS, FONT_PT, INK, WIDTH_IN

CHART_VERSION = "cohort-chart/acuback-1"
OURS, THEIRS = "#1f3a5f", "#b9c6d6"
ROW_IN = 0.42


def responder_rows(outcomes: tuple[InstrumentFigures, ...], external: tuple[Benchmark, ...]
                   ) -> list[tuple[str, float, tuple[float, float] | None, bool]]:
    """(label, percent, interval in percent or None, external?) per bar, the clinic's first."""
    rows: list[tuple[str, float, tuple[float, float] | None, bool]] = []
    for o in outcomes:
        if o.improved is not None:
            low, high = o.improved.ci
            rows.append((f"{get(o.instrument).short_name}: improved (n={o.improved.n})",
                         100 * o.improved.rate, (100 * low, 100 * high), False))
    for b in external:
        ci = None if b.ci is None else (b.ci[0], b.ci[1])
        rows.append((f"{b.study}, {b.arm} (external)", b.value, ci, True))
    return rows


def responder_chart(outcomes: tuple[InstrumentFigures, ...],
                    external: tuple[Benchmark, ...]) -> bytes | None:
    rows = responder_rows(outcomes, external)
    if not any(not r[3] for r in rows):
        return None  # nothing of the clinic's to show
    body = json.dumps(rows)
    key = "cohort-chart:" + hashlib.sha256(f"{CHART_VERSION}|{body}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        cached = _draw(rows)
        cache.set(key, cached, CACHE_SECONDS)
    return bytes(cached)


def _draw(rows: list[tuple[str, float, tuple[float, float] | None, bool]]) -> bytes:
    import textwrap

    from matplotlib.figure import Figure  # imported on first use: it takes a while

    fig = Figure(figsize=(WIDTH_IN, 1.2 + ROW_IN * len(rows) * 1.6), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    places = list(range(len(rows)))[::-1]
    for place, (_label, value, ci, external) in zip(places, rows, strict=True):
        ax.barh(place, value, color=THEIRS if external else OURS, edgecolor=INK,
                hatch="//" if external else None, height=0.6)
        if ci is not None:
            ax.errorbar(value, place, xerr=[[value - ci[0]], [ci[1] - value]], fmt="none",
                        ecolor="#b5542b" if not external else INK, capsize=4, linewidth=1.2)
    ax.set_yticks(places, [textwrap.fill(r[0], 30) for r in rows], fontsize=FONT_PT - 2)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of patients (95 % interval)", fontsize=FONT_PT)
    ax.set_title("Responders, beside published trials", loc="left",
                 fontsize=FONT_PT + 1, color=INK)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
