"""Starting and charting a draft visit: where its points come from, the red-flag gate, the
checks on every point, versions, needle counting and the retention timer."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from acuback.accounts.access import Forbidden, NotFound
from acuback.audit.models import AuditEntry
from acuback.errors import InputError
from acuback.visits.access import NeedlingBlocked, StaleVersion
from acuback.visits.combinations import combination_save
from acuback.visits.inputs import PainkillerInput, PointInput
from acuback.visits.models import Visit
from acuback.visits.services import (
    visit_count,
    visit_start,
    visit_timer_start,
    visit_update,
)
from tests.personas import World, make_episode, make_patient
from tests.screening.factories import URGENT, screen
from tests.visits.factories import LOT, PLAN_CODES, ashi, charted, fill, ready, start


@pytest.fixture
def episode(world: World):  # noqa: ANN201
    return ready(world)


def codes(visit: Visit) -> list[str]:
    return [p.code for p in visit.points.all()]


def test_it_starts_from_the_plan_with_its_points(world: World, episode) -> None:  # noqa: ANN001
    visit = start(world)
    assert (visit.number, visit.status, visit.started_from) == (1, "draft", "plan")
    assert codes(visit) == list(PLAN_CODES)


def test_it_numbers_visits_within_the_episode(world: World, episode) -> None:  # noqa: ANN001
    assert [start(world).number for _ in range(3)] == [1, 2, 3]


def test_it_starts_same_as_last_time_with_the_last_visits_needles(world: World, episode) -> None:  # noqa: ANN001
    visit = start(world)
    first = fill(world, visit, points=[*charted(visit).points, ashi()])
    again = start(world, source="last_visit")
    assert codes(again) == [*PLAN_CODES, ""]
    assert {p.lot for p in again.points.all() if p.code} == {LOT}
    assert again.points.last().ashi_location == "left PSIS"
    assert first.pk != again.pk


def test_it_starts_from_a_saved_combination(world: World, episode) -> None:  # noqa: ANN001
    combo = combination_save(actor=world.practitioner, clinic_id=world.clinic_a.pk,
                             name="Lumbar basics", points=[{"code": "bl 60"}, {"code": "GB30"}])
    visit = start(world, source="combination", combination=combo)
    assert codes(visit) == ["BL60", "GB30"]


def test_it_refuses_another_practitioners_private_combination(world: World, episode) -> None:  # noqa: ANN001
    combo = combination_save(actor=world.owner, clinic_id=world.clinic_a.pk, name="Mine",
                             points=[{"code": "BL60"}])
    with pytest.raises(InputError):
        start(world, source="combination", combination=combo)


def test_it_refuses_to_start_from_a_plan_that_does_not_exist(world: World) -> None:
    episode = make_episode(world.practitioner, world.other_patient)
    screen(world.practitioner, episode)
    with pytest.raises(InputError, match="no treatment plan"):
        start(world, episode)


def test_it_refuses_a_visit_before_any_red_flag_screen(world: World) -> None:
    with pytest.raises(NeedlingBlocked, match="Screen for red flags"):
        start(world, world.episode, source="blank")


def test_it_refuses_a_visit_while_an_urgent_red_flag_is_unresolved(world: World,
                                                                   episode) -> None:  # noqa: ANN001
    screen(world.practitioner, episode, *URGENT)
    with pytest.raises(NeedlingBlocked):
        start(world)
    assert AuditEntry.objects.filter(object_type="visit", outcome="denied").exists()


def test_it_refuses_a_visit_while_a_deciding_health_question_was_never_asked(
        world: World) -> None:
    patient = make_patient(world.practitioner, "Never", "Asked", asked=False)
    episode = make_episode(world.practitioner, patient)
    screen(world.practitioner, episode)
    with pytest.raises(NeedlingBlocked, match="Take the health history first"):
        start(world, episode, source="blank")
    assert not Visit.objects.exists()


def test_it_refuses_a_needle_in_after_an_urgent_screen(world: World, episode) -> None:  # noqa: ANN001
    visit = start(world)
    screen(world.practitioner, episode, *URGENT)
    with pytest.raises(NeedlingBlocked):
        visit_count(actor=world.practitioner, visit=visit, which="in", delta=1,
                    seen_version=visit.version)


@pytest.mark.parametrize(("persona", "error"), [("front_desk", Forbidden),
                                                ("outsider", NotFound),
                                                ("patient_user", Forbidden)])
def test_it_lets_only_clinicians_of_the_clinic_start(world: World, episode, persona: str,  # noqa: ANN001
                                                     error: type) -> None:
    with pytest.raises(error):
        visit_start(actor=world.persona(persona), episode=episode, source="plan")
    assert not Visit.objects.exists()


def test_it_stores_a_complete_chart(world: World, episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world), pain_regions=["lower_back_left", "neck"],
                 finger_floor_cm=Decimal("12.5"), slr_left_deg=60, adjuncts=["heat", "advice"])
    point = visit.points.first()
    assert (point.depth_mm, point.gauge_mm, point.length_mm, point.lot, point.de_qi) == (
        Decimal("25"), Decimal("0.25"), 40, LOT, True)
    assert visit.pain_regions == ["neck", "lower_back_left"]  # the outline's order
    assert (visit.version, visit.finger_floor_cm, visit.adjuncts) == (2, Decimal("12.5"),
                                                                      ["advice", "heat"])


def test_it_stores_the_cpt_lines_with_their_rule_version(world: World, episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world), minutes_without_estim=25, insertions=2)
    assert [(line["code"], line["units"]) for line in visit.cpt["lines"]] == [
        ("97810", 1), ("97811", 1)]
    assert visit.cpt_rule_version.startswith("cpt-acupuncture-")


def test_it_bills_no_second_initial_code_the_same_day(world: World, episode) -> None:  # noqa: ANN001
    fill(world, start(world))
    later = fill(world, start(world))
    assert [line["code"] for line in later.cpt["lines"]] == ["97811"]


def test_it_keeps_unknown_as_not_asked(world: World, episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world), pain_before=None, painkillers_taken=None)
    assert (visit.pain_before, visit.painkillers_taken) == (None, None)


@pytest.mark.parametrize(("change", "key"), [
    ({"pain_before": 11}, "pain_before"),
    ({"slr_right_deg": 150}, "slr_right_deg"),
    ({"pain_regions": ["tail"]}, "pain_regions"),
    ({"adjuncts": ["reiki"]}, "adjuncts"),
    ({"minutes_with_estim": 10}, "minutes_with_estim"),
    ({"painkillers_taken": True}, "painkillers"),
    ({"painkillers_taken": False,
      "painkillers": [PainkillerInput("ibuprofen", Decimal(400), 2, 3)]}, "painkillers_taken"),
])
def test_it_refuses_a_value_that_cannot_be(world: World, episode, change: dict,  # noqa: ANN001
                                           key: str) -> None:
    visit = start(world)
    with pytest.raises(InputError) as caught:
        fill(world, visit, **change)
    assert key in caught.value.errors
    visit.refresh_from_db()
    assert visit.version == 1  # nothing half-written


def point_errors(world: World, *points: PointInput) -> dict[str, list[str]]:
    visit = start(world)
    with pytest.raises(InputError) as caught:
        fill(world, visit, points=list(points))
    return caught.value.errors


def test_it_names_an_unknown_point_with_suggestions(world: World, episode) -> None:  # noqa: ANN001
    errors = point_errors(world, PointInput(code="BL99"))
    assert "points.0.code" in errors


def test_it_needs_an_ashi_points_location_and_side(world: World, episode) -> None:  # noqa: ANN001
    errors = point_errors(world, PointInput(ashi_location=""), PointInput(ashi_location="x"))
    assert "points.0.ashi_location" in errors and "points.1.side" in errors


def test_it_refuses_a_point_listed_twice(world: World, episode) -> None:  # noqa: ANN001
    assert "points.1.code" in point_errors(world, PointInput(code="BL23"),
                                           PointInput(code="bl23"))


def test_it_refuses_electrical_stimulation_without_frequency_and_leads(world: World,
                                                                       episode) -> None:  # noqa: ANN001
    errors = point_errors(world, PointInput(code="BL23", stimulation="electrical"))
    assert {"points.0.estim_hz", "points.0.electrode_pair"} <= set(errors)


def test_it_refuses_estim_for_a_patient_with_a_pacemaker(world: World) -> None:
    episode = ready(world, world.episode)  # Ada Lovelace: pacemaker, pregnant
    visit = start(world, episode, source="blank")
    with pytest.raises(InputError) as caught:
        fill(world, visit, points=[PointInput(code="BL23", stimulation="electrical",
                                              estim_hz=Decimal(2), electrode_pair=1)])
    assert "No e-stim" in caught.value.errors["points.0.stimulation"][0]


def test_it_needs_an_override_reason_for_a_point_excluded_for_the_patient(world: World) -> None:
    episode = ready(world, world.episode)  # pregnant: LI4 is on the avoid list
    visit = start(world, episode, source="blank")
    with pytest.raises(InputError) as caught:
        fill(world, visit, points=[PointInput(code="LI4")])
    assert "excluded for this patient" in caught.value.errors["points.0.override_reason"][0]
    saved = fill(world, visit, points=[PointInput(code="LI4", override_reason="obstetrician ok")])
    assert saved.points.get().excluded_why


def test_it_refuses_a_stale_version_and_keeps_the_newer_one(world: World, episode) -> None:  # noqa: ANN001
    visit = start(world)
    fill(world, visit, subjective="first")
    with pytest.raises(StaleVersion) as caught:
        visit_update(actor=world.practitioner, visit=visit, version=1,
                     data=charted(visit, subjective="second"))
    assert caught.value.current.subjective == "first"
    visit.refresh_from_db()
    assert visit.subjective == "first"


def test_it_lets_only_the_visits_practitioner_change_it(world: World, episode) -> None:  # noqa: ANN001
    visit = start(world)
    with pytest.raises(Forbidden):
        visit_update(actor=world.owner, visit=visit, data=charted(visit), version=1)


def test_it_counts_needles_by_taps_and_starts_the_timer(world: World, episode) -> None:  # noqa: ANN001
    visit = start(world)
    for _ in range(3):
        counted = visit_count(actor=world.practitioner, visit=visit, which="in", delta=1,
                              seen_version=visit.version)
        visit = counted.visit
    visit = visit_count(actor=world.practitioner, visit=visit, which="out", delta=1,
                        seen_version=visit.version).visit
    assert (visit.needles_in, visit.needles_out, visit.version) == (3, 1, 5)
    assert visit.retention_started_at is not None


def test_it_never_counts_below_zero(world: World, episode) -> None:  # noqa: ANN001
    visit = start(world)
    counted = visit_count(actor=world.practitioner, visit=visit, which="out", delta=-1,
                          seen_version=1)
    assert counted.visit.needles_out == 0


def test_it_counts_for_a_stale_page_but_says_it_is_out_of_step(world: World, episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world))
    counted = visit_count(actor=world.practitioner, visit=visit, which="in", delta=1,
                          seen_version=1)
    assert counted.visit.needles_in == visit.needles_in + 1 and not counted.in_step


def test_it_restarts_the_retention_timer(world: World, episode) -> None:  # noqa: ANN001
    visit = visit_timer_start(actor=world.practitioner, visit=start(world), minutes=25,
                              seen_version=1).visit
    assert visit.retention_minutes == 25 and visit.retention_started_at is not None
    with pytest.raises(InputError):
        visit_timer_start(actor=world.practitioner, visit=visit, minutes=0)


def test_it_audits_each_write_with_the_changed_fields(world: World, episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world), subjective="Better")
    entry = AuditEntry.objects.filter(object_type="visit", action="update").first()
    assert entry.object_id == str(visit.pk) and "subjective" in entry.detail["fields"]


def test_it_keeps_a_draft_points_lots_when_replacing_rows(world: World, episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world))
    data = charted(visit)
    again = visit_update(actor=world.practitioner, visit=visit, version=visit.version,
                         data=replace(data, points=data.points[:1]))
    assert [p.code for p in again.points.all()] == ["BL23"]
