"""The billing pages: what each shows, to whom, and the forms behind them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from acuback.billing.models import Abn, BillingProfile, ClaimLine, Fee, Payment
from tests.billing.factories import course, credential, measure, medicare_episode, set_fees
from tests.personas import World

# The pages judge today: 150 days back puts today past the 12 visits and their 90 days, and
# inside the benefit year that began with them, whatever day the suite runs.
FIRST = timezone.localdate() - dt.timedelta(days=150)


@pytest.fixture
def billed(world: World):  # noqa: ANN201
    credential(world.practitioner)
    set_fees(world)
    episode = medicare_episode(world)
    measure(world, episode, FIRST - dt.timedelta(days=1), 7, "baseline")
    visits = course(world, episode, FIRST, 12)
    return world, episode, visits


def page(client, url: str, status: int = 200) -> str:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_it_shows_front_desk_the_patients_billing_without_clinical_content(
        billed, client_for) -> None:  # noqa: ANN001
    world, episode, visits = billed
    html = page(client_for("front_desk"), reverse("billing_patient", args=[episode.patient_id]))
    assert "Medicare is expected not to pay" in html
    assert "97810" in html and "M54.50" in html
    assert 'data-testid="evidence"' not in html  # no outcome scores
    assert "Audit pack" not in html
    assert "Back stiff in the mornings" not in html  # the visit note


def test_it_shows_a_clinician_the_outcome_evidence_and_the_audit_pack(billed, client_for) -> None:  # noqa: ANN001
    world, episode, _ = billed
    measure(world, episode, FIRST + dt.timedelta(days=20), 6)
    html = page(client_for("practitioner"), reverse("billing_patient",
                                                    args=[episode.patient_id]))
    assert 'data-testid="evidence"' in html and "NRS: baseline 7.0" in html
    assert 'data-testid="audit-pack"' in html


def test_it_shows_coverage_on_the_episode_page(billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    html = page(client_for("practitioner"), reverse("episode_detail", args=[episode.pk]))
    assert 'data-testid="coverage-panel"' in html
    assert 'data-testid="visits-used">12 of 20' in html
    assert 'data-testid="visits-remaining">8' in html
    assert "Re-assessment overdue" in html
    assert reverse("abn_new", args=[episode.pk]) in html


def test_it_says_on_the_episode_page_why_the_next_visit_is_not_covered(billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    html = page(client_for("practitioner"), reverse("episode_detail", args=[episode.pk]))
    assert 'data-testid="coverage-abn_needed"' in html
    assert ("not covered: visit 13 is past the first 12, and it needs documented improvement"
            in html)


def test_it_says_on_the_episode_page_when_the_next_visit_needs_kx(billed, client_for) -> None:  # noqa: ANN001
    world, episode, _ = billed
    measure(world, episode, FIRST + dt.timedelta(days=20), 4)  # NRS 7 -> 4: improved
    html = page(client_for("practitioner"), reverse("episode_detail", args=[episode.pk]))
    assert 'data-testid="coverage-kx"' in html and "Covered with KX." in html
    assert "the claim line carries KX" in html
    assert 'data-testid="record-abn"' not in html


def test_it_names_on_the_episode_page_what_makes_an_episode_ineligible(world: World,
                                                                       client_for) -> None:  # noqa: ANN001
    credential(world.practitioner)
    episode = medicare_episode(world, pregnancy_associated=True)
    html = page(client_for("practitioner"), reverse("episode_detail", args=[episode.pk]))
    assert "Not eligible" in html
    assert "the pain is associated with pregnancy, which NCD 30.3.3 excludes" in html


def test_it_hides_the_coverage_panel_from_the_patient_on_their_episode(world: World,
                                                                       client_for) -> None:  # noqa: ANN001
    html = page(client_for("patient_user"), reverse("episode_detail", args=[world.episode.pk]))
    assert 'data-testid="coverage-panel"' not in html


def test_it_warns_before_charting_and_offers_the_abn(billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    html = page(client_for("practitioner"), reverse("visit_episode", args=[episode.pk]))
    assert 'data-testid="coverage-warning"' in html
    assert 'data-testid="record-abn"' in html


def test_it_shows_the_medicare_reassessment_on_the_plan(billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    html = page(client_for("practitioner"), reverse("plan_episode", args=[episode.pk]))
    assert 'data-testid="plan-reassessment"' in html


def test_it_records_an_abn_from_the_form_and_returns_to_the_page_it_came_from(
        billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    back = reverse("visit_episode", args=[episode.pk])
    today = dt.date.today()
    response = client_for("front_desk").post(
        reverse("abn_new", args=[episode.pk]) + f"?next={back}",
        {"signed_on": today, "covers_until": today + dt.timedelta(days=30),
         "option": "bill_medicare", "reason": "Visit 13 without improvement", "next": back})
    assert (response.status_code, response["Location"]) == (302, back)
    assert Abn.objects.filter(episode=episode).count() == 1


def test_it_keeps_what_was_typed_when_the_abn_form_is_wrong(billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    today = dt.date.today()
    response = client_for("front_desk").post(reverse("abn_new", args=[episode.pk]), {
        "signed_on": today, "covers_until": today - dt.timedelta(days=1),
        "option": "bill_medicare", "reason": "Kept reason"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "ends on or after the day it was signed" in html and "Kept reason" in html
    assert not Abn.objects.exists()


def test_it_refuses_an_offsite_next_after_the_abn(billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    today = dt.date.today()
    response = client_for("front_desk").post(reverse("abn_new", args=[episode.pk]), {
        "signed_on": today, "covers_until": today, "option": "declined", "reason": "x",
        "next": "https://evil.example/"})
    assert response["Location"] == reverse("billing_patient", args=[episode.patient_id])


def test_it_saves_the_payer_and_records_a_payment_from_the_billing_page(
        world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("front_desk")
    client.post(reverse("billing_payer", args=[world.patient.pk]),
                {"payer": "medicare", "member_id": "1EG4-TE5-MK73", "version": "0"})
    client.post(reverse("billing_payment_new", args=[world.patient.pk]),
                {"received_on": dt.date.today(), "amount": "25", "method": "cash"})
    assert BillingProfile.objects.get(patient=world.patient).member_id == "1EG4TE5MK73"
    assert Payment.objects.get(patient=world.patient).amount == 25


def test_it_shows_a_visits_lines_and_every_derivation(billed, client_for) -> None:  # noqa: ANN001
    world, _, visits = billed
    html = page(client_for("front_desk"), reverse("billing_visit", args=[visits[0].pk]))
    assert 'data-testid="current-lines"' in html and "incident to Dr Ruth Osler" in html
    assert "coverage_rules ncd-30.3.3" in html


def test_it_shows_why_an_unsupervised_visits_line_is_held(billed, client_for) -> None:  # noqa: ANN001
    world, episode, _ = billed
    from tests.billing.factories import visit_on

    visit = visit_on(world, episode, FIRST + dt.timedelta(days=40), supervised=None)
    html = page(client_for("front_desk"), reverse("billing_visit", args=[visit.pk]))
    [line] = ClaimLine.objects.filter(visit=visit)
    assert not line.billable and line.hold_reasons
    assert "held" in html
    for reason in line.hold_reasons:
        assert escape(reason) in html
    assert "direct supervision" in html


def test_it_shows_the_superbill_of_a_period_with_totals(billed, client_for) -> None:  # noqa: ANN001
    world, episode, _ = billed
    client = client_for("front_desk")
    client.post(reverse("billing_payment_new", args=[episode.patient_id]),
                {"received_on": dt.date.today(), "amount": "20", "method": "card"})
    html = page(client, reverse("superbill_period", args=[episode.patient_id])
                + f"?since={FIRST}&until={dt.date.today()}")
    assert "$1020.00" in html  # 12 visits x 85
    assert 'data-testid="balance"><strong>$1000.00' in html
    assert "1234567893" in html  # the provider's NPI


def test_it_answers_a_bad_period_with_a_message_not_an_error(billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    url = reverse("superbill_period", args=[episode.patient_id])
    response = client_for("front_desk").get(url + "?since=2026-05-01&until=2026-04-01")
    assert response.status_code == 302


def test_it_downloads_the_superbill_as_csv_and_pdf_and_the_cms1500_data(billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    client = client_for("front_desk")
    query = f"?since={FIRST}&until={FIRST + dt.timedelta(days=60)}"
    csv_text = client.get(reverse("superbill_period_csv", args=[episode.patient_id]) + query
                          ).content.decode()
    pdf = client.get(reverse("superbill_period_pdf", args=[episode.patient_id]) + query)
    cms = client.get(reverse("cms1500_period", args=[episode.patient_id]) + query).json()
    assert csv_text.count("\nline,") == 12
    assert (pdf["Content-Type"], pdf.content[:5]) == ("application/pdf", b"%PDF-")
    assert len(cms["claims"]) == 12
    assert cms["claims"][0]["forms"][0]["1a"] == "1EG4TE5MK73"


def test_it_refuses_front_desk_the_audit_pack(billed, client_for) -> None:  # noqa: ANN001
    _, episode, _ = billed
    response = client_for("front_desk").get(reverse("audit_pack", args=[episode.patient_id]))
    assert response.status_code == 403


def test_it_lets_staff_read_the_fees_and_only_owners_set_them(world: World, client_for) -> None:  # noqa: ANN001
    assert "Set a fee" not in page(client_for("front_desk"), reverse("billing_fees"))
    assert client_for("practitioner").post(reverse("billing_fees"), {
        "code": "97810", "unit_charge": "85", "effective_from": "2026-01-01"}).status_code == 403
    response = client_for("owner").post(reverse("billing_fees"), {
        "code": "97810", "unit_charge": "85", "effective_from": "2026-01-01"})
    assert response.status_code == 302
    assert Fee.objects.get().unit_charge == 85


def test_it_keeps_a_bad_fee_beside_its_field(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("owner").post(reverse("billing_fees"), {
        "code": "97810", "unit_charge": "85.555", "effective_from": "2026-01-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "at most two decimals" in html and 'value="85.555"' in html


def test_it_counts_the_billing_pages_queries(billed, client_for,  # noqa: ANN001
                                            django_assert_max_num_queries) -> None:  # noqa: ANN001
    _, episode, visits = billed
    client = client_for("front_desk")
    # The real counts, the same on both databases.
    with django_assert_max_num_queries(19):
        page(client, reverse("billing_patient", args=[episode.patient_id]))
    with django_assert_max_num_queries(11):
        page(client, reverse("superbill_period", args=[episode.patient_id]) + f"?since={FIRST}")
    with django_assert_max_num_queries(8):
        page(client, reverse("billing_visit", args=[visits[0].pk]))


def test_it_lists_no_claim_line_of_a_draft(billed, client_for) -> None:  # noqa: ANN001
    world, episode, _ = billed
    from tests.billing.factories import visit_on

    draft = visit_on(world, episode, FIRST + dt.timedelta(days=50), sign=False)
    html = page(client_for("front_desk"), reverse("billing_visit", args=[draft.pk]))
    assert "an unsigned visit has no claim line" in html
    assert not ClaimLine.objects.filter(visit=draft).exists()
