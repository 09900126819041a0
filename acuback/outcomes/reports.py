"""PDF reports of an episode, drawn with reportlab (pure Python: `make` installs it from PyPI,
no system libraries): a progress report for the patient, their physician or an insurer, and
the re-assessment at visit 12 and every 10 visits after.

The re-assessment follows the Medicare therapy progress-report model (Benefit Policy Manual
ch. 15, 220.3): what was measured against each goal since care began, and the plan from here
(continue, change or stop), signed by the practitioner.

Rendering runs in the request for now, in one function (`report_pdf`): acuback has no
background task runner yet. When one lands, queue `report_pdf` through it.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import models
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from acuback.clinical.claims import number
from acuback.clinical.instruments import get
from acuback.clinical.outcomes import InstrumentOutcome
from acuback.outcomes.charts import episode_charts
from acuback.outcomes.presenting import (
    GOAL_WORDS,
    RECOMMENDATION_WORDS,
    describe_change,
    improvement_words,
    measure_name,
)
from acuback.outcomes.selectors import EpisodeOutcome
from acuback.outcomes.words import patient_progress
from acuback.patients.models import Patient
from acuback.visits.models import Visit

REPORT_VERSION = "reports/acuback-1"
FONT, BOLD = "AcubackSans", "AcubackSans-Bold"
INK = colors.HexColor("#1f3a5f")
RULE = colors.HexColor("#c9d4e0")


class Audience(models.TextChoices):
    PATIENT = "patient", "the patient"
    PHYSICIAN = "physician", "the patient's physician"
    INSURER = "insurer", "the patient's insurer"


class ReportKind(models.TextChoices):
    PROGRESS = "progress", "Progress report"
    REASSESSMENT = "reassessment", "Re-assessment"


@dataclass(frozen=True)
class ReportData:
    outcome: EpisodeOutcome
    patient: Patient
    clinic: str
    visits: list[Visit]  # every visit of the episode, entered in error too (marked)
    generated_on: dt.date
    generated_by: str


@cache
def _fonts() -> None:
    """DejaVu Sans (shipped with matplotlib) so that names in any Latin, Greek or Cyrillic
    spelling print; reportlab's built-in fonts stop at Latin-1."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=9.5,
                          leading=12.5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=16, leading=20,
                                textColor=INK, spaceAfter=2),
        "h2": ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=11.5, leading=15,
                             textColor=INK, spaceBefore=8, spaceAfter=3),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10,
                                textColor=colors.HexColor("#555555")),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "flag": ParagraphStyle("flag", parent=body, fontName=BOLD,
                               textColor=colors.HexColor("#9b2c2c")),
    }


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(_escape(text), _styles()[style])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    cells = [[_p(h, "cell") for h in header]] + [[_p(c, "cell") for c in r] for r in rows]
    table = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _chart(png: bytes, width_mm: float = 165) -> Image:
    image = Image(io.BytesIO(png))
    scale = width_mm * mm / image.imageWidth
    image.drawWidth, image.drawHeight = width_mm * mm, image.imageHeight * scale
    return image


# --- sections -----------------------------------------------------------------------------


def _heading(data: ReportData, title: str, audience: str | None) -> list[object]:
    episode, patient = data.outcome.episode, data.patient
    lines = [
        _p(title, "title"),
        _p(f"{data.clinic} · {patient.full_name}, born {patient.date_of_birth:%-d %b %Y}"),
        _p(f"{episode.get_region_display()} back pain since {episode.onset_date:%-d %b %Y} "
           f"(ICD-10-CM {episode.icd10_code}) · episode opened {episode.opened_on:%-d %b %Y} · "
           f"{episode.get_status_display().lower()}"
           + (f" {episode.closed_on:%-d %b %Y}" if episode.closed_on else "")),
    ]
    if audience:
        lines.append(_p(f"Prepared for {audience} on {data.generated_on:%-d %b %Y} by "
                        f"{data.generated_by}.", "small"))
    return [*lines, Spacer(1, 4)]


def _summary(data: ReportData, plain: bool = False) -> list[object]:
    progress = data.outcome.progress
    said = "" if plain else f" {improvement_words(progress)}"
    parts = [_p("Summary", "h2"), _p(f"{progress.visits_held} treatment(s) so far.{said}")]
    worse = progress.worse_than_baseline
    if worse:
        parts.append(_p("Worse than at baseline: " + ", ".join(measure_name(w) for w in worse)
                        + ".", "flag"))
    return parts


def _measures(data: ReportData) -> list[object]:
    progress = data.outcome.progress
    outcomes: list[InstrumentOutcome] = list(progress.instruments)
    if progress.visit_pain_outcome is not None:
        outcomes.append(progress.visit_pain_outcome)
    if not outcomes:
        return [_p("Measures", "h2"), _p("No questionnaire or pain rating is recorded yet.")]
    rows = []
    for o in outcomes:
        name = ("Pain before needling (NRS)" if o is progress.visit_pain_outcome
                else get(o.instrument).short_name)
        rows.append([name, *describe_change(o)])
    parts: list[object] = [_p("Measures: baseline against latest", "h2"), _table(
        ["measure", "baseline", "latest", "change", "points / % of baseline", "verdict"],
        rows, [34, 24, 24, 28, 34, 22])]
    charts = episode_charts(progress, "png", side_by_side=True)
    if "progress" in charts:
        parts += [Spacer(1, 4), _chart(charts["progress"])]
    return parts


