"""The 403 and 404 pages, and the role check views use after the scoped selector."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from acuback.accounts.access import Forbidden
from acuback.web.errors import require_role
from tests.web.helpers import html, last_entry


def test_it_renders_our_404_page_for_a_record_out_of_scope(client_for, world) -> None:
    response = client_for("outsider").get(reverse("patient_detail", args=[world.patient.pk]))
    assert response.status_code == 404 and "We could not find that" in html(response)


def without_tokens(page: str) -> str:
    return re.sub(r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', "", page)


def test_it_renders_the_same_404_page_as_for_a_missing_record(client_for, world) -> None:
    client = client_for("outsider")
    outside = client.get(reverse("patient_detail", args=[world.patient.pk]))
    missing = client.get(reverse("patient_detail", args=[999999]))
    assert without_tokens(html(outside)) == without_tokens(html(missing))


def test_it_renders_our_403_page_for_a_role_that_may_not(client_for) -> None:
    response = client_for("patient_user").get(reverse("patient_list"))
    assert response.status_code == 403 and "This page is not open to you" in html(response)


def test_it_renders_our_404_page_for_an_unknown_address(client_for) -> None:
    response = client_for("practitioner").get("/no-such-page/")
    assert response.status_code == 404 and "We could not find that" in html(response)


def test_it_leaves_api_errors_to_the_api(client_for, world) -> None:
    response = client_for("outsider").get(f"/api/patients/{world.patient.pk}")
    assert response.status_code == 404 and response["Content-Type"].startswith(
        "application/problem+json")


def test_it_lets_an_allowed_role_through(world) -> None:
    require_role(world.front_desk, {"front_desk"}, what="patient")


def test_it_refuses_and_audits_a_role_that_may_not(world) -> None:
    with pytest.raises(Forbidden):
        require_role(world.front_desk, {"owner"}, what="health_history", object_id=7)
    entry = last_entry()
    assert (entry.actor_username, entry.object_type, entry.object_id, entry.outcome) == (
        "desk", "health_history", "7", "denied")
