"""consent_create: staff show the consent text and record the date and witness."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from acuback.patients.models import Consent
from acuback.patients.views import TextBlock, consent_blocks
from tests.web.helpers import between, html, tomorrow


def url(world) -> str:
    return reverse("consent_create", args=[world.patient.pk])


@pytest.mark.parametrize("persona", ["owner", "practitioner", "front_desk"])
def test_it_shows_the_consent_text_to_staff(client_for, world, persona: str) -> None:
    page = html(client_for(persona).get(url(world)))
    assert "<h2>Consent to acupuncture (version 1, 2026-11)</h2>" in page
    assert "<strong>What acupuncture is.</strong> Your practitioner" in page


def test_it_proposes_today_as_the_date(client_for, world) -> None:
    page = html(client_for("front_desk").get(url(world)))
    assert f'value="{dt.date.today().isoformat()}"' in page


def test_it_records_the_consent_with_date_and_witness(client_for, world) -> None:
    response = client_for("front_desk").post(url(world), {"given_on": "2026-03-01",
                                                          "witness": "Wanda Witness"})
    consent = Consent.objects.get(patient=world.patient)
    assert response.status_code == 302
    assert (consent.given_on, consent.witness, consent.text_version) == (
        dt.date(2026, 3, 1), "Wanda Witness", "acupuncture-v1")


def test_it_shows_a_future_date_beside_the_field_and_keeps_the_witness(client_for, world) -> None:
    page = html(client_for("front_desk").post(url(world), {"given_on": tomorrow(),
                                                           "witness": "Wanda Witness"}))
    assert "cannot be dated in the future" in between(page, 'id="id_given_on"', 'id="id_witness"')
    assert 'value="Wanda Witness"' in page and not Consent.objects.exists()


def test_it_refuses_a_patient_with_403(client_for, world) -> None:
    assert client_for("patient_user").get(url(world)).status_code == 403


def test_it_answers_404_for_another_clinics_patient(client_for, world) -> None:
    assert client_for("outsider").get(url(world)).status_code == 404


def test_it_splits_the_text_into_a_heading_and_paragraphs() -> None:
    blocks = consent_blocks("# Title\n\n**Lead.** Body\nmore.\n\nPlain **bold** end.")
    assert blocks == [TextBlock("heading", "", "Title"),
                      TextBlock("paragraph", "Lead.", "Body more."),
                      TextBlock("paragraph", "", "Plain bold end.")]