def _plain_measures(data: ReportData) -> list[object]:
    lines = patient_progress(data.outcome)
    parts: list[object] = [_p("How you are doing", "h2")]
    parts += [_p(f"{line.name}. {line.words}") for line in lines] or [
        _p("Nothing measured yet.")]
    charts = episode_charts(data.outcome.progress, "png", side_by_side=True)
    if "progress" in charts:
        parts += [Spacer(1, 4), _chart(charts["progress"])]
    return parts


def _goals(data: ReportData) -> list[object]:
    goals = data.outcome.progress.goals
    if not goals:
        return [_p("Goals", "h2"), _p("No goals recorded in the plan.")]
    rows = [[g.words, number(g.baseline), number(g.latest),
             "—" if g.progress_percent is None else f"{number(g.progress_percent)} %",
             GOAL_WORDS[g.status]] for g in goals]
    return [_p("Goals", "h2"), _table(["goal", "baseline", "latest", "of the way", "status"],
                                      rows, [60, 22, 22, 26, 36])]


def _painkillers(data: ReportData) -> list[object]:
    pk = data.outcome.progress.painkillers
    if not pk.points:
        return [_p("Painkillers", "h2"), _p("No painkillers recorded.")]
    rows = [[p.label, "" if p.on is None else f"{p.on:%-d %b %Y}", str(p.days_per_week),
             number(p.opioid_mme_per_day), ", ".join(p.drugs) or "none"] for p in pk.points]
    parts: list[object] = [_p("Painkillers", "h2"), _table(
        ["when", "date", "days a week", "opioid MME/day", "taken"], rows, [24, 26, 24, 28, 64])]
    if pk.verdict is not None:
        parts.append(_p(f"Since the first record: {pk.verdict.value.replace('_', ' ')} "
                        f"({pk.why})."))
    charts = episode_charts(data.outcome.progress, "png")
    if "painkillers" in charts:
        parts.append(_chart(charts["painkillers"], 90))
    return parts


def _adverse_events(data: ReportData, plain: bool = False) -> list[object]:
    safety = data.outcome.progress.safety
    head = _p("Adverse events", "h2")
    if not safety.events:
        return [head, _p(f"None recorded in {safety.treatments} treatment(s).")]
    rows = []
    for visit in sorted(data.visits, key=lambda v: v.number):
        for event in visit.adverse_events.all():
            if event.in_error_at is None:
                rows.append([f"visit {visit.number}", f"{event.onset_at:%-d %b %Y}",
                             event.get_kind_display(), event.get_severity_display(),
                             "yes" if event.serious else "no", event.get_outcome_display()])
    rate = safety.rate
    words = "" if rate is None or plain else (
        f" ({number(rate.rate)} per 1,000 treatments, 95 % CI {number(rate.ci[0])}-"
        f"{number(rate.ci[1])})")
    return [head, _p(f"{safety.events} event(s) in {safety.treatments} treatment(s){words}."),
            _table(["at", "date", "event", "severity", "serious", "outcome"], rows,
                   [20, 24, 48, 22, 18, 34])]


def _visits(data: ReportData) -> list[object]:
    rows = []
    for visit in sorted(data.visits, key=lambda v: v.number):
        in_error = any(a.kind == "entered_in_error" for a in visit.amendments.all())
        rows.append([str(visit.number), f"{visit.started_at:%-d %b %Y}",
                     visit.practitioner.get_full_name() or visit.practitioner.username,
                     _pain(visit), "entered in error" if in_error else visit.get_status_display()])
    if not rows:
        return [_p("Visits", "h2"), _p("No visits yet.")]
    return [_p("Visits", "h2"), _table(["#", "date", "practitioner", "pain before/after", "record"],
                                       rows, [10, 26, 56, 34, 40])]


def _pain(visit: Visit) -> str:
    before = "—" if visit.pain_before is None else str(visit.pain_before)
    after = "—" if visit.pain_after is None else str(visit.pain_after)
    return f"{before} / {after}"


def _addenda(data: ReportData) -> list[object]:
    rows = [[f"visit {v.number}", f"{a.at:%-d %b %Y}", a.get_kind_display(),
             a.author.get_full_name() or a.author.username, a.text or a.reason]
            for v in sorted(data.visits, key=lambda v: v.number) for a in v.amendments.all()]
    if not rows:
        return []
    return [_p("Addenda and corrections", "h2"),
            _table(["to", "date", "kind", "by", "text"], rows, [18, 24, 26, 34, 64])]


