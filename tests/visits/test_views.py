"""The treatment-room pages: charting a draft (errors beside the fields, nothing typed lost),
both versions on a conflict, tap counting, signing, amending beside the original, the tamper
flag, adverse events, lists, lot recall with CSV, the printout, and their query counts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from acuback.visits.models import AdverseEvent, Amendment, Visit
from acuback.visits.services import visit_count
from acuback.visits.signing import visit_amend
from tests.personas import PASSWORD, World
from tests.visits.factories import LOT, fill, ready, signed, start
from tests.web.helpers import html


@pytest.fixture
def episode(world: World):  # noqa: ANN201
    return ready(world)


@pytest.fixture
def prac(client_for) -> Client:  # noqa: ANN001
    return client_for("practitioner")


def form_of(visit: Visit, **changes: object) -> dict[str, Any]:
    """What the visit page posts for `visit` as it stands, with `changes`."""
    data: dict[str, Any] = {
        "version": visit.version, "room": visit.room,
        "started_at": visit.started_at.strftime("%Y-%m-%dT%H:%M"), "ended_at": "",
        "pain_before": "5", "pain_after": "", "retention_minutes": "20",
        "minutes_without_estim": "20", "minutes_with_estim": "0", "insertions": "1",
        "needles_in": str(visit.needles_in), "needles_out": str(visit.needles_out),
        "needle_mismatch_reason": "", "needle_mismatch_note": "", "adjunct_note": "",
        "subjective": "Better", "objective": "", "assessment": "", "plan_note": "",
        "next_visit": "", "painkillers_taken": "", "point": [], "pk": []}
    for i, p in enumerate(visit.points.all()):
        data["point"].append(f"t{i}")
        data.update({f"p-t{i}-code": p.code, f"p-t{i}-side": p.side, f"p-t{i}-depth": "20",
                     f"p-t{i}-lot": LOT, f"p-t{i}-stim": "manual"})
    data.update(changes)
    return data


def test_it_opens_a_draft_from_the_plan_with_its_points(prac: Client, world: World,
                                                        episode) -> None:  # noqa: ANN001
    response = prac.post(f"/visits/episode/{episode.pk}/start/",
                         {"source": "plan", "room": "Room 4"})
    visit = Visit.objects.get()
    assert response["Location"] == f"/visits/{visit.pk}/"
    page = html(prac.get(response["Location"]))
    assert 'data-testid="point-BL23"' in page and 'data-testid="visit-form"' in page
    assert "Room 4" in page


def test_it_refuses_to_start_while_needling_is_blocked(prac: Client, world: World) -> None:
    page = html(prac.get(f"/visits/episode/{world.other_episode.pk}/"))
    assert 'data-testid="needling-blocked"' in page and "start-plan" not in page
    prac.post(f"/visits/episode/{world.other_episode.pk}/start/", {"source": "blank"})
    assert not Visit.objects.exists()


def test_it_saves_the_chart(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    visit = start(world)
    response = prac.post(f"/visits/{visit.pk}/", form_of(visit, pain_regions=["sacrum"],
                                                          needles_in="7", needles_out="7"))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.subjective, visit.pain_before, visit.pain_regions, visit.version) == (
        "Better", 5, ["sacrum"], 2)
    assert [line["code"] for line in visit.cpt["lines"]] == ["97810"]


def test_it_keeps_what_was_typed_and_shows_the_error_beside_the_row(prac: Client, world: World,
                                                                    episode) -> None:  # noqa: ANN001
    visit = start(world)
    data = form_of(visit, subjective="Keep me")
    data["p-t1-depth"] = "500"
    response = prac.post(f"/visits/{visit.pk}/", data)
    page = html(response)
    assert response.status_code == 200 and "Depth is 0.5 to 120 mm." in page
    assert "Keep me" in page and 'value="500"' in page
    visit.refresh_from_db()
    assert visit.version == 1


def test_it_shows_a_number_that_does_not_parse_beside_its_row(prac: Client, world: World,
                                                              episode) -> None:  # noqa: ANN001
    visit = start(world)
    page = html(prac.post(f"/visits/{visit.pk}/", form_of(visit, **{"p-t0-depth": "deep"})))
    assert "depth (mm): type a number." in page


def test_it_shows_both_versions_on_a_conflict(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    visit = start(world)
    stale = form_of(visit, subjective="Mine, typed on the tablet")
    fill(world, visit, subjective="Saved from the desk")
    response = prac.post(f"/visits/{visit.pk}/", stale)
    page = html(response)
    assert response.status_code == 409 and 'data-testid="conflict"' in page
    row = page[page.index('data-testid="conflict-subjective"'):]
    assert "Saved from the desk" in row[:600] and "Mine, typed on the tablet" in row[:600]
    assert Visit.objects.get().subjective == "Saved from the desk"
    # The form now names the saved version: saving again is a deliberate replacement.
    assert f'value="{visit.version + 1}"' in page
    again = prac.post(f"/visits/{visit.pk}/", {**stale, "version": visit.version + 1})
    assert again.status_code == 302
    assert Visit.objects.get().subjective == "Mine, typed on the tablet"


def test_it_counts_a_tap_and_hands_the_page_its_new_version(prac: Client, world: World,
                                                            episode) -> None:  # noqa: ANN001
    visit = start(world)
    response = prac.post(f"/visits/{visit.pk}/count/", {"which": "in", "delta": "1",
                                                        "version": "1"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="count-in">1<' in html(response)
    assert json.loads(response["HX-Trigger"]) == {"rooms-changed": True,
                                                  "visit-version": {"version": 2}}


def test_it_keeps_a_stale_pages_version_when_counting(prac: Client, world: World,
                                                      episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world))
    response = prac.post(f"/visits/{visit.pk}/count/", {"which": "out", "delta": "1",
                                                        "version": "1"})
    assert "visit-version" not in json.loads(response["HX-Trigger"])


def test_it_refuses_to_sign_on_a_needle_mismatch_and_says_why(prac: Client, world: World,
                                                              episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world), needles_out=2)
    response = prac.post(f"/visits/{visit.pk}/sign/", {"version": visit.version,
                                                       "password": PASSWORD})
    page = html(response)
    assert response.status_code == 422 and "came out. Count again" in page
    assert 'data-testid="mismatch"' in page
    assert Visit.objects.get().status == "draft"


def test_it_refuses_to_sign_with_a_wrong_password(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world))
    page = html(prac.post(f"/visits/{visit.pk}/sign/", {"version": visit.version,
                                                        "password": "nope"}))
    assert "That password is not correct" in page and Visit.objects.get().status == "draft"


def test_it_signs_and_then_shows_the_record_without_a_form(prac: Client, world: World,
                                                           episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world))
    response = prac.post(f"/visits/{visit.pk}/sign/", {"version": visit.version,
                                                       "password": PASSWORD})
    assert response.status_code == 302
    page = html(prac.get(f"/visits/{visit.pk}/"))
    assert 'data-testid="record"' in page and 'data-testid="visit-form"' not in page


@pytest.mark.parametrize(("path", "data"), [
    ("", {"subjective": "rewritten"}),
    ("count/", {"which": "out", "delta": "1"}),
    ("timer/", {"retention_minutes": "10"}),
    ("sign/", {"password": PASSWORD}),
])
def test_it_refuses_a_page_write_to_a_signed_visit(prac: Client, world: World, episode,  # noqa: ANN001
                                                   path: str, data: dict[str, str]) -> None:
    """The lock's page path: every form of the visit page leaves a signed visit as signed."""
    visit = signed(world)
    response = prac.post(f"/visits/{visit.pk}/{path}", form_of(visit, **data))
    assert response.status_code in (200, 302, 409, 422)
    fresh = Visit.objects.get()
    assert (fresh.subjective, fresh.version, fresh.content_hash, fresh.needles_out) == (
        visit.subjective, visit.version, visit.content_hash, visit.needles_out)
    assert fresh.retention_started_at == visit.retention_started_at


