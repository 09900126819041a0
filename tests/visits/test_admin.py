"""Visits in the admin: read-only for owners (the lock's admin path), their clinic only, and
every read audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from acuback.visits.models import Visit
from tests.personas import World
from tests.visits.factories import ready, signed
from tests.web.helpers import html, last_entry


@pytest.fixture
def visit(world: World) -> Visit:
    ready(world)
    return signed(world)


def test_it_shows_an_owner_a_signed_visit_read_only(client_for, visit: Visit) -> None:  # noqa: ANN001
    response = client_for("owner").get(reverse("admin:visits_visit_change", args=[visit.pk]))
    assert response.status_code == 200 and 'name="_save"' not in html(response)
    entry = last_entry()
    assert (entry.action, entry.object_type, entry.object_id) == ("read", "visit", str(visit.pk))


def test_it_refuses_to_change_a_signed_visit_in_the_admin(client_for, visit: Visit) -> None:  # noqa: ANN001
    url = reverse("admin:visits_visit_change", args=[visit.pk])
    response = client_for("owner").post(url, {"subjective": "rewritten", "_save": "1"})
    assert response.status_code == 403
    assert Visit.objects.get(pk=visit.pk).subjective == visit.subjective


@pytest.mark.parametrize("model", ["visit", "amendment", "adverseevent", "painkilleruse"])
def test_it_refuses_to_add_or_delete_visit_records_in_the_admin(client_for, visit: Visit,  # noqa: ANN001
                                                                model: str) -> None:
    client = client_for("owner")
    assert client.get(reverse(f"admin:visits_{model}_add")).status_code == 403
    if model == "visit":
        delete = reverse("admin:visits_visit_delete", args=[visit.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert Visit.objects.filter(pk=visit.pk).exists()


def test_it_hides_visits_of_another_clinic(client_for, visit: Visit) -> None:  # noqa: ANN001
    response = client_for("outsider_owner").get(
        reverse("admin:visits_visit_change", args=[visit.pk]))
    assert response.status_code == 302