def _coverage(data: ReportData) -> list[object]:
    progress = data.outcome.progress
    status = progress.improvement.status
    kx = ("documented: visits 13 to 20 may be billed with the KX modifier" if status and
          status.value == "improving" else "not documented: visits past the first 12 are not "
          "covered")
    return [_p("Medicare NCD 30.3.3", "h2"),
            _p(f"Improvement {kx}. {progress.improvement.why.capitalize()}.")]


def _recommendation(data: ReportData) -> list[object]:
    progress = data.outcome.progress
    advice = progress.advice
    head = ("No recommendation yet" if advice.recommendation is None
            else RECOMMENDATION_WORDS[advice.recommendation])
    return [_p("Recommendation", "h2"), _p(head, "flag" if advice.recommendation and
                                           advice.recommendation.value == "stop" else "body"),
            _p(advice.why), _p(f"Next re-assessment at visit {progress.next_reassessment_visit}.")]


def _schedule(data: ReportData) -> list[object]:
    progress = data.outcome.progress
    if progress.reassessment_due:
        return [_p("A scheduled re-assessment (visit 12, then every 10 visits).", "small")]
    return [_p(f"Visit {progress.visits_held} is between scheduled re-assessments; the next "
               f"is at visit {progress.next_reassessment_visit}.", "small")]


def _signature(data: ReportData) -> list[object]:
    return [Spacer(1, 14), KeepTogether([
        _p("Practitioner's signature: ______________________________    Date: ____________"),
        _p(f"Prepared by {data.generated_by} on {data.generated_on:%-d %b %Y}.", "small")])]


def _versions(data: ReportData) -> list[object]:
    versions = data.outcome.progress.versions
    instruments = ", ".join(str(v) for v in versions["instruments"].values())
    return [Spacer(1, 8), _p(
        f"Computed by acuback with {REPORT_VERSION}, {versions['progress_rules']}, "
        f"{versions['outcome_rules']}, {versions['change_rules']}, "
        f"{data.outcome.ledger.claims_version}; instruments: {instruments or 'none'}.", "small")]


def _footer(c: Any, doc: Any) -> None:
    c.saveState()
    c.setFont(FONT, 7.5)
    c.setFillColor(colors.HexColor("#777777"))
    c.drawString(18 * mm, 10 * mm, "acuback · confidential patient information")
    c.drawRightString(192 * mm, 10 * mm, f"page {c.getPageNumber()}")
    c.restoreState()


def report_pdf(kind: str, data: ReportData, audience: str = Audience.PHYSICIAN) -> bytes:
    """The report as PDF bytes. The one place a report is rendered (see the module docstring
    on background rendering)."""
    _fonts()
    if kind == ReportKind.REASSESSMENT:
        visit = data.outcome.progress.visits_held
        story = [*_heading(data, f"Re-assessment at visit {visit}", None), *_schedule(data),
                 *_summary(data),
                 *_goals(data), *_measures(data), *_painkillers(data), *_adverse_events(data),
                 *_recommendation(data), *_signature(data), *_versions(data)]
    else:
        label, plain = Audience(audience).label, audience == Audience.PATIENT
        middle = _plain_measures(data) if plain else _measures(data)
        story = [*_heading(data, "Progress report", label), *_summary(data, plain), *middle,
                 *_goals(data), *_painkillers(data), *_adverse_events(data, plain),
                 *_visits(data), *_addenda(data)]
        if audience == Audience.INSURER:
            story += _coverage(data)
        story += _versions(data)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm,
                            title=f"{ReportKind(kind).label}: {data.patient.full_name}",
                            author=data.clinic, creator="acuback", invariant=True)
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()


@dataclass(frozen=True)
class Report:
    filename: str
    pdf: bytes


def report_for(*, actor: Any, episode_id: object, kind: str, audience: str) -> Report:
    """Read, render and audit one report: scoped like any read of the episode (404 outside
    the clinic, 403 for roles without clinical access), and recorded as an export."""
    from acuback.audit.models import Action, Outcome
    from acuback.audit.services import audit_record
    from acuback.outcomes.selectors import outcome_get
    from acuback.visits.selectors import visits_of_episode

    what = f"{kind}_report"
    outcome = outcome_get(actor=actor, episode_id=episode_id, what=what)
    episode = outcome.episode
    data = ReportData(outcome, episode.patient, episode.clinic.name,
                      visits_of_episode(actor=actor, episode=episode),
                      outcome.progress.today, actor.get_full_name() or actor.username)
    pdf = report_pdf(kind, data, audience)
    audit_record(actor=actor, action=Action.EXPORT, object_type=what, object_id=episode.pk,
                 outcome=Outcome.OK, clinic_id=episode.clinic_id,
                 detail={"audience": audience if kind == ReportKind.PROGRESS else None,
                         "bytes": len(pdf), "version": REPORT_VERSION})
    return Report(f"{kind}-episode-{episode.pk}-{data.generated_on:%Y%m%d}.pdf", pdf)
