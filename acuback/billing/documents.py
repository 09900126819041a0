"""Billing documents: the superbill as PDF and CSV, the CMS-1500 data export, and the audit
pack (one PDF of everything a Medicare contractor asks for when it reviews a patient's claims).

PDFs are drawn with reportlab (pure Python, installed from PyPI) in DejaVu Sans, which
matplotlib ships, so that names in any Latin, Greek or Cyrillic spelling print. Rendering runs
in the request: acuback has no background task runner yet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from acuback.billing.models import ClaimLine, Payer
from acuback.billing.selectors import AuditPack, PackEpisode, Superbill
from acuback.clinical.cms1500 import ClaimData, Facility, ServiceLine, cms1500_forms
from acuback.visits.models import Visit

FONT, BOLD = "BillingSans", "BillingSans-Bold"
INK = colors.HexColor("#1f3a5f")
RULE = colors.HexColor("#c9d4e0")
WARN = colors.HexColor("#9b2c2c")
DOCUMENTS_VERSION = "billing-documents/acuback-1"


@cache
def _fonts() -> None:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    body = ParagraphStyle("body", parent=getSampleStyleSheet()["BodyText"], fontName=FONT,
                          fontSize=9.5, leading=12.5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=16, leading=20,
                                textColor=INK, spaceAfter=2),
        "h2": ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=11.5, leading=15,
                             textColor=INK, spaceBefore=8, spaceAfter=3),
        "h3": ParagraphStyle("h3", parent=body, fontName=BOLD, fontSize=10, leading=13,
                             spaceBefore=5, spaceAfter=2),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10,
                                textColor=colors.HexColor("#555555")),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "flag": ParagraphStyle("flag", parent=body, fontName=BOLD, textColor=WARN),
    }


def p(text: object, style: str = "body") -> Paragraph:
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped.replace("\n", "<br/>"), _styles()[style])


def table(header: list[str], rows: Iterable[list[object]], widths: list[float]) -> Table:
    cells = [[p(h, "cell") for h in header]] + [[p(c, "cell") for c in r] for r in rows]
    made = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1)
    made.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK), ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return made


def pdf(story: list[object], title: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=LETTER, title=title, author="acuback",
                                 leftMargin=16 * mm, rightMargin=16 * mm, topMargin=14 * mm,
                                 bottomMargin=14 * mm)
    document.build(story)  # type: ignore[arg-type]
    return buffer.getvalue()


def dollars(amount: Decimal | None) -> str:
    return "—" if amount is None else f"${amount:,.2f}"


def modifiers(line: ClaimLine) -> str:
    return line.modifier or ""


# --- the superbill ----------------------------------------------------------------------------


def _superbill_head(bill: Superbill) -> list[object]:
    details = bill.details
    clinic = (details.billing_name if details else "") or bill.clinic.name
    clinic_lines = [clinic]
    if details and details.address:
        clinic_lines.append(details.address)
    ids = [f"Group NPI {details.group_npi}" if details and details.group_npi else "",
           f"Tax ID {details.tax_id}" if details and details.tax_id else "",
           details.phone if details and details.phone else ""]
    patient, profile = bill.patient, bill.profile
    payer = profile.get_payer_display() if profile and profile.payer else "not recorded"
    member = f" · member ID {profile.member_id}" if profile and profile.member_id else ""
    return [
        p(bill.title, "title"), p("\n".join(clinic_lines)),
        p(" · ".join(i for i in ids if i), "small"), Spacer(1, 4),
        p("Patient", "h2"),
        p(f"{patient.full_name} · born {patient.date_of_birth:%-d %b %Y} · account "
          f"{patient.pk}\n{patient.address}".strip()),
        p(f"Payer: {payer}{member}"),
    ]


def _providers(bill: Superbill) -> list[object]:
    rows = [[r.name + (f", {r.credentials}" if r.credentials else ""), r.npi or "—",
             r.licence or "—", f"incident to {r.incident_to}" if r.incident_to else ""]
            for r in bill.providers]
    if not rows:
        return []
    return [p("Provider", "h2"), table(["treated by", "NPI", "licence", "billed"], rows,
                                       [62, 30, 40, 52])]


def _line_rows(lines: list[ClaimLine]) -> list[list[object]]:
    return [[f"{line.service_date:%m/%d/%Y}", line.code, line.short, modifiers(line),
             str(line.units), ", ".join(line.diagnoses), dollars(line.unit_charge),
             dollars(line.charge)] for line in lines]


def superbill_pdf(bill: Superbill) -> bytes:
    story = _superbill_head(bill) + _providers(bill)
    story += [p("Diagnoses (ICD-10-CM)", "h2")]
    story += [p(f"{code} {title}") for code, title in bill.diagnoses] or [p("None billed.")]
    story += [p("Services (CPT)", "h2")]
    if bill.lines:
        story.append(table(["date", "CPT", "service", "mod", "units", "dx", "per unit",
                            "charge"], _line_rows(bill.lines), [23, 14, 52, 12, 12, 18, 22,
                                                                 22]))
        notes = sorted({f"{line.modifier}: {line.modifier_why}" for line in bill.lines
                        if line.modifier})
        story += [p(n, "small") for n in notes]
    else:
        story.append(p("No claim line in this period."))
    if bill.unsigned:
        story.append(p(f"{bill.unsigned} visit(s) in this period are not signed yet: an "
                       "unsigned visit has no claim line.", "flag"))
    for line in bill.held:
        story.append(p(f"Held back ({line.code}, {line.service_date:%-d %b %Y}): "
                       + "; ".join(line.hold_reasons), "flag"))
    story += [p("Payments received", "h2")]
    story += [table(["received", "method", "reference", "amount"],
                    [[f"{x.received_on:%m/%d/%Y}", x.get_method_display(), x.reference,
                      dollars(x.amount)] for x in bill.payments], [30, 40, 70, 36])
              ] if bill.payments else [p("None.")]
    story += [Spacer(1, 6), table(["total charges", "paid", "balance"], [[
        dollars(bill.total_charges), dollars(bill.total_paid), dollars(bill.balance)]],
        [60, 60, 60])]
    story.append(p("CPT codes with our own short descriptions. Made by acuback "
                   f"({DOCUMENTS_VERSION}).", "small"))
    return pdf(story, bill.title)


CSV_HEADER = ["kind", "date", "patient", "born", "account", "payer", "member_id", "provider",
              "npi", "rendering_npi", "incident_to", "diagnoses", "cpt", "modifier", "units",
              "unit_charge", "charge", "billable", "held_because", "amount", "versions"]


def superbill_csv(bill: Superbill) -> str:
    """One row per claim line, one per payment, and a total row."""
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow(list(CSV_HEADER))
    patient = bill.patient
    who = [patient.full_name, patient.date_of_birth.isoformat(), patient.pk,
           bill.profile.payer if bill.profile else "",
           bill.profile.member_id if bill.profile else ""]
    for line in bill.lines:
        user = line.practitioner
        profile = getattr(user, "practitioner", None)
        writer.writerow(["line", line.service_date.isoformat(), *who,
                         user.get_full_name() or user.username, profile.npi if profile else "",
                         line.rendering_npi, line.supervisor_name if line.incident_to else "",
                         " ".join(line.diagnoses), line.code, line.modifier, line.units,
                         line.unit_charge or "", line.charge or "", line.billable,
                         "; ".join(line.hold_reasons), "",
                         " ".join(f"{k}={v}" for k, v in sorted(line.versions.items()))])
    for payment in bill.payments:
        writer.writerow(["payment", payment.received_on.isoformat(), *who, *[""] * 12,
                         payment.amount, ""])
    writer.writerow(["total", "", *who, *[""] * 9, bill.total_charges, "", "",
                     bill.total_paid, f"balance={bill.balance}"])
    return out.getvalue()


class _SafeWriter:
    """A csv writer whose text cells cannot run as a spreadsheet formula: a cell starting
    with =, +, - or @ (and not a number) gets a leading ' (OWASP, CSV injection)."""

    def __init__(self, out: io.StringIO) -> None:
        self.writer = csv.writer(out)

    def writerow(self, row: list[object]) -> None:
        self.writer.writerow([_safe(cell) for cell in row])


