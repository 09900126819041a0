"""The visits API: ETag and If-Match (412 stale, 428 missing), the lock (409), signing, points,
painkillers, amendments, adverse events, lots, and what front desk may see."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from acuback.visits.models import AdverseEvent, Visit
from tests.api.payloads import problem
from tests.personas import PASSWORD, World
from tests.visits.factories import LOT, PLAN_CODES, ready, signed, start

JSON = "application/json"


@pytest.fixture
def episode(world: World):  # noqa: ANN201
    return ready(world)


@pytest.fixture
def prac(client_for) -> Client:  # noqa: ANN001
    return client_for("practitioner")


def body(response: Any) -> dict[str, Any]:
    return json.loads(response.content)


def chart(visit_json: dict[str, Any], **changes: object) -> dict[str, Any]:
    points = [{"code": p["code"], "side": p["side"], "depth_mm": "20", "gauge_mm": "0.25",
               "length_mm": 40, "lot": LOT, "manufacturer": "Hwato"}
              for p in visit_json["points"]]
    needles = sum(2 if p["side"] == "bilateral" else 1 for p in points)
    data = {"points": points, "needles_in": needles, "needles_out": needles,
            "minutes_without_estim": 20, "pain_before": 6, "subjective": "Stiff",
            "painkillers_taken": False}
    data.update(changes)
    return data


def put(client: Client, visit_id: int, data: dict[str, Any], etag: str | None) -> Any:
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return client.put(f"/api/visits/{visit_id}", data, content_type=JSON, **headers)


def post(client: Client, path: str, data: dict[str, Any], etag: str | None = None) -> Any:
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return client.post(path, data, content_type=JSON, **headers)


def created(prac: Client, world: World) -> Any:
    return post(prac, "/api/visits/", {"episode_id": world.other_episode.pk, "source": "plan",
                                       "room": "Room 3"})


def test_it_starts_a_visit_from_the_plan_with_an_etag(prac: Client, world: World,
                                                      episode) -> None:  # noqa: ANN001
    response = created(prac, world)
    data = body(response)
    assert response.status_code == 201 and response["ETag"] == '"1.0"'
    assert [p["code"] for p in data["points"]] == list(PLAN_CODES)
    assert (data["status"], data["room"], data["number"]) == ("draft", "Room 3", 1)


def test_it_answers_409_while_a_red_flag_blocks_needling(prac: Client, world: World) -> None:
    response = post(prac, "/api/visits/", {"episode_id": world.other_episode.pk,
                                           "source": "blank"})
    assert "red flags" in problem(response, 409)["detail"]


def test_it_gives_the_etag_on_read(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    visit = start(world)
    response = prac.get(f"/api/visits/{visit.pk}")
    assert response.status_code == 200 and response["ETag"] == '"1.0"'


def test_it_writes_with_the_current_etag(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    response = created(prac, world)
    saved = put(prac, body(response)["id"], chart(body(response)), response["ETag"])
    assert saved.status_code == 200 and saved["ETag"] == '"2.0"'
    assert body(saved)["cpt"]["lines"][0]["code"] == "97810"


def test_it_answers_428_when_if_match_is_missing(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    response = created(prac, world)
    for etag in (None, "*"):
        problem(put(prac, body(response)["id"], chart(body(response)), etag), 428)
    assert Visit.objects.get().version == 1


def test_it_answers_412_to_a_stale_if_match_and_writes_nothing(prac: Client, world: World,
                                                               episode) -> None:  # noqa: ANN001
    response = created(prac, world)
    visit_id, first = body(response)["id"], response["ETag"]
    put(prac, visit_id, chart(body(response), subjective="first"), first)
    stale = put(prac, visit_id, chart(body(response), subjective="second"), first)
    problem(stale, 412)
    assert stale["ETag"] == '"2.0"'
    assert Visit.objects.get().subjective == "first"


def test_it_answers_422_beside_the_point_that_is_wrong(prac: Client, world: World,
                                                       episode) -> None:  # noqa: ANN001
    response = created(prac, world)
    data = chart(body(response))
    data["points"][1]["code"] = "BL99"
    errors = problem(put(prac, body(response)["id"], data, response["ETag"]), 422)["errors"]
    assert "points.1.code" in errors


def test_it_counts_a_needle_and_returns_the_new_etag(prac: Client, world: World,
                                                     episode) -> None:  # noqa: ANN001
    response = created(prac, world)
    tap = post(prac, f"/api/visits/{body(response)['id']}/needles", {"which": "in"},
               response["ETag"])
    assert tap.status_code == 200 and body(tap)["needles_in"] == 1 and tap["ETag"] == '"2.0"'
    assert body(tap)["retention_started_at"] is not None


def sign(prac: Client, visit_id: int, etag: str, password: str = PASSWORD) -> Any:
    return post(prac, f"/api/visits/{visit_id}/sign", {"password": password}, etag)


def test_it_signs_with_the_password_and_locks(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    response = created(prac, world)
    saved = put(prac, body(response)["id"], chart(body(response)), response["ETag"])
    done = sign(prac, body(saved)["id"], saved["ETag"])
    assert done.status_code == 200 and body(done)["status"] == "signed"
    assert len(body(done)["content_hash"]) == 64 and not body(done)["tampered"]
    locked = put(prac, body(done)["id"], chart(body(saved)), done["ETag"])
    assert "locked" in problem(locked, 409)["detail"]
    problem(post(prac, f"/api/visits/{body(done)['id']}/needles", {"which": "out"},
                 done["ETag"]), 409)


def test_it_refuses_to_sign_with_a_wrong_password(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    response = created(prac, world)
    saved = put(prac, body(response)["id"], chart(body(response)), response["ETag"])
    assert "password" in problem(sign(prac, body(saved)["id"], saved["ETag"], "nope"),
                                 422)["errors"]


def test_it_refuses_to_sign_on_a_needle_mismatch(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    response = created(prac, world)
    saved = put(prac, body(response)["id"], chart(body(response), needles_out=1),
                response["ETag"])
    assert "needles" in problem(sign(prac, body(saved)["id"], saved["ETag"]), 422)["errors"]


def test_it_amends_a_signed_visit(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    response = post(prac, f"/api/visits/{visit.pk}/amendments",
                    {"kind": "addendum", "reason": "called", "text": "Fine the next day"})
    assert response.status_code == 201 and body(response)["author"] == "prac"
    assert prac.get(f"/api/visits/{visit.pk}")["ETag"] == f'"{visit.version}.1"'
    listed = body(prac.get(f"/api/visits/{visit.pk}/amendments"))
    assert [a["kind"] for a in listed] == ["addendum"]


def test_it_replaces_points_and_painkillers_with_if_match(prac: Client, world: World,
                                                          episode) -> None:  # noqa: ANN001
    response = created(prac, world)
    visit_id = body(response)["id"]
    points = prac.put(f"/api/visits/{visit_id}/points", {"points": [{"code": "BL60"}]},
                      content_type=JSON, HTTP_IF_MATCH=response["ETag"])
    assert points.status_code == 200
    assert [p["code"] for p in body(prac.get(f"/api/visits/{visit_id}/points"))] == ["BL60"]
    pk = prac.put(f"/api/visits/{visit_id}/painkillers",
                  {"painkillers_taken": True, "painkillers": [
                      {"drug": "tramadol", "dose": 50, "times_a_day": 2, "days_last_week": 7}]},
                  content_type=JSON, HTTP_IF_MATCH=points["ETag"])
    [use] = body(prac.get(f"/api/visits/{visit_id}/painkillers"))
    assert pk.status_code == 200 and (use["mme_per_day"], use["mme_table_version"]) == (
        "20.00", "CDC-2022")


def test_it_files_and_follows_up_an_adverse_event(prac: Client, world: World,
                                                  episode) -> None:  # noqa: ANN001
    visit = signed(world)
    filed = post(prac, f"/api/visits/{visit.pk}/adverse-events", {
        "kind": "bleeding", "severity": "mild", "serious": False, "causality": "certain",
        "onset_at": visit.ended_at.isoformat(), "points": ["BL40"]})
    event = body(filed)
    assert filed.status_code == 201 and event["lots"] == [LOT]
    follow = {"outcome": "resolved", "severity": "mild", "serious": False}
    url = f"/api/visits/adverse-events/{event['id']}"
    problem(prac.patch(url, follow, content_type=JSON), 428)
    done = prac.patch(url, follow, content_type=JSON, HTTP_IF_MATCH='"1"')
    assert done.status_code == 200 and done["ETag"] == '"2"'
    problem(prac.patch(url, follow, content_type=JSON, HTTP_IF_MATCH='"1"'), 412)
    assert AdverseEvent.objects.get().outcome == "resolved"


def test_it_records_intake_painkillers(prac: Client, world: World, episode) -> None:  # noqa: ANN001
    url = f"/api/visits/episode/{episode.pk}/painkillers"
    response = post(prac, url, {"painkillers": [
        {"drug": "fentanyl_patch", "dose": 12, "times_a_day": 1, "days_last_week": 7}]})
    assert response.status_code == 201 and body(response)[0]["mme_per_day"] == "28.80"
    wrong = post(prac, f"/api/visits/painkillers/{body(response)[0]['id']}/entered-in-error",
                 {"reason": "was 25 mcg/hr"})
    assert body(wrong)["in_error_reason"] == "was 25 mcg/hr"
    assert len(body(prac.get(url))) == 1


def test_it_finds_a_lot_for_owners_and_an_empty_list_for_an_unknown_one(
        client_for, world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    owner = client_for("owner")
    assert [u["visit_id"] for u in body(owner.get(f"/api/visits/lots/{LOT}"))] == [visit.pk]
    assert body(owner.get("/api/visits/lots/NO-SUCH-LOT")) == []
    problem(client_for("practitioner").get(f"/api/visits/lots/{LOT}"), 403)


def test_it_shows_front_desk_that_visits_happened_but_not_their_content(
        client_for, world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    desk = client_for("front_desk")
    listed = desk.get(f"/api/visits/?patient_id={world.other_patient.pk}")
    assert listed.status_code == 200 and [v["id"] for v in body(listed)] == [visit.pk]
    assert "subjective" not in body(listed)[0]
    problem(desk.get(f"/api/visits/{visit.pk}"), 403)


def test_it_hides_a_visit_from_another_clinic_like_a_missing_one(client_for, world: World,
                                                                 episode) -> None:  # noqa: ANN001
    visit = signed(world)
    outsider = client_for("outsider")
    other = outsider.get(f"/api/visits/{visit.pk}")
    missing = outsider.get(f"/api/visits/{visit.pk + 1000}")
    assert (other.status_code, other.content) == (missing.status_code, missing.content)
    problem(other, 404)


def test_it_saves_and_lists_combinations(prac: Client, world: World) -> None:
    response = post(prac, "/api/visits/combinations/", {
        "name": "Sciatica", "points": [{"code": "GB30"}, {"code": "bl40"}]})
    assert response.status_code == 201 and body(response)["points"][1]["code"] == "BL40"
    assert [c["name"] for c in body(prac.get("/api/visits/combinations/"))] == ["Sciatica"]


@pytest.mark.parametrize(("method", "path", "data"), [
    ("put", "", {"subjective": "rewritten", "needles_in": 0, "needles_out": 0}),
    ("put", "/points", {"points": [{"code": "BL60"}]}),
    ("put", "/painkillers", {"painkillers_taken": True, "painkillers": [
        {"drug": "tramadol", "dose": 50, "times_a_day": 2, "days_last_week": 7}]}),
    ("post", "/needles", {"which": "out"}),
    ("post", "/sign", {"password": PASSWORD}),
])
def test_it_locks_a_signed_visit_on_every_api_write(prac: Client, world: World, episode,  # noqa: ANN001
                                                    method: str, path: str,
                                                    data: dict[str, Any]) -> None:
    """The lock's API path: each write answers 409 with the current ETag, and the record and
    its hash stay as signed."""
    visit = signed(world)
    etag = prac.get(f"/api/visits/{visit.pk}")["ETag"]
    send = getattr(prac, method)
    response = send(f"/api/visits/{visit.pk}{path}", data, content_type=JSON,
                    HTTP_IF_MATCH=etag)
    assert "locked" in problem(response, 409)["detail"]
    fresh = Visit.objects.get(pk=visit.pk)
    assert (fresh.version, fresh.content_hash, fresh.subjective) == (
        visit.version, visit.content_hash, visit.subjective)
    assert [p.code for p in fresh.points.all()] == [p.code for p in visit.points.all()]
    assert not body(prac.get(f"/api/visits/{visit.pk}"))["tampered"]
