"""The search statement (acuback.patients.search_sql) against an oracle written from the rules
in acuback.patients.search alone: every patient of the clinic tested in Python, ranked exact
before fuzzy, then by name. Walking every page forwards and back must give the oracle's list."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.patients import listing, search, search_sql
from acuback.patients.models import Patient
from acuback.patients.selectors import PAGE_SIZE, PatientSearch, patient_search
from acuback.patients.services import PatientInput, patient_create
from tests.personas import World

NAMES = [
    *[("Sam", "Smith")] * (PAGE_SIZE + 1), ("Ann", "Smyth"), ("Bea", "Smyth"), ("Cy", "Smit"),
    ("Dee", "Smithers"), ("Émile", "Smith"), ("Eve", "Schmidt"), ("Al", "Mith"), ("Jo", "Li"),
    ("Jo", "Lin"), ("Lee", "Jones"), ("Li", "Jonas"), ("Max", "Under_score"), ("Sam", "Hopper"),
]
QUERIES = ["smith", "smiht", "smit", "sam smith", "smith sam", "jo", "li", "jones", "under_",
           "under%", "emile smith", "mith", "smyth", "s", "zzz", "555 0101",
           "sam1@example.org", "sam1"]


@pytest.fixture
def patients(world: World) -> list[Patient]:
    made = []
    for n, (given, family) in enumerate(NAMES):
        made.append(patient_create(actor=world.front_desk, data=PatientInput(
            given_name=given, family_name=family, date_of_birth=dt.date(1970, 1, 1 + n % 28),
            sex="female", phone=f"(212) 555-01{n:02d}", email=f"{given.lower()}{n}@example.org"),
            confirm_duplicate=True))
    return made


def _oracle(world: World, text: str) -> list[int]:
    """The clinic's patients matching `text`, ranked, by the rules of acuback.patients.search
    applied to each patient's stored fields (not to the index)."""
    query = search.parse(text)
    ranked = []
    for p in Patient.objects.filter(clinic=world.clinic_a):
        words = search.name_words(f"{p.given_name} {p.family_name}")
        typos = 0
        for word in query.words:
            exact = any(w.startswith(word) for w in words)
            forms = search.typo_forms(word)
            fuzzy = bool(forms) and any(
                w in forms or (len(w) >= search.FUZZY_MIN and search.deletions(w) & forms)
                for w in words)
            if not (exact or fuzzy):
                break
            typos += not exact
        else:
            digits = search.phone_digits(p.phone)
            if query.phone and not any(part.startswith(query.phone)
                                       for part in (digits, digits[-10:], digits[-7:])):
                continue
            if any(not p.email.casefold().startswith(e) for e in query.emails):
                continue
            ranked.append((typos, p.family_name, p.given_name, p.pk))
    return [row[-1] for row in sorted(ranked)]


def _walk(world: World, text: str) -> tuple[list[int], list[int], int]:
    """Every page forwards, then back from the last one: (ids forwards, ids backwards, count)."""
    actor = world.front_desk
    page = patient_search(actor=actor, search=PatientSearch(text))
    pages = [page]
    while page.next_after is not None:
        page = patient_search(actor=actor, search=PatientSearch(text, after=page.next_after))
        pages.append(page)
    back = [page]
    while page.previous_before is not None:
        page = patient_search(actor=actor, search=PatientSearch(text, before=page.previous_before))
        back.append(page)
    forwards = [p.pk for each in pages for p in each.rows]
    backwards = [p.pk for each in reversed(back) for p in each.rows]
    return forwards, backwards, pages[0].count


@pytest.mark.parametrize("text", QUERIES)
def test_it_finds_and_ranks_what_the_rules_say(world: World, patients: list[Patient],
                                               text: str) -> None:
    expected = _oracle(world, text)
    forwards, backwards, count = _walk(world, text)
    assert forwards == expected
    assert backwards == expected
    assert count == len(expected)


def test_it_ranks_exact_matches_before_typos_across_pages(world: World,
                                                         patients: list[Patient]) -> None:
    forwards, _, _ = _walk(world, "smith")
    names = {p.pk: p.family_name for p in patients}
    # 28 exact (27 Smiths, a Smithers) fill page one and reach page two; then the typos.
    assert [names[pk] for pk in forwards[:PAGE_SIZE + 3]] == [
        *["Smith"] * (PAGE_SIZE + 2), "Smithers"]
    assert [names[pk] for pk in forwards[PAGE_SIZE + 3:]] == ["Mith", "Smit", "Smyth", "Smyth"]


def test_it_starts_at_the_top_when_the_cursor_is_not_in_the_list(
        world: World, patients: list[Patient]) -> None:
    elsewhere = next(p for p in patients if p.family_name == "Jones").pk
    top = patient_search(actor=world.front_desk, search=PatientSearch("smyth"))
    for cursor in ({"after": elsewhere}, {"before": elsewhere}):
        page = patient_search(actor=world.front_desk, search=PatientSearch("smyth", **cursor))
        assert [p.pk for p in page.rows] == [p.pk for p in top.rows]
        assert page.previous_before is None


