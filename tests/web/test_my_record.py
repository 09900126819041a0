"""my_record: a patient's own chart; staff go to the patient list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from acuback.accounts.models import Role
from acuback.accounts.services import member_create
from tests.personas import PASSWORD
from tests.web.helpers import html

URL = reverse("my_record")


def test_it_shows_the_patient_their_own_chart(client_for) -> None:
    response = client_for("patient_user").get(URL)
    assert response.status_code == 200 and "Ada Lovelace" in html(response)


def test_it_shows_the_patient_their_safety_banner(client_for) -> None:
    assert 'data-testid="safety-banner"' in html(client_for("patient_user").get(URL))


def test_it_offers_the_patient_no_edit_links(client_for, world) -> None:
    page = html(client_for("patient_user").get(URL))
    assert reverse("patient_edit", args=[world.patient.pk]) not in page
    assert reverse("consent_create", args=[world.patient.pk]) not in page


@pytest.mark.parametrize("persona", ["owner", "practitioner", "front_desk"])
def test_it_sends_staff_to_the_patient_list(client_for, persona: str) -> None:
    response = client_for(persona).get(URL)
    assert response.status_code == 302 and response["Location"] == reverse("patient_list")


def test_it_answers_404_to_a_patient_login_without_a_record(world) -> None:
    lonely = member_create(clinic=world.clinic_a, username="lonely", password=PASSWORD,
                           role=Role.PATIENT)
    client = Client()
    client.force_login(lonely)
    assert client.get(URL).status_code == 404


def test_it_sends_anonymous_visitors_to_the_login_page(client_for) -> None:
    assert client_for("anonymous").get(URL).status_code == 302


def test_it_is_one_link_from_where_a_patient_lands(client_for) -> None:
    client = client_for("patient_user")
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("portal_home")  # the patient portal
    assert f'href="{URL}"' in client.get(response["Location"]).content.decode()
