"""Likely duplicate patients (issue 7, finding 6): registering someone with the same names and
date of birth, the same phone or the same e-mail as a patient of the clinic is warned about,
through the service, the API, the page and the FHIR import; a deliberate confirmation
registers a different person anyway."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from acuback.audit.models import AuditEntry
from acuback.interop.importer import bundle_import
from acuback.patients.duplicates import Match, likely_duplicates
from acuback.patients.models import Patient
from acuback.patients.services import LikelyDuplicate, PatientInput, patient_create
from tests.api import payloads
from tests.personas import World
from tests.web.helpers import html, patient_form

ADA_BORN = dt.date(1970, 5, 17)  # the personas' Ada Lovelace (tests.personas)
URL = reverse("patient_create")


def _data(**overrides: object) -> PatientInput:
    values = {"given_name": "Ada", "family_name": "Lovelace", "date_of_birth": ADA_BORN,
              "sex": "female", **overrides}
    return PatientInput(**values)  # type: ignore[arg-type]


def _candidates(world: World, data: PatientInput) -> list[tuple[int, tuple[Match, ...]]]:
    with pytest.raises(LikelyDuplicate) as caught:
        patient_create(actor=world.front_desk, data=data)
    return [(c.patient.pk, c.matches) for c in caught.value.candidates]


# --- the service ---------------------------------------------------------------------------


def test_it_refuses_the_same_names_and_date_of_birth(world: World) -> None:
    assert _candidates(world, _data()) == [(world.patient.pk, (Match.NAME_AND_BIRTH,))]
    assert Patient.objects.filter(family_name="Lovelace").count() == 1


def test_it_compares_names_ignoring_case_accents_and_a_middle_name(world: World) -> None:
    data = _data(given_name="ADA Augusta", family_name="lóvelace")
    assert _candidates(world, data) == [(world.patient.pk, (Match.NAME_AND_BIRTH,))]


def test_it_lets_the_same_names_with_another_birthday_through(world: World) -> None:
    patient = patient_create(actor=world.front_desk,
                             data=_data(date_of_birth=ADA_BORN + dt.timedelta(days=1)))
    assert patient.family_name == "Lovelace"


def test_it_finds_the_same_phone_typed_another_way(world: World) -> None:
    patient_create(actor=world.front_desk, data=_data(
        given_name="Charles", family_name="Babbage", date_of_birth=dt.date(1951, 12, 26),
        phone="(202) 555-0147"))
    other = _data(given_name="Mary", family_name="Somerville", date_of_birth=dt.date(1980, 1, 1),
                  phone="+1 202 555 0147")
    [(_, matches)] = _candidates(world, other)
    assert matches == (Match.PHONE,)


def test_it_finds_the_same_email_whatever_the_case(world: World) -> None:
    patient_create(actor=world.front_desk, data=_data(
        given_name="Charles", family_name="Babbage", date_of_birth=dt.date(1951, 12, 26),
        email="charles@engine.example"))
    other = _data(given_name="Mary", family_name="Somerville", date_of_birth=dt.date(1980, 1, 1),
                  email="Charles@ENGINE.example")
    [(_, matches)] = _candidates(world, other)
    assert matches == (Match.EMAIL,)


def test_it_never_names_another_clinics_patient(world: World) -> None:
    born = world.patient_b.date_of_birth
    found = likely_duplicates(clinic_id=world.clinic_a.pk, given_name=world.patient_b.given_name,
                              family_name=world.patient_b.family_name, date_of_birth=born)
    assert found == []


def test_it_registers_a_different_person_when_confirmed_and_audits_it(world: World) -> None:
    patient = patient_create(actor=world.front_desk, data=_data(), confirm_duplicate=True)
    assert Patient.objects.filter(family_name="Lovelace").count() == 2
    entry = AuditEntry.objects.get(action="create", object_type="patient",
                                   object_id=str(patient.pk))
    assert entry.detail == {"confirmed_duplicate_of": [world.patient.pk]}


def test_it_confirms_only_the_candidates_the_page_showed(world: World) -> None:
    with pytest.raises(LikelyDuplicate):
        patient_create(actor=world.front_desk, data=_data(), confirm_duplicate=True,
                       seen_duplicates={world.patient.pk + 1000})
    patient_create(actor=world.front_desk, data=_data(), confirm_duplicate=True,
                   seen_duplicates={world.patient.pk})
    assert Patient.objects.filter(family_name="Lovelace").count() == 2


# --- the API -------------------------------------------------------------------------------


def _register(client, **overrides: object):  # noqa: ANN001, ANN202
    body = payloads.new_patient(given_name="Ada", family_name="Lovelace",
                                date_of_birth=ADA_BORN.isoformat(), **overrides)
    return client.post("/api/patients/", body, content_type="application/json")


def test_it_answers_409_with_the_candidates(world: World, client_for) -> None:  # noqa: ANN001
    body = payloads.problem(_register(client_for("front_desk")), 409)
    assert body["candidates"] == [{
        "id": world.patient.pk, "given_name": "Ada", "family_name": "Lovelace",
        "date_of_birth": "1970-05-17", "matches": ["name_and_birth"]}]
    assert Patient.objects.filter(family_name="Lovelace").count() == 1


def test_it_registers_over_the_api_when_confirmed(world: World, client_for) -> None:  # noqa: ANN001
    response = _register(client_for("front_desk"), confirm_duplicate=True)
    assert response.status_code == 201
    assert Patient.objects.filter(family_name="Lovelace").count() == 2


def test_it_keeps_confirm_duplicate_out_of_an_update(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("front_desk").put(
        f"/api/patients/{world.patient.pk}",
        {**payloads.patient_update(1), "confirm_duplicate": True},
        content_type="application/json")
    assert response.status_code == 422


# --- the page ------------------------------------------------------------------------------


def _ada_form(**overrides: object) -> dict[str, object]:
    return patient_form(given_name="Ada", family_name="Lovelace", date_of_birth="1970-05-17",
                        **overrides)


def test_it_warns_on_the_page_with_a_link_to_the_existing_record(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("front_desk").post(URL, _ada_form())
    page = html(response)
    assert response.status_code == 200 and 'data-testid="duplicates"' in page
    assert f'href="{reverse("patient_detail", args=[world.patient.pk])}"' in page
    assert f'name="seen_duplicates" value="{world.patient.pk} "' in page
    assert 'value="Lovelace"' in page  # what was typed stays
    assert Patient.objects.filter(family_name="Lovelace").count() == 1


def test_it_warns_again_when_register_is_pressed_unconfirmed(world: World, client_for) -> None:  # noqa: ANN001
    client = client_for("front_desk")
    response = client.post(URL, _ada_form(seen_duplicates=str(world.patient.pk)))
    assert 'data-testid="duplicates"' in html(response)
    assert Patient.objects.filter(family_name="Lovelace").count() == 1


def test_it_registers_from_the_page_when_confirmed(world: World, client_for) -> None:  # noqa: ANN001
    response = client_for("front_desk").post(URL, _ada_form(
        confirm_duplicate="yes", seen_duplicates=str(world.patient.pk)))
    new = Patient.objects.filter(family_name="Lovelace").exclude(pk=world.patient.pk).get()
    assert response["Location"] == reverse("patient_detail", args=[new.pk])


# --- the FHIR import -----------------------------------------------------------------------


def test_it_imports_a_likely_duplicate_with_a_warning_naming_the_record(world: World) -> None:
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
        "resourceType": "Patient", "name": [{"family": "Lovelace", "given": ["Ada"]}],
        "gender": "female", "birthDate": "1970-05-17"}}]}
    result = bundle_import(actor=world.practitioner, bundle=bundle)
    warnings = [i.diagnostics for i in result.issues if i.severity == "warning"]
    assert any(f"Patient/{world.patient.pk}" in w and "likely the same person" in w
               for w in warnings), warnings
    assert Patient.objects.filter(family_name="Lovelace").count() == 2
