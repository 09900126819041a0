"""The superbill (PDF, CSV), the CMS-1500 data and the audit pack, read back: each PDF is
rendered to PNG with pypdfium2 and its text checked for what a payer or a reviewer needs."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.utils import timezone

from acuback.billing import documents, selectors
from acuback.billing.models import AbnOption
from acuback.billing.services import (
    AbnInput,
    ClinicBillingInput,
    PaymentInput,
    abn_record,
    clinic_billing_set,
    payment_record,
)
from acuback.visits.signing import visit_amend
from tests.billing.factories import (
    MBI,
    SUPERVISOR_NPI,
    course,
    credential,
    measure,
    medicare_episode,
    set_fees,
    visit_on,
)
from tests.personas import World

FIRST = dt.date(2026, 3, 2)
SHOTS = Path("/tmp/shots")  # noqa: S108 - for a person to look at


@pytest.fixture
def claims(world: World):  # noqa: ANN201
    """14 visits: 12 covered, visit 13 KX on documented improvement, visit 14 GA after the
    patient got worse and signed an ABN; a correction of visit 2; a payment."""
    credential(world.practitioner)
    set_fees(world)
    clinic_billing_set(actor=world.owner, version=1, data=ClinicBillingInput(
        billing_name="Riverside Acupuncture LLC", address="1 River Rd, Portland OR 97201",
        phone="503-555-0100", group_npi="1234567893", tax_id="12-3456789"))
    episode = medicare_episode(world)
    measure(world, episode, FIRST - dt.timedelta(days=1), 7, "baseline")
    visits = course(world, episode, FIRST, 12)
    measure(world, episode, FIRST + dt.timedelta(days=35), 4)
    visits.append(visit_on(world, episode, FIRST + dt.timedelta(days=36)))
    measure(world, episode, FIRST + dt.timedelta(days=38), 8)
    day = FIRST + dt.timedelta(days=39)
    abn_record(actor=world.front_desk, episode=episode, data=AbnInput(
        signed_on=day, covers_until=day + dt.timedelta(days=30),
        option=AbnOption.BILL_MEDICARE, reason="Pain worse than at the start"))
    visits.append(visit_on(world, episode, day))
    visit_amend(actor=world.practitioner, visit=visits[1], kind="correction",
                section="subjective", text="Pain since May, not June.", reason="Wrong month")
    payment_record(actor=world.front_desk, patient=episode.patient, data=PaymentInput(
        received_on=timezone.localdate(), amount="50.00", method="card",
        visit_id=visits[-1].pk))
    return world, episode, visits


def pdf_text(data: bytes, name: str) -> str:
    """Every page rendered to PNG (kept in /tmp/shots) and its text, joined."""
    document = pdfium.PdfDocument(data)
    SHOTS.mkdir(parents=True, exist_ok=True)
    texts = []
    for index in range(len(document)):
        page = document[index]
        image = page.render(scale=1.5).to_pil()
        assert image.size[0] > 800 and image.getextrema() != ((255, 255), (255, 255),
                                                                (255, 255))
        image.save(SHOTS / f"{name}-{index + 1}.png")
        texts.append(page.get_textpage().get_text_range())
    return "\n".join(texts).replace("\r", "")


def period_bill(world: World, episode: object) -> selectors.Superbill:
    return selectors.superbill_of_period(actor=world.front_desk, patient=episode.patient,  # type: ignore[attr-defined]
                                         since=FIRST, until=timezone.localdate())


def test_it_prints_a_superbill_with_provider_codes_modifiers_charges_and_balance(claims) -> None:  # noqa: ANN001
    world, episode, _ = claims
    text = pdf_text(documents.superbill_pdf(period_bill(world, episode)), "superbill")
    for needed in ("Riverside Acupuncture LLC", "Group NPI 1234567893", "Mary Shelley",
                   f"member ID {MBI.replace('-', '')}", "Pat Lin, LAc", "1234567893",
                   "AC-1 (OR)", "incident to Dr Ruth Osler", "M54.50 Low back pain",
                   "97810", "KX", "GA", "$85.00", "$1,190.00", "$50.00", "$1,140.00"):
        assert needed in text, needed


def test_it_prints_one_visits_superbill_with_only_its_lines_and_payments(claims) -> None:  # noqa: ANN001
    world, _, visits = claims
    bill = selectors.superbill_of_visit(actor=world.front_desk, visit=visits[-1])
    text = pdf_text(documents.superbill_pdf(bill), "superbill-visit")
    assert "GA" in text and "$35.00" in text  # 85 charged, 50 paid
    assert "KX" not in text


def test_it_writes_the_superbill_as_csv_with_lines_payments_and_totals(claims) -> None:  # noqa: ANN001
    world, episode, _ = claims
    rows = list(csv.DictReader(io.StringIO(documents.superbill_csv(period_bill(world,
                                                                                episode)))))
    kinds = [r["kind"] for r in rows]
    assert (kinds.count("line"), kinds.count("payment"), kinds[-1]) == (14, 1, "total")
    assert [r["modifier"] for r in rows if r["kind"] == "line"][-2:] == ["KX", "GA"]
    assert rows[-1]["charge"] == "1190.00" and rows[-1]["versions"] == "balance=1140.00"
    assert "coverage_rules=ncd-30.3.3/acuback-1" in rows[0]["versions"]


def test_it_defuses_a_cell_a_spreadsheet_would_run_as_a_formula(claims) -> None:  # noqa: ANN001
    world, episode, _ = claims
    type(episode.patient).objects.filter(pk=episode.patient_id).update(given_name="=HYPERLINK(1)")
    episode.patient.refresh_from_db()
    text = documents.superbill_csv(period_bill(world, episode))
    assert "'=HYPERLINK(1) Shelley" in text


def test_it_exports_cms1500_fields_from_the_claim_lines(claims) -> None:  # noqa: ANN001
    world, episode, visits = claims
    forms = {c["visit_id"]: c["forms"][0] for c in documents.cms1500_claims(
        period_bill(world, episode))}
    ga = forms[visits[-1].pk]
    line = ga["24"][0]
    assert (ga["1a"], ga["21"], ga["17_qualifier"], ga["17b"], ga["25"], ga["33a"]) == (
        MBI.replace("-", ""), {"A": "M5450"}, "DQ", SUPERVISOR_NPI, "123456789", "1234567893")
    assert (line["24D_code"], line["24D_modifiers"], line["24F"], line["24J"]) == (
        "97810", ["GA"], "85.00", SUPERVISOR_NPI)
    assert ga["29"] == "50.00"
    assert len(forms) == 14


def test_it_puts_only_billable_medicare_lines_on_a_cms1500(world: World) -> None:
    credential(world.practitioner)
    set_fees(world)
    episode = medicare_episode(world, payer="")
    visit_on(world, episode, FIRST)
    assert documents.cms1500_claims(period_bill(world, episode)) == []


def test_it_packs_the_records_a_reviewer_asks_for(claims) -> None:  # noqa: ANN001
    world, episode, visits = claims
    pack = selectors.audit_pack(actor=world.practitioner, patient=episode.patient,
                                since=FIRST, until=timezone.localdate())
    text = pdf_text(documents.audit_pack_pdf(pack), "audit-pack")
    for needed in (
            "Medical records for review", "Mary Shelley", "M54.50 Low back pain",
            "Pain began 2 Jun 2025", "273 days (12 weeks = 84)", "Red-flag screen",
            "no sign of a specific cause", "NCD 30.3.3", "eligible",
            "Visit 1 ·", "Visit 14 ·", "Back stiff in the mornings.",
            "Correction of subjective", "Wrong month", "Pain since May, not June.",
            "Outcome measures behind each", "billed 97810 KX", "improved by the minimal",
            "nrs", "2026-03-01: 7.0", "2026-04-06: 4.0", "improved",
            "Claim lines", "correction of subjective", "replaced"):
        assert needed in text, needed


def test_it_says_so_when_the_period_holds_no_visit(claims) -> None:  # noqa: ANN001
    world, episode, _ = claims
    pack = selectors.audit_pack(actor=world.practitioner, patient=episode.patient,
                                since=dt.date(2020, 1, 1), until=dt.date(2020, 2, 1))
    assert "No visit in this period." in pdf_text(documents.audit_pack_pdf(pack), "empty-pack")
