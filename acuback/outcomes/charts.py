"""Charts of an episode, drawn on the server with matplotlib (Agg, no display): pain and
function over time with the minimal important change band, and painkiller use.

SVG for pages (scales to a phone's width; text stays text), PNG for the PDF reports. Both are
cached by a hash of what they show, so a page view redraws nothing unless the data changed.
Lines differ by marker and dash as well as colour, so a chart printed in black and white reads.

The band is the zone within one minimal important change of the baseline: a point below it is
an improvement that matters, above it a worsening (DOMAIN.md: NRS 2 points, ODI 10, RMDQ 5).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.cache import cache

from acuback.clinical.instruments import get
from acuback.clinical.outcomes import InstrumentOutcome
from acuback.clinical.progress import EpisodeProgress

CHART_VERSION = "charts/acuback-1"
# Sized so that at a phone's width (about 350 px) the 12-point text stays about 10 px high.
WIDTH_IN, PANEL_IN, FONT_PT = 5.6, 3.6, 12
CACHE_SECONDS = 24 * 3600
PNG_DPI = 200
INK = "#1f3a5f"  # the stylesheet's ink blue
COLOURS = ("#1f3a5f", "#b5542b", "#3d7a3d", "#6b4c9a")
MARKERS = ("o", "s", "^", "D")
DASHES = ("-", "--", "-.", ":")


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[tuple[str, float], ...]  # (ISO day, value)


@dataclass(frozen=True)
class Panel:
    title: str
    ylabel: str
    ylim: tuple[float, float]
    series: tuple[Series, ...]
    band: tuple[float, float] | None = None  # baseline +/- the minimal important change
    band_label: str = ""
    bars: tuple[tuple[str, float], ...] = ()  # (label, value), for painkiller days
    line_label: str = ""
    line: tuple[tuple[str, float], ...] = field(default=())  # (label, value) on a second axis


def _measured(outcome: InstrumentOutcome) -> tuple[tuple[str, float], ...]:
    ms = [outcome.baseline] if outcome.baseline else []
    ms += [f.measurement for f in outcome.follow_ups]
    return tuple((m.taken_on.isoformat(), float(m.total)) for m in ms)


def _band(outcome: InstrumentOutcome | None) -> tuple[float, float] | None:
    if outcome is None or outcome.baseline is None:
        return None
    points = get(outcome.instrument).mic.points
    if points is None:
        return None
    low, high = get(outcome.instrument).total_range
    base = outcome.baseline.total
    return max(low, base - points), min(high, base + points)


def pain_panel(progress: EpisodeProgress) -> Panel | None:
    series = []
    nrs, peg = progress.outcome("nrs"), progress.outcome("peg")
    if nrs is not None:
        series.append(Series("Pain NRS questionnaire", _measured(nrs)))
    if peg is not None:
        series.append(Series("PEG", _measured(peg)))
    visit_pain = tuple((p.on.isoformat(), float(p.before)) for p in progress.visit_pain
                       if p.before is not None)
    if visit_pain:
        series.append(Series("Pain before needling", visit_pain))
    if not series:
        return None
    banded = nrs if nrs is not None else progress.visit_pain_outcome
    return Panel("Pain (0-10, lower is better)", "pain", (0, 10), tuple(series), _band(banded),
                 "within 2 points of baseline")


def function_panel(progress: EpisodeProgress) -> Panel | None:
    for instrument in ("odi", "rmdq"):
        outcome = progress.outcome(instrument)
        if outcome is not None:
            definition = get(instrument)
            mic = definition.mic.points or 0
            return Panel(f"{definition.short_name}: everyday function (lower is better)",
                         definition.short_name, definition.total_range,
                         (Series(definition.short_name, _measured(outcome)),), _band(outcome),
                         f"within {mic:g} points of baseline")
    return None


def painkiller_panel(progress: EpisodeProgress) -> Panel | None:
    points = progress.painkillers.points
    if not points:
        return None
    mme = tuple((p.label, p.opioid_mme_per_day) for p in points)
    return Panel("Painkillers", "days a week", (0, 7), (),
                 bars=tuple((p.label, float(p.days_per_week)) for p in points),
                 line_label="opioid MME/day",
                 line=mme if any(v for _, v in mme) else ())


def _key(panels: list[Panel], fmt: str, side_by_side: bool) -> str:
    body = json.dumps([asdict(p) for p in panels], sort_keys=True)
    digest = hashlib.sha256(f"{CHART_VERSION}|{fmt}|{side_by_side}|{body}".encode()).hexdigest()
    return f"outcomes-chart:{digest}"


def render(panels: list[Panel], fmt: str = "svg", *, side_by_side: bool = False) -> bytes:
    """The panels in one figure, stacked (for a page: a phone scrolls down) or side by side
    (for a printed page), as SVG or PNG bytes; cached."""
    key = _key(panels, fmt, side_by_side)
    cached = cache.get(key)
    if cached is None:
        cached = _draw(panels, fmt, side_by_side)
        cache.set(key, cached, CACHE_SECONDS)
    return bytes(cached)


def _draw(panels: list[Panel], fmt: str, side_by_side: bool) -> bytes:
    from matplotlib.figure import Figure  # imported on first use: it takes a while

    rows, columns = (1, len(panels)) if side_by_side else (len(panels), 1)
    fig = Figure(figsize=(WIDTH_IN * columns, PANEL_IN * rows), layout="constrained")
    for index, panel in enumerate(panels):
        ax = fig.add_subplot(rows, columns, index + 1)
        if panel.bars:
            _bars(ax, panel)
        else:
            _lines(ax, panel)
        ax.set_title(panel.title, loc="left", fontsize=FONT_PT + 1, color=INK)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    out = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {}
    fig.savefig(out, format=fmt, dpi=PNG_DPI if fmt == "png" else 72, metadata=metadata)
    return out.getvalue()


def _lines(a: Any, panel: Panel) -> None:
    import matplotlib.dates as mdates

    if panel.band is not None:
        low, high = panel.band
        a.axhspan(low, high, color="#9bb7d4", alpha=0.35, linewidth=0,
                  label=panel.band_label)
    for i, series in enumerate(panel.series):
        days = [dt.date.fromisoformat(d) for d, _ in series.points]
        a.plot(days, [v for _, v in series.points], color=COLOURS[i % 4],
               marker=MARKERS[i % 4], linestyle=DASHES[i % 4], linewidth=1.8, markersize=6,
               label=series.label)
    a.set_ylim(*panel.ylim)
    a.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=5))
    a.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b"))
    a.tick_params(labelsize=FONT_PT - 1)
    _legend(a, a.get_legend_handles_labels())


def _bars(a: Any, panel: Panel) -> None:
    labels = [label for label, _ in panel.bars]
    positions = range(len(labels))
    bars = a.bar(positions, [v for _, v in panel.bars], color="#9bb7d4", edgecolor=INK,
                 hatch="//", label="days a week with a painkiller")
    a.bar_label(bars, fmt="%g", fontsize=FONT_PT - 1, color=INK)
    a.set_ylim(0, 7.8)
    a.set_ylabel("days a week", fontsize=FONT_PT - 1)
    a.set_xticks(list(positions), labels, fontsize=FONT_PT - 1, rotation=30, ha="right")
    a.tick_params(labelsize=FONT_PT - 1)
    handles, names = a.get_legend_handles_labels()
    if panel.line:
        twin = a.twinx()
        twin.plot(list(positions), [v for _, v in panel.line], color=COLOURS[1], marker="s",
                  linestyle="--", linewidth=1.8, label=panel.line_label)
        twin.set_ylabel(panel.line_label, fontsize=FONT_PT - 1)
        twin.set_ylim(bottom=0)
        twin.tick_params(labelsize=FONT_PT - 1)
        more, more_names = twin.get_legend_handles_labels()
        handles, names = handles + more, names + more_names
    _legend(a, (handles, names))


def _legend(a: Any, found: tuple[list[Any], list[str]]) -> None:
    """Below the plot, where it hides no point."""
    handles, names = found
    a.legend(handles, names, fontsize=FONT_PT - 1, frameon=False, loc="upper left",
             bbox_to_anchor=(0, -0.14), ncols=2, borderaxespad=0)


def episode_charts(progress: EpisodeProgress, fmt: str = "svg", *, side_by_side: bool = False,
                   ) -> dict[str, bytes]:
    """The episode's charts that have data: "progress" (pain and function) and "painkillers"."""
    charts = {}
    measures = [p for p in (pain_panel(progress), function_panel(progress)) if p is not None]
    if measures:
        charts["progress"] = render(measures, fmt, side_by_side=side_by_side)
    painkillers = painkiller_panel(progress)
    if painkillers is not None:
        charts["painkillers"] = render([painkillers], fmt)
    return charts