def _safe(cell: object) -> object:
    if not isinstance(cell, str) or cell[:1] not in ("=", "+", "-", "@"):
        return cell
    try:
        Decimal(cell)
    except ArithmeticError:
        return "'" + cell
    return cell


# --- CMS-1500 ---------------------------------------------------------------------------------


def _sex(patient: object) -> str:
    return {"female": "F", "male": "M"}.get(str(getattr(patient, "sex", "")), "")


def cms1500_claims(bill: Superbill) -> list[dict[str, object]]:
    """One CMS-1500 claim per visit of the superbill's billable Medicare lines."""
    details = bill.details
    facility = Facility(
        name=(details.billing_name if details else "") or bill.clinic.name,
        address=details.address if details else "", phone=details.phone if details else "",
        npi=details.group_npi if details else "", tax_id=details.tax_id if details else "")
    by_visit: dict[int, list[ClaimLine]] = {}
    for line in bill.lines:
        if line.to_medicare and line.billable and line.payer == Payer.MEDICARE:
            by_visit.setdefault(line.visit_id, []).append(line)
    paid: dict[int | None, Decimal] = {}
    for payment in bill.payments:
        paid[payment.visit_id] = paid.get(payment.visit_id, Decimal("0")) + payment.amount
    claims = []
    for visit_id, lines in by_visit.items():
        first = lines[0]
        user = first.practitioner
        claim = ClaimData(
            account=str(bill.patient.pk),
            insured_id=bill.profile.member_id if bill.profile else "",
            family_name=bill.patient.family_name, given_name=bill.patient.given_name,
            born=bill.patient.date_of_birth, sex=_sex(bill.patient),
            address=bill.patient.address, onset=first.episode.onset_date,
            diagnoses=tuple(first.diagnoses),
            lines=tuple(ServiceLine(x.service_date, x.code,
                                    (x.modifier,) if x.modifier else (), x.units,
                                    x.unit_charge or Decimal("0"), x.rendering_npi)
                        for x in lines),
            facility=facility, signed_by=user.get_full_name() or user.username,
            signed_on=first.derived_at.date(),
            supervisor_name=first.supervisor_name if first.incident_to else "",
            supervisor_npi=first.rendering_npi if first.incident_to else "",
            amount_paid=paid.get(visit_id, Decimal("0")))
        claims.append({"visit_id": visit_id, "forms": cms1500_forms(claim)})
    return claims


