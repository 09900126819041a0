"""Phone numbers and e-mail addresses (issue 7, finding 6: "abc" was accepted as a phone):
checked by `phonenumbers` and `email-validator`, stored in one spelling, read in the clinic's
country, refused with a message beside the field on every interface."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from acuback.errors import InputError
from acuback.patients import contact
from acuback.patients.models import Patient
from acuback.patients.services import PatientInput, patient_create
from tests.api import payloads
from tests.personas import World
from tests.web.helpers import between, html, patient_form


@pytest.mark.parametrize(("typed", "stored"), [
    ("(202) 555-0147", "+12025550147"),
    ("202.555.0147", "+12025550147"),
    ("+1 202 555 0147", "+12025550147"),
    ("+44 20 7946 0000", "+442079460000"),
    ("", ""),
])
def test_it_stores_a_number_in_e164(typed: str, stored: str) -> None:
    assert contact.phone_normalised(typed, "US") == stored


@pytest.mark.parametrize("typed", ["abc", "12", "555-0147", "+1 000 000 0000", "202-555-01478"])
def test_it_refuses_what_is_not_a_phone_number(typed: str) -> None:
    with pytest.raises(ValueError, match="phone number"):
        contact.phone_normalised(typed, "US")


def test_it_reads_a_number_without_country_code_as_the_clinics_country() -> None:
    assert contact.phone_normalised("020 7946 0000", "GB") == "+442079460000"
    with pytest.raises(ValueError, match="in US"):
        contact.phone_normalised("020 7946 0000", "US")


def test_it_shows_a_home_number_nationally_and_a_foreign_one_internationally() -> None:
    assert contact.phone_shown("+12025550147", "US") == "(202) 555-0147"
    assert contact.phone_shown("+442079460000", "US") == "+44 20 7946 0000"
    assert contact.phone_shown("call the daughter", "US") == "call the daughter"


@pytest.mark.parametrize("typed", ["marie", "marie@", "@example.org", "marie@exa mple.org"])
def test_it_refuses_what_is_not_an_email_address(typed: str) -> None:
    with pytest.raises(ValueError, match="e-mail"):
        contact.email_normalised(typed)


def test_it_lowers_the_case_of_the_email_domain_only() -> None:
    assert contact.email_normalised(" Marie@Example.ORG ") == "Marie@example.org"


def _create(world: World, **overrides: object) -> Patient:
    values = {"given_name": "Mary", "family_name": "Shelley",
              "date_of_birth": dt.date(1979, 8, 30), "sex": "female", **overrides}
    return patient_create(actor=world.front_desk, data=PatientInput(**values))  # type: ignore[arg-type]


def test_it_refuses_both_bad_fields_at_once_and_saves_nothing(world: World) -> None:
    with pytest.raises(InputError) as caught:
        _create(world, phone="abc", email="mary@")
    assert set(caught.value.errors) == {"phone", "email"}
    assert not Patient.objects.filter(family_name="Shelley").exists()


def test_it_uses_the_clinics_country(world: World) -> None:
    world.clinic_a.region = "GB"
    world.clinic_a.save(update_fields=["region"])
    assert _create(world, phone="020 7946 0000").phone == "+442079460000"


def test_it_answers_422_beside_the_phone_over_the_api(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("front_desk").post("/api/patients/", payloads.new_patient(phone="abc"),
                                             content_type="application/json")
    assert list(payloads.problem(response, 422)["errors"]) == ["phone"]


def test_it_answers_the_number_in_e164_over_the_api(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("front_desk").post(
        "/api/patients/", payloads.new_patient(phone="(202) 555-0147"),
        content_type="application/json")
    assert response.json()["phone"] == "+12025550147"


def test_it_shows_the_phone_error_beside_the_field_and_keeps_it(world: World, client_for) -> None:  # noqa: ANN001
    page = html(client_for("front_desk").post(reverse("patient_create"),
                                              patient_form(phone="abc")))
    assert "not a phone number" in between(page, 'id="id_phone"', 'id="id_address"')
    assert 'value="abc"' in page
    assert not Patient.objects.filter(family_name="Curie").exists()


def test_it_shows_the_stored_number_nationally_on_the_chart(world: World, client_for) -> None:  # noqa: ANN001
    patient = _create(world, phone="+1 202 555 0147")
    page = html(client_for("front_desk").get(reverse("patient_detail", args=[patient.pk])))
    assert "(202) 555-0147" in page