def test_it_gives_an_empty_page_after_the_last_patient(world: World,
                                                       patients: list[Patient]) -> None:
    found = _oracle(world, "smyth")
    page = patient_search(actor=world.front_desk, search=PatientSearch("smyth", after=found[-1]))
    assert page.rows == [] and page.count == len(found) > PAGE_SIZE


def test_it_combines_words_with_a_date_of_birth(world: World, patients: list[Patient]) -> None:
    born = patients[3].date_of_birth
    page = patient_search(actor=world.front_desk,
                          search=PatientSearch("smith", date_of_birth=born))
    assert {p.pk for p in page.rows} == {
        p.pk for p in patients if p.pk in _oracle(world, "smith") and p.date_of_birth == born}
    typed = patient_search(actor=world.front_desk,
                           search=PatientSearch(f"smith {born.isoformat()}"))
    assert [p.pk for p in typed.rows] == [p.pk for p in page.rows]


def test_it_never_finds_another_clinics_patient(world: World, patients: list[Patient]) -> None:
    other = patient_search(actor=world.outsider, search=PatientSearch("smith"))
    assert not {p.pk for p in other.rows} & {p.pk for p in patients}


# --- the list that is no search (search_sql.listed_rows) ---------------------------------------

SIZE = 3  # small pages, so that a walk crosses the 26 Sam Smiths, equal but for their ids


def _listed(world: World, *, dates: tuple[dt.date, ...] = (), limit: int = 1000,
            clinic: int | None = None, **cursor: int) -> search_sql.Found:
    return search_sql.listed_rows(
        clinic_id=world.clinic_a.pk if clinic is None else clinic, dates=list(dates),
        size=SIZE, count_limit=limit, select=listing.row_select([]), **cursor)


def _by_name(world: World, **filters: object) -> list[int]:
    return list(Patient.objects.filter(clinic=world.clinic_a, **filters)
                .order_by("family_name", "given_name", "id").values_list("pk", flat=True))


@pytest.mark.parametrize("born", [None, dt.date(1970, 1, 2)])
def test_it_lists_every_patient_by_name_forwards_and_back(world: World, patients: list[Patient],
                                                          born: dt.date | None) -> None:
    dates = (born,) if born else ()
    expected = _by_name(world, **({"date_of_birth": born} if born else {}))
    found = _listed(world, dates=dates)
    forwards = [p.pk for p in found.rows[:SIZE]]
    while len(found.rows) > SIZE:
        found = _listed(world, dates=dates, after=forwards[-1])
        assert found.continued
        forwards += [p.pk for p in found.rows[:SIZE]]
    assert forwards == expected and found.count == len(expected)
    backwards = [expected[-1]]
    while True:
        found = _listed(world, dates=dates, before=backwards[0])
        backwards = [p.pk for p in found.rows[:SIZE]][::-1] + backwards
        if len(found.rows) <= SIZE:
            break
    assert backwards == expected


def test_it_counts_the_list_up_to_its_limit(world: World, patients: list[Patient]) -> None:
    assert _listed(world, limit=5).count == 6  # "more than 5"
    assert _listed(world, limit=5, after=_by_name(world)[10]).count == 6


def test_it_starts_the_list_at_the_top_for_a_cursor_not_in_it(world: World,
                                                               patients: list[Patient]) -> None:
    top = [p.pk for p in _listed(world).rows]
    born = dt.date(1970, 1, 2)
    not_born_then = next(p.pk for p in patients if p.date_of_birth != born)
    for cursor in ({"after": world.patient_b.pk}, {"before": world.patient_b.pk}):
        found = _listed(world, **cursor)
        assert [p.pk for p in found.rows] == top and not found.continued
    found = _listed(world, dates=(born,), after=not_born_then)
    assert [p.pk for p in found.rows] == _by_name(world, date_of_birth=born)[:SIZE + 1]


def test_it_lists_only_the_clinics_patients(world: World, patients: list[Patient]) -> None:
    found = _listed(world, clinic=world.clinic_b.pk)
    assert [p.pk for p in found.rows] == [world.patient_b.pk] and found.count == 1


def test_it_reads_the_page_with_the_lists_columns(world: World, patients: list[Patient]) -> None:
    found = search_sql.listed_rows(
        clinic_id=world.clinic_a.pk, dates=[], size=SIZE, count_limit=1000,
        select=listing.row_select(listing.visible_columns(clinical=True)))
    first = Patient.objects.get(pk=found.rows[0].pk)
    assert (found.rows[0].family_name, found.rows[0].given_name) == (first.family_name,
                                                                      first.given_name)
    assert all(hasattr(p, "last_visit") and hasattr(p, "open_alerts") for p in found.rows)