# --- the audit pack ---------------------------------------------------------------------------


def _pack_head(pack: AuditPack) -> list[object]:
    patient, details = pack.patient, pack.details
    clinic = (details.billing_name if details else "") or patient.clinic.name
    member = pack.profile.member_id if pack.profile and pack.profile.member_id else "not recorded"
    return [
        p("Medical records for review", "title"),
        p(f"{clinic} · {patient.full_name}, born {patient.date_of_birth:%-d %b %Y} · "
          f"Medicare ID {member}"),
        p(f"Visits from {pack.since:%-d %b %Y} to {pack.until:%-d %b %Y}. Prepared by "
          f"{pack.generated_by} on {pack.generated_at:%-d %b %Y}.", "small"),
        p("Contents: each episode of care and the evidence that it is chronic low back pain "
          "as Medicare NCD 30.3.3 defines it; each visit note as signed, with its addenda and "
          "corrections beside it; the outcome measures behind every visit billed on "
          "documented improvement (KX); every claim line, including those replaced.", "small"),
    ]


def _eligibility(item: PackEpisode) -> list[object]:
    episode, screen = item.episode, item.screening
    first = item.visits[0] if item.visits else None
    days = (first.started_at.date() - episode.onset_date).days if first else None
    screened = ("never screened" if screen is None else
                f"{screen.screened_on:%-d %b %Y}: {screen.get_decision_display().lower()}, "  # type: ignore[attr-defined]
                + ("no sign of a specific cause" if screen.nonspecific  # type: ignore[attr-defined]
                   else "a specific cause suspected"))
    rows = [
        ["Diagnosis", f"{episode.icd10_code} {item.code_title} (ICD-10-CM "
                      f"{episode.icd10_version})" + ("" if item.in_ncd_list else
                                                     " — not a chronic low back pain code")],
        ["Pain began", f"{episode.onset_date:%-d %b %Y}" + (
            f"; {days} days (12 weeks = 84) before the first visit in this period" if days
            is not None else "")],
        ["Red-flag screen", screened],
        ["Associated with surgery", "yes" if episode.surgery_associated else "no"],
        ["Associated with pregnancy", "yes" if episode.pregnancy_associated else "no"],
    ]
    judged = next((x.coverage for x in item.lines if x.superseded_at is None), None)
    if judged:
        result = judged.get("coverage", {})
        verdict = ("eligible" if result.get("eligible") else
                   "not eligible: " + "; ".join(result.get("reasons", [])))
        rows.append(["NCD 30.3.3", verdict])
    return [p(f"Episode: {episode.get_region_display()} back pain, opened "
              f"{episode.opened_on:%-d %b %Y}", "h2"),
            table(["", ""], rows, [45, 135])]