def test_it_shows_a_correction_beside_the_section_it_corrects(prac: Client, world: World,
                                                              episode) -> None:  # noqa: ANN001
    visit = signed(world)
    response = prac.post(f"/visits/{visit.pk}/amend/", {
        "kind": "correction", "section": "subjective", "text": "Stiff in the evenings.",
        "reason": "Misheard the patient"})
    assert response.status_code == 302
    page = html(prac.get(f"/visits/{visit.pk}/"))
    section = page[page.index('data-testid="sec-subjective"'):]
    section = section[:section.index('data-testid="sec-objective"')]
    assert "Back stiff in the mornings." in section and "Stiff in the evenings." in section


def test_it_keeps_an_amendment_form_and_its_errors(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    page = html(prac.post(f"/visits/{visit.pk}/amend/", {"kind": "addendum", "text": "x",
                                                         "reason": ""}))
    assert "This field is required." in page and not Amendment.objects.exists()


def test_it_raises_the_tamper_flag_on_the_page_and_the_printout(prac: Client, world: World,
                                                                episode) -> None:  # noqa: ANN001
    visit = signed(world)
    assert 'data-testid="tamper"' not in html(prac.get(f"/visits/{visit.pk}/"))
    Visit.objects.filter(pk=visit.pk).update(objective="edited in the database")
    assert 'data-testid="tamper"' in html(prac.get(f"/visits/{visit.pk}/"))
    assert "Tampering suspected" in html(prac.get(f"/visits/{visit.pk}/print/"))


def test_it_prints_the_amendments_beside_the_original(prac: Client, world: World,
                                                      episode) -> None:  # noqa: ANN001
    visit = signed(world)
    visit_amend(actor=world.practitioner, visit=visit, kind="late_entry", reason="forgot",
                text="Advised a heat pack.", refers_to=visit.started_at)
    page = html(prac.get(f"/visits/{visit.pk}/print/"))
    assert "Advised a heat pack." in page and "Late entry" in page and visit.content_hash in page


def test_it_files_an_adverse_event_from_the_visit(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    response = prac.post(f"/visits/{visit.pk}/adverse/", {
        "kind": "bleeding", "severity": "mild", "serious": "no", "causality": "certain",
        "onset_at": visit.ended_at.strftime("%Y-%m-%dT%H:%M"), "reporter": "practitioner",
        "outcome": "resolved", "points": ["BL40"]})
    assert response.status_code == 302
    event = AdverseEvent.objects.get()
    assert (event.points, event.lots) == (["BL40"], [LOT])
    detail = prac.post(f"/visits/adverse/{event.pk}/", {"reason": "wrong visit"})
    assert detail.status_code == 302 and AdverseEvent.objects.get().in_error_at is not None


def test_it_lists_my_unsigned_visits_and_the_rooms(prac: Client, client_for, world: World,
                                                   episode) -> None:  # noqa: ANN001
    visit = start(world, room="Room 5")
    visit_count(actor=world.practitioner, visit=visit, which="in", delta=1, seen_version=1)
    assert "visit 1" in html(prac.get("/visits/unsigned/"))
    desk = html(client_for("front_desk").get("/visits/rooms/"))
    assert "Room 5" in desk and "Grace Hopper" in desk and f"/visits/{visit.pk}/" not in desk


def test_it_puts_rooms_and_unsigned_visits_on_the_start_page(prac: Client, world: World,
                                                             episode) -> None:  # noqa: ANN001
    visit = start(world, room="Room 5")
    visit_count(actor=world.practitioner, visit=visit, which="in", delta=1, seen_version=1)
    page = html(prac.get("/"))
    assert 'id="rooms"' in page and 'id="unsigned_visits"' in page and "Room 5" in page


def test_it_finds_a_lot_and_downloads_it_as_csv(client_for, world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    owner = client_for("owner")
    assert f"/visits/{visit.pk}/" in html(owner.get(f"/visits/lots/?lot={LOT}"))
    csv = owner.get(f"/visits/lots/?lot={LOT}&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0] == "visit_id,date,patient_id,practitioner"
    assert lines[1].startswith(f"{visit.pk},") and len(lines) == 2
    assert "0 visits used lot" in html(owner.get("/visits/lots/?lot=NOPE"))
    assert client_for("practitioner").get("/visits/lots/").status_code == 403


def test_it_shows_the_visits_panel_on_the_episode_page(prac: Client, world: World,
                                                       episode) -> None:  # noqa: ANN001
    signed(world)
    page = html(prac.get(f"/episodes/{episode.pk}/"))
    assert 'data-testid="visits-panel"' in page and "1 visit;" in page


@pytest.mark.parametrize(("persona", "status"), [("front_desk", 403), ("patient_user", 404),
                                                 ("outsider", 404)])
def test_it_keeps_a_visit_page_from_other_roles_and_clinics(client_for, world: World, episode,  # noqa: ANN001
                                                            persona: str, status: int) -> None:
    visit = signed(world)
    for url in (f"/visits/{visit.pk}/", f"/visits/{visit.pk}/print/",
                f"/visits/{visit.pk}/adverse/"):
        assert client_for(persona).get(url).status_code == status


def test_it_opens_a_draft_in_a_bounded_number_of_queries(prac: Client, world: World, episode,  # noqa: ANN001
                                                         django_assert_max_num_queries) -> None:  # noqa: ANN001
    visit = fill(world, start(world))
    # 16 for the visit (its episode's screens with their referrals in one), 4 for billing's
    # coverage panel (the patient's course, read once); the real count on SQLite
    # (PostgreSQL: 18)
    with django_assert_max_num_queries(20):
        assert prac.get(f"/visits/{visit.pk}/").status_code == 200


def test_it_opens_a_signed_visit_in_a_bounded_number_of_queries(
        prac: Client, world: World, episode, django_assert_max_num_queries) -> None:  # noqa: ANN001
    visit = signed(world)
    with django_assert_max_num_queries(15):  # the real count on SQLite (PostgreSQL: 13)
        assert prac.get(f"/visits/{visit.pk}/").status_code == 200


def test_it_opens_the_episodes_visits_in_queries_that_do_not_grow(
        prac: Client, world: World, episode, django_assert_max_num_queries) -> None:  # noqa: ANN001
    for _ in range(6):
        signed(world)
    # 22 for the page (one page of the list, the episode's course read lightly, the
    # painkillers of the visits its course shows), 4 for billing's coverage warning (the
    # patient's course, read once); the real count on SQLite (PostgreSQL: 24)
    with django_assert_max_num_queries(26):
        assert prac.get(f"/visits/episode/{episode.pk}/").status_code == 200


def _post_after_the_session_ended(client: Client, url: str, data: dict[str, Any]) -> None:
    """Post `data` once the idle limit has passed, then log in again (as the same person)."""
    import datetime as dt
    from unittest import mock

    from django.conf import settings
    from django.utils import timezone

    client.get(url)
    later = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.post(url, data)
    assert response["Location"] == f"/login/?next={url}"
    login = client.post(f"/login/?next={url}", {"username": "prac", "password": PASSWORD})
    assert login["Location"] == url


def test_it_gives_back_an_adverse_event_posted_after_the_session_ended(
        prac: Client, world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    url = f"/visits/{visit.pk}/adverse/"
    _post_after_the_session_ended(prac, url, {
        "kind": "dizziness", "severity": "moderate", "serious": "no", "causality": "probable",
        "onset_at": visit.ended_at.strftime("%Y-%m-%dT%H:%M"), "reporter": "practitioner",
        "action": "Lay flat, legs raised", "outcome": "resolved"})
    page = html(prac.get(url))
    assert "Nothing was saved yet" in page and "Lay flat, legs raised" in page
    assert '<option value="dizziness" selected>' in page
    assert not AdverseEvent.objects.exists()


def test_it_gives_back_a_chart_posted_after_the_session_ended(prac: Client, world: World,
                                                              episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world))
    url = f"/visits/{visit.pk}/"
    _post_after_the_session_ended(prac, url, form_of(visit, subjective="Slept through"))
    page = html(prac.get(url))
    assert "Nothing was saved yet" in page and "Slept through</textarea>" in page
    assert Visit.objects.get(pk=visit.pk).subjective != "Slept through"
    assert "Slept through" not in html(prac.get(url))  # given back once


# Each visit page's queries: a pin, and the same count once the clinic has more visits. The
# draft and the episode page also show billing's coverage (the patient's course read once, the
# episode's screens shared with the needling judgement; a draft's claim lines are not looked
# for). The real counts (the larger of SQLite's and PostgreSQL's, 2026-12-02; SQLite's is
# 2 more on most pages): a new query on a visit page shows here. The
# episode page lists one page of visits (VISITS_LISTED).
PAGE_PINS = {"unsigned": 7, "rooms": 3, "lots": 7, "adverse": 10, "print": 14, "draft": 18,
             "signed": 12, "episode": 23}


def _page_queries(client_for, world: World, first: Visit, draft: Visit) -> dict[str, int]:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    prac, owner = client_for("practitioner"), client_for("owner")
    pages = {"unsigned": (prac, "/visits/unsigned/"), "rooms": (prac, "/visits/rooms/"),
             "lots": (owner, f"/visits/lots/?lot={LOT}"),
             "adverse": (prac, f"/visits/{first.pk}/adverse/"),
             "print": (prac, f"/visits/{first.pk}/print/"),
             "draft": (prac, f"/visits/{draft.pk}/"), "signed": (prac, f"/visits/{first.pk}/"),
             "episode": (prac, f"/visits/episode/{first.episode_id}/")}
    counts = {}
    for name, (client, url) in pages.items():
        client.get(url)  # the session's first-request writes are not the page's
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[name] = len(queries)
    return counts


def test_it_opens_every_visit_page_in_pinned_queries_that_do_not_grow(
        client_for, world: World, episode) -> None:  # noqa: ANN001
    first = signed(world)
    draft = fill(world, start(world), needles_out=0)
    few = _page_queries(client_for, world, first, draft)
    for _ in range(3):
        visit_amend(actor=world.practitioner, visit=signed(world), kind="addendum",
                    reason="called", text="Fine the next day.")
    many = _page_queries(client_for, world, first, draft)
    assert many == few
    assert {name: n for name, n in many.items() if n > PAGE_PINS[name]} == {}


def test_it_lists_an_episodes_visits_a_page_at_a_time_newest_first(
        prac: Client, world: World, episode, monkeypatch) -> None:  # noqa: ANN001
    import re

    from acuback.visits import selectors

    monkeypatch.setattr(selectors, "VISITS_LISTED", 2)
    visits = [signed(world) for _ in range(5)]
    in_error = visits[1]
    visit_amend(actor=world.practitioner, visit=in_error, kind="entered_in_error",
                reason="wrong patient")
    newest_first = sorted(visits, key=lambda v: (v.started_at, v.pk), reverse=True)
    url = f"/visits/episode/{episode.pk}/"
    seen, page, pages = [], html(prac.get(url)), 0
    assert "newest-visits" not in page  # the first page is the newest
    assert 'data-testid="visit-count">5 visits, newest first' in page
    while True:
        pages += 1
        seen += [int(n) for n in re.findall(r'href="/visits/(\d+)/">Visit', page)]
        older = re.search(r'href="([^"]+\?before=\d+)" rel="next"', page)
        if older is None:
            break
        page = html(prac.get(older.group(1).replace("&amp;", "&")))
        assert 'data-testid="newest-visits"' in page
    assert (seen, pages) == ([v.pk for v in newest_first], 3)
    # Whatever the page, the panels about the whole episode stay whole: the painkillers of
    # every visit not entered in error (a course this short is shown whole).
    last = html(prac.get(f"{url}?before={newest_first[3].pk}"))
    course = last.split('data-testid="painkiller-course"')[1].split("</table>")[0]
    assert sorted(int(n) for n in re.findall(r"Visit (\d+)", course)) == sorted(
        v.number for v in visits if v != in_error)


def test_it_shows_a_long_painkiller_course_from_its_first_visit_and_its_latest(
        prac: Client, world: World, episode, monkeypatch) -> None:  # noqa: ANN001
    import re

    from acuback.visits import selectors

    monkeypatch.setattr(selectors, "COURSE_SHOWN", 3)
    visits = [signed(world) for _ in range(6)]
    visit_amend(actor=world.practitioner, visit=visits[4], kind="entered_in_error",
                reason="wrong patient")
    page = html(prac.get(f"/visits/episode/{episode.pk}/"))
    course = page.split('data-testid="painkiller-course"')[1].split("</table>")[0]
    # Five live visits: the first, then how many are left out, then the latest two.
    live = [v.number for v in visits if v != visits[4]]
    assert re.findall(r"Visit (\d+)", course) == [str(n) for n in (live[0], *live[-2:])]
    gap = course.split('data-testid="course-left-out"')[1].split("</tr>")[0]
    assert "2 visits between not shown" in gap
    assert course.index(f"Visit {live[0]} ") < course.index("course-left-out") < course.index(
        f"Visit {live[-2]} ")


def test_it_gives_the_newest_page_for_a_cursor_of_another_episode(
        prac: Client, world: World, episode, monkeypatch) -> None:  # noqa: ANN001
    from acuback.visits import selectors

    monkeypatch.setattr(selectors, "VISITS_LISTED", 1)
    mine = [signed(world) for _ in range(2)]
    from acuback.visits.signing import visit_sign

    elsewhere = fill(world, start(world, ready(world, world.episode)))
    elsewhere = visit_sign(actor=world.practitioner, visit=elsewhere, password=PASSWORD,
                           version=elsewhere.version)
    for before in ("junk", "0", str(elsewhere.pk)):
        page = html(prac.get(f"/visits/episode/{episode.pk}/?before={before}"))
        assert f'href="/visits/{mine[-1].pk}/">Visit' in page
        assert f'href="/visits/{mine[0].pk}/">Visit' not in page
