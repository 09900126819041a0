"""audit_list: owners browse their clinic's trail, filtered and paged; the look is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from acuback.audit.models import AuditEntry
from acuback.audit.selectors import AUDIT_PAGE_SIZE
from acuback.audit.services import audit_record
from tests.web.helpers import html, last_entry

URL = reverse("audit_list")


def entries(client, **filters: object) -> list[AuditEntry]:
    response = client.get(URL, filters)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_it_shows_the_owner_the_trail(client_for) -> None:
    page = html(client_for("owner").get(URL))
    for column in ("#", "Time", "Who", "Action", "Object", "Channel", "Address", "Outcome"):
        assert f'<th scope="col">{column}</th>' in page
    assert "<td>prac</td>" in page


@pytest.mark.parametrize("persona", ["practitioner", "front_desk", "patient_user"])
def test_it_refuses_everyone_but_owners_with_403(client_for, persona: str) -> None:
    assert client_for(persona).get(URL).status_code == 403


def test_it_sends_anonymous_visitors_to_the_login_page(client_for) -> None:
    assert client_for("anonymous").get(URL).status_code == 302


def test_it_shows_only_the_owners_clinic(client_for, world) -> None:
    shown = entries(client_for("owner"))
    assert shown and {e.clinic_id for e in shown} == {world.clinic_a.pk}


def test_it_shows_the_other_owner_only_their_clinic(client_for, world) -> None:
    shown = entries(client_for("outsider_owner"))
    assert shown and {e.clinic_id for e in shown} == {world.clinic_b.pk}


def test_it_shows_the_newest_first(client_for) -> None:
    seqs = [e.seq for e in entries(client_for("owner"))]
    assert seqs == sorted(seqs, reverse=True)


def test_it_filters_by_username(client_for, world) -> None:
    client_for("front_desk").get(reverse("patient_list"))
    shown = entries(client_for("owner"), actor="DESK")
    assert shown and {e.actor_username for e in shown} == {"desk"}


def test_it_filters_by_action(client_for) -> None:
    shown = entries(client_for("owner"), action="create")
    assert shown and {e.action for e in shown} == {"create"}


def test_it_filters_by_object_type_and_id(client_for, world) -> None:
    shown = entries(client_for("owner"), object_type="episode", object_id=world.episode.pk)
    assert shown and {(e.object_type, e.object_id) for e in shown} == {
        ("episode", str(world.episode.pk))}


def test_it_filters_by_outcome(client_for, world) -> None:
    client_for("front_desk").get(reverse("health_edit", args=[world.patient.pk]))
    shown = entries(client_for("owner"), outcome="denied")
    assert shown and {e.outcome for e in shown} == {"denied"}


def test_it_filters_from_a_date(client_for) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert entries(client_for("owner"), date_from=tomorrow.isoformat()) == []


def test_it_filters_up_to_a_date_inclusive(client_for) -> None:
    today = dt.date.today()
    assert entries(client_for("owner"), date_to=today.isoformat())
    assert entries(client_for("owner"), date_to=(today - dt.timedelta(days=1)).isoformat()) == []


def test_it_shows_a_date_that_does_not_parse_and_ignores_it(client_for) -> None:
    response = client_for("owner").get(URL, {"date_from": "yesterday"})
    assert "Enter a valid date." in html(response) and response.context["page"].object_list


def test_it_pages_the_trail(client_for, world) -> None:
    for n in range(AUDIT_PAGE_SIZE + 1):
        audit_record(actor=world.owner, action="read", object_type="bulk", object_id=n,
                     outcome="ok")
    client = client_for("owner")
    assert len(entries(client, object_type="bulk")) == AUDIT_PAGE_SIZE
    assert [e.object_id for e in entries(client, object_type="bulk", page=2)] == ["0"]


def test_it_keeps_the_filters_in_the_paging_links(client_for, world) -> None:
    for n in range(AUDIT_PAGE_SIZE + 1):
        audit_record(actor=world.owner, action="read", object_type="bulk", object_id=n,
                     outcome="ok")
    assert "?object_type=bulk&amp;page=2" in html(client_for("owner").get(URL, {
        "object_type": "bulk"}))


def test_it_audits_looking_at_the_trail(client_for) -> None:
    client_for("owner").get(URL, {"actor": "prac"})
    entry = last_entry()
    assert (entry.actor_username, entry.action, entry.object_type, entry.outcome) == (
        "owner", "read", "audit", "ok")
    assert entry.detail["actor"] == "prac"


def test_it_audits_a_refused_look(client_for) -> None:
    client_for("practitioner").get(URL)
    entry = last_entry()
    assert (entry.actor_username, entry.object_type, entry.outcome) == ("prac", "audit", "denied")


def test_it_does_not_list_its_own_entry_on_the_page(client_for, world) -> None:
    newest = AuditEntry.objects.filter(clinic_id=world.clinic_a.pk).order_by("-seq").first()
    assert newest is not None and entries(client_for("owner"))[0].seq == newest.seq
