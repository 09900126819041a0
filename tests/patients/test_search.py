"""Patient search: by words of the name (any alphabet, one typo forgiven), phone, email and
date of birth, through the search index the patient services keep; exact before fuzzy."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.patients import search
from acuback.patients.models import PatientSearchTerm
from acuback.patients.selectors import PatientSearch, patient_search
from acuback.patients.services import PatientInput, patient_update
from tests.personas import World, make_patient


def _found(world: World, text: str, actor: str = "front_desk") -> list[str]:
    page = patient_search(actor=getattr(world, actor), search=PatientSearch(text))
    return [f"{p.given_name} {p.family_name}" for p in page.rows]


def _with(world: World, given: str, family: str, **contact: str):  # noqa: ANN202
    patient = make_patient(world.front_desk, given, family)
    if contact:
        data = PatientInput(given_name=given, family_name=family,
                            date_of_birth=patient.date_of_birth, sex=patient.sex, **contact)
        patient = patient_update(actor=world.front_desk, patient=patient, data=data,
                                 version=patient.version)
    return patient


# --- folding and parsing (no database) ------------------------------------------------------


@pytest.mark.parametrize(("typed", "folded"), [
    ("ÉMILE", "emile"), ("Öztürk", "ozturk"), ("Søren", "soren"), ("Łukasz", "lukasz"),
    ("Σοφία", "σοφια"), ("ΣΟΦΊΑ", "σοφια"), ("Кузнецова", "кузнецова"), ("Straße", "strasse"),
])
def test_it_folds_case_and_accents_in_every_alphabet(typed: str, folded: str) -> None:
    assert search.fold(typed) == folded


def test_it_reads_apostrophes_as_part_of_the_word_and_hyphens_as_breaks() -> None:
    assert search.name_words("Siobhán O'Neill-Bonsu") == ["siobhan", "oneill", "bonsu"]


def test_it_reads_a_spaced_phone_number_as_one_number() -> None:
    assert search.parse("(555) 012-3456").phone == "5550123456"
    assert search.parse("+1 555 012 3456").phone == "5550123456"  # country code dropped


def test_it_reads_emails_dates_and_words_apart() -> None:
    query = search.parse("Ada ada@example.org 1970-05-17")
    assert query.words == ("ada",)
    assert query.emails == ("ada@example.org",)
    assert query.dates == (dt.date(1970, 5, 17),)


def test_it_forgives_typos_only_in_words_long_enough() -> None:
    assert search.typo_forms("lee") == set()
    assert search.typo_forms("hopr") == {"hopr", "opr", "hpr", "hor", "hop"}


# --- searching (database) -------------------------------------------------------------------


def test_it_finds_a_patient_by_a_word_of_the_name(world: World) -> None:
    assert _found(world, "grace") == ["Grace Hopper"]
    assert _found(world, "HOP") == ["Grace Hopper"]


def test_it_ignores_accents_and_case_in_greek_and_cyrillic(world: World) -> None:
    _with(world, "Σοφία", "Παπαδοπούλου")
    _with(world, "Ольга", "Кузнецова")
    assert _found(world, "σοφια") == ["Σοφία Παπαδοπούλου"]
    assert _found(world, "ОЛЬГА") == ["Ольга Кузнецова"]


def test_it_finds_a_name_despite_an_accent_left_out(world: World) -> None:
    _with(world, "Émile", "Öztürk")
    assert _found(world, "emile ozturk") == ["Émile Öztürk"]


@pytest.mark.parametrize("typo", ["hoper", "hoppper", "hopler", "hpoper", "hopprr"])
def test_it_finds_a_name_despite_a_one_letter_typo(world: World, typo: str) -> None:
    # a letter missing, one too many, one wrong, two swapped
    assert _found(world, typo) == ["Grace Hopper"]


def test_it_does_not_forgive_two_typos(world: World) -> None:
    assert _found(world, "hxpxer") == []


def test_it_lists_exact_matches_before_those_found_despite_a_typo(world: World) -> None:
    _with(world, "Anna", "Kelly")
    _with(world, "Zoe", "Kelli")
    assert _found(world, "kelli") == ["Zoe Kelli", "Anna Kelly"]
    assert _found(world, "kelly") == ["Anna Kelly", "Zoe Kelli"]


def test_it_finds_a_patient_by_phone_in_any_formatting(world: World) -> None:
    _with(world, "Hedy", "Kiesler", phone="+1 (202) 555-4477")
    for typed in ("202-555-4477", "2025554477", "(202) 555 4477", "+12025554477", "555-4477"):
        assert _found(world, typed) == ["Hedy Kiesler"], typed


def test_it_finds_a_patient_by_email_ignoring_case(world: World) -> None:
    _with(world, "Mary", "Jackson", email="Mary.Jackson@Example.org")
    assert _found(world, "mary.jackson@example.org") == ["Mary Jackson"]
    assert _found(world, "MARY.JACKSON@") == ["Mary Jackson"]


def test_it_finds_a_patient_by_date_of_birth_typed_in_the_search(world: World) -> None:
    assert _found(world, "1961-12-09") == ["Grace Hopper"]
    assert _found(world, "grace 1970-05-17") == []


def test_it_needs_every_part_to_match(world: World) -> None:
    _with(world, "Grace", "Kelly", phone="202 777 1212")
    assert _found(world, "grace 2027771212") == ["Grace Kelly"]


def test_it_follows_a_change_of_name_phone_or_email(world: World) -> None:
    patient = _with(world, "Katherine", "Coleman", phone="202 300 1000")
    data = PatientInput(given_name="Katherine", family_name="Johnson",
                        date_of_birth=patient.date_of_birth, sex=patient.sex,
                        phone="202 300 2000")
    patient_update(actor=world.front_desk, patient=patient, data=data, version=patient.version)
    assert _found(world, "johnson") == ["Katherine Johnson"]
    assert _found(world, "coleman") == []
    assert _found(world, "2023002000") == ["Katherine Johnson"]
    assert _found(world, "2023001000") == []


def test_it_never_finds_another_clinics_patient(world: World) -> None:
    assert _found(world, "lamarr") == []
    assert _found(world, "lamarr", actor="outsider") == ["Hedy Lamarr"]


def test_it_keeps_each_patients_terms_in_their_clinic(world: World) -> None:
    terms = PatientSearchTerm.objects.select_related("patient")
    assert terms.exists()
    assert all(t.clinic_id == t.patient.clinic_id for t in terms)


def test_it_indexes_the_patients_registered_before_the_index_existed(world: World) -> None:
    from importlib import import_module

    from django.apps import apps

    before = sorted(PatientSearchTerm.objects.values_list("patient_id", "kind", "term"))
    PatientSearchTerm.objects.all().delete()
    import_module("acuback.patients.migrations.0002_search_terms").index_existing(apps, None)
    assert sorted(PatientSearchTerm.objects.values_list("patient_id", "kind", "term")) == before