def _visit_note(visit: Visit) -> list[object]:
    from acuback.visits.content import visit_integrity

    who = visit.practitioner.get_full_name() or visit.practitioner.username
    status = (f"signed {visit.signed_at:%-d %b %Y %H:%M}" if visit.signed_at else "not signed")
    story: list[object] = [p(f"Visit {visit.number} · {visit.started_at:%-d %b %Y} · {who} · "
                             f"{status}", "h3")]
    integrity = visit_integrity(visit)
    if not integrity.ok:
        story.append(p("The stored record no longer matches its signature: "
                       + " ".join(integrity.problems), "flag"))
    for label, text in (("Subjective", visit.subjective), ("Objective", visit.objective),
                        ("Assessment", visit.assessment), ("Plan", visit.plan_note)):
        if text:
            story.append(p(f"{label}: {text}"))
    points = ", ".join(f"{pt.label} ({pt.side})" for pt in visit.points.all())
    cpt = ", ".join(f"{x['code']}×{x['units']}" for x in visit.cpt.get("lines", []))
    story.append(p(f"Points: {points or 'none'}. Needles in/out: {visit.needles_in}/"
                   f"{visit.needles_out}. Face-to-face minutes: {visit.minutes_without_estim} "
                   f"without e-stim, {visit.minutes_with_estim} with. CPT: {cpt or 'none'}. "
                   f"Pain before/after: {_tri(visit.pain_before)}/{_tri(visit.pain_after)}.",
                   "small"))
    for amendment in visit.amendments.all():
        author = amendment.author.get_full_name() or amendment.author.username
        section = f" of {amendment.section}" if amendment.section else ""
        story.append(p(f"{amendment.get_kind_display()}{section} by {author}, "
                       f"{amendment.at:%-d %b %Y %H:%M} — why: {amendment.reason}"
                       + (f"\n{amendment.text}" if amendment.text else ""), "cell"))
    return story


def _tri(value: object) -> str:
    return "not asked" if value is None else str(value)


def _evidence(line: ClaimLine) -> list[object]:
    improvement = line.coverage.get("improvement", {})
    story: list[object] = [p(f"Visit of {line.service_date:%-d %b %Y}, billed {line.code} "
                             f"KX: {improvement.get('why', '')}", "h3")]
    rows = []
    for outcome in improvement.get("evidence", []):
        base = outcome.get("baseline") or {}
        for follow in outcome.get("follow_ups", []):
            change = follow.get("change", {})
            rows.append([outcome["instrument"], f"{base.get('taken_on', '—')}: "
                         f"{base.get('total', '—')}", f"{follow['taken_on']}: {follow['total']}",
                         change.get("verdict") or "—"])
    if rows:
        story.append(table(["measure", "baseline", "follow-up", "verdict"], rows,
                           [30, 50, 50, 50]))
    return story


def _claim_rows(lines: list[ClaimLine]) -> list[list[object]]:
    return [[f"{x.service_date:%m/%d/%Y}", f"{x.code}×{x.units}", x.modifier or "",
             x.modifier_why, "yes" if x.billable else "held: " + "; ".join(x.hold_reasons),
             f"{x.derivation}: {x.trace}" + (f" (replaced: {x.superseded_why})"
                                             if x.superseded_at else "")]
            for x in lines]


def audit_pack_pdf(pack: AuditPack) -> bytes:
    story = _pack_head(pack)
    if not pack.episodes:
        story.append(p("No visit in this period."))
    for item in pack.episodes:
        story += _eligibility(item)
        story.append(p("Visit notes", "h2"))
        for visit in item.visits:
            story += _visit_note(visit)
        decisions = item.improving_decisions
        story.append(p("Outcome measures behind each \"improving\" decision", "h2"))
        story += [x for line in decisions for x in _evidence(line)] or [
            p("No visit of this episode was billed on documented improvement.")]
        story.append(p("Claim lines", "h2"))
        story.append(table(["date", "CPT", "mod", "why", "billable", "derived"],
                           _claim_rows(item.lines), [23, 16, 11, 55, 29, 50])
                     if item.lines else p("None."))
    story.append(p(f"Made by acuback ({DOCUMENTS_VERSION}).", "small"))
    return pdf(story, f"Medical records of {pack.patient.full_name}")
