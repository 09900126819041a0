"""patient_list: staff search the clinic's patients by name or date of birth, with paging and
an HTMX partial for the results."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from acuback.patients.selectors import PAGE_SIZE
from tests.personas import make_patient
from tests.web.helpers import html, last_entry

URL = reverse("patient_list")


@pytest.mark.parametrize("persona", ["owner", "practitioner", "front_desk"])
def test_it_lists_the_clinics_patients_for_staff(client_for, persona: str) -> None:
    response = client_for(persona).get(URL)
    assert response.status_code == 200
    assert "Lovelace, Ada" in html(response) and "Hopper, Grace" in html(response)


def test_it_never_lists_another_clinics_patients(client_for) -> None:
    assert "Lamarr" not in html(client_for("practitioner").get(URL))


def test_it_shows_the_outsider_only_their_own_clinic(client_for) -> None:
    page = html(client_for("outsider").get(URL))
    assert "Lamarr, Hedy" in page and "Lovelace" not in page


def test_it_refuses_a_patient_with_403(client_for) -> None:
    assert client_for("patient_user").get(URL).status_code == 403


def test_it_sends_anonymous_visitors_to_the_login_page(client_for) -> None:
    response = client_for("anonymous").get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_finds_patients_by_words_of_the_name(client_for) -> None:
    page = html(client_for("practitioner").get(URL, {"q": "ada love"}))
    assert "Lovelace, Ada" in page and "Hopper" not in page


def test_it_finds_patients_by_date_of_birth(client_for) -> None:
    page = html(client_for("practitioner").get(URL, {"dob": "1961-12-09"}))
    assert "Hopper, Grace" in page and "Lovelace" not in page


def test_it_says_so_when_nothing_matches(client_for) -> None:
    assert "No patients match." in html(client_for("practitioner").get(URL, {"q": "zzz"}))


def test_it_shows_a_date_that_does_not_parse_and_ignores_it(client_for) -> None:
    page = html(client_for("practitioner").get(URL, {"dob": "17/05/1970"}))
    assert "Enter a valid date." in page and "Hopper, Grace" in page


def test_it_renders_only_the_results_for_an_htmx_request(client_for) -> None:
    response = client_for("practitioner").get(URL, {"q": "hopper"}, HTTP_HX_REQUEST="true")
    page = html(response)
    assert "Hopper, Grace" in page and "<html" not in page and "<form" not in page


def test_it_varies_the_cache_on_the_htmx_header(client_for) -> None:
    response = client_for("practitioner").get(URL, HTTP_HX_REQUEST="true")
    assert "HX-Request" in response["Vary"]


def test_it_renders_the_whole_page_when_htmx_restores_history(client_for) -> None:
    response = client_for("practitioner").get(
        URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in html(response)


@pytest.fixture
def many_smiths(world) -> None:
    for n in range(PAGE_SIZE + 5):
        make_patient(world.front_desk, f"Sam{n:02d}", "Smith", dt.date(1980, 1, 1))


def _next(page: str) -> str:
    found = re.search(r'rel="next" href="([^"]+)"', page)
    assert found, "no Next link"
    return found.group(1).replace("&amp;", "&")


def test_it_shows_one_page_of_results_at_a_time(client_for, many_smiths: None) -> None:
    page = html(client_for("front_desk").get(URL, {"q": "smith"}))
    assert page.count('class="row-link"') == PAGE_SIZE
    assert f"{PAGE_SIZE + 5} patients" in page and 'rel="prev"' not in page


def test_it_shows_the_rest_on_the_next_page(client_for, many_smiths: None) -> None:
    client = client_for("front_desk")
    first = html(client.get(URL, {"q": "smith"}))
    second = html(client.get(_next(first)))
    assert second.count('class="row-link"') == 5
    assert "Smith, Sam29" in second and "Smith, Sam24" not in second
    assert 'rel="next"' not in second and 'rel="prev"' in second


def test_it_goes_back_to_the_page_before(client_for, many_smiths: None) -> None:
    client = client_for("front_desk")
    first = html(client.get(URL, {"q": "smith"}))
    second = html(client.get(_next(first)))
    back = re.search(r'rel="prev" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    again = html(client.get(back))
    assert re.findall(r"Smith, Sam\d\d", again) == re.findall(r"Smith, Sam\d\d", first)


def test_it_keeps_the_search_in_the_paging_links(client_for, many_smiths: None) -> None:
    page = html(client_for("front_desk").get(URL, {"q": "smith"}))
    assert _next(page).startswith("/patients/?q=smith&after=")


def test_it_pages_by_a_patients_id_never_by_a_name(client_for, many_smiths: None) -> None:
    link = _next(html(client_for("front_desk").get(URL, {"q": "smith"})))
    assert "Sam" not in link and "Smith" not in link.replace("q=smith", "")


def test_it_audits_the_search(client_for, world) -> None:
    client_for("front_desk").get(URL, {"q": "hopper"})
    entry = last_entry()
    assert (entry.actor_username, entry.action, entry.object_type) == ("desk", "list", "patient")
    assert entry.detail["ids"] == [world.other_patient.pk]
