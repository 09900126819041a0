"""Saving a treatment plan: the safety gate, overrides, validation, revisions, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound
from acuback.audit.models import AuditEntry
from acuback.clinical.acupoints import catalogue
from acuback.errors import ConflictError, InputError
from acuback.plans.models import Plan, PlanPoint
from acuback.plans.selectors import plan_current
from acuback.plans.services import (
    Course,
    Goal,
    PlanningBlocked,
    PointChoice,
    Reassess,
    plan_save,
)
from acuback.screening.services import referral_record
from tests.personas import World, make_episode
from tests.plans.factories import ODI_UNDER_20, proposal_for, save
from tests.screening.factories import EMERGENCY, ROUTINE, URGENT, screen

PREGNANCY_REASON = "Discussed with the patient and her midwife; 20 weeks, low dose"


@pytest.fixture
def screened(world: World) -> World:
    screen(world.practitioner, world.episode)
    return world


# --- the red-flag gate ---------------------------------------------------------------------


def test_it_refuses_a_plan_before_any_screen(world: World) -> None:
    with pytest.raises(PlanningBlocked) as err:
        save(world.practitioner, world.episode)
    assert "Screen for red flags first" in str(err.value)
    assert not Plan.objects.exists()


def test_it_audits_a_plan_refused_by_the_red_flag_gate(world: World) -> None:
    with pytest.raises(PlanningBlocked):
        save(world.practitioner, world.episode)
    entry = AuditEntry.objects.get(object_type="plan")
    assert (entry.outcome, entry.detail["why"]) == ("denied", "planning blocked")


@pytest.mark.parametrize("yes", [URGENT, EMERGENCY])
def test_it_refuses_a_plan_after_a_serious_screen(world: World, yes: tuple[str, ...]) -> None:
    screen(world.practitioner, world.episode, *yes)
    with pytest.raises(PlanningBlocked) as err:
        save(world.practitioner, world.episode)
    assert "Planning is blocked" in str(err.value)


def test_it_refuses_a_plan_when_the_patient_declined_referral(world: World) -> None:
    s = screen(world.practitioner, world.episode, *URGENT)
    referral_record(actor=world.practitioner, screening=s, outcome="patient_declined")
    with pytest.raises(PlanningBlocked):
        save(world.practitioner, world.episode)


def test_it_saves_a_plan_after_a_physician_clears_the_patient(world: World) -> None:
    s = screen(world.practitioner, world.episode, *EMERGENCY)
    referral_record(actor=world.practitioner, screening=s, outcome="referred_emergency")
    referral_record(actor=world.practitioner, screening=s, outcome="cleared_by_physician",
                    note="ED: MRI excluded cauda equina")
    world.episode.refresh_from_db()
    assert save(world.practitioner, world.episode).number == 1


def test_it_saves_a_plan_after_a_routine_screen(world: World) -> None:
    screen(world.practitioner, world.episode, *ROUTINE)
    assert save(world.practitioner, world.episode).number == 1


# --- what a plan keeps ---------------------------------------------------------------------


def test_it_keeps_the_proposal_as_the_prescriber_made_it(screened: World) -> None:
    plan = save(screened.practitioner, screened.episode, ["BL23"])
    proposal = plan.proposal
    assert proposal["catalogue_version"] == catalogue().version
    assert [p["code"] for p in proposal["points"]][:4] == ["BL23", "BL40", "KI3", "GV3"]
    assert {"code": "BL60", "why": proposal["excluded"][0]["why"]} in proposal["excluded"]
    assert proposal["estim"]["allowed"] is False
    assert [c["kind"] for c in proposal["contraindications"]] == ["pregnancy",
                                                                  "implanted_device"]


def test_it_asks_the_prescriber_with_the_episode_and_health_history(screened: World) -> None:
    request = save(screened.practitioner, screened.episode).proposal["request"]
    assert request["region"] == "lumbar" and request["side"] == "bilateral"
    assert request["chronicity"] == screened.episode.chronicity.value
    assert request["pregnant"] is True and request["pregnancy_weeks"] == 20
    assert request["implanted_device"] is True  # a pacemaker
    assert request["anticoagulant"] is False


def test_it_keeps_every_proposed_point_when_none_is_changed(screened: World) -> None:
    plan = save(screened.practitioner, screened.episode)
    assert all(d.change == "kept" for d in plan.diff())


def test_it_keeps_the_final_choice_beside_the_proposal(screened: World) -> None:
    plan = save(screened.practitioner, screened.episode, ["BL23", "BL25"])
    assert [(p.code, p.side) for p in plan.points.all()] == [("BL23", "bilateral"),
                                                             ("BL25", "bilateral")]
    changes = {d.code: d.change for d in plan.diff()}
    assert changes["BL23"] == "kept" and changes["BL40"] == "left out"


def test_it_shows_added_points_and_changed_sides_in_the_diff(screened: World) -> None:
    plan = plan_save(
        actor=screened.practitioner, episode=screened.episode,
        proposal=proposal_for(screened.episode),
        points=[PointChoice("BL23", "left"), PointChoice("BL57")], course=Course(10, 2),
        goals=[ODI_UNDER_20], reassess=Reassess(5), overrides={},
    )
    changes = {d.code: d.change for d in plan.diff()}
    assert changes["BL23"] == "side changed"
    assert changes["BL57"] == "added"


def test_it_saves_the_course_goals_and_reassessment(screened: World) -> None:
    on = timezone.localdate() + dt.timedelta(days=35)
    plan = save(screened.practitioner, screened.episode, course=Course(12, 3),
                goals=[ODI_UNDER_20, Goal(text="Walk to work again")],
                reassess=Reassess(after_session=6, on_date=on))
    plan.refresh_from_db()
    assert (plan.sessions, plan.per_week, plan.weeks) == (12, 3, 4)
    assert plan.goals == [{"instrument": "odi", "comparator": "<", "target": 20},
                          {"text": "Walk to work again"}]
    assert plan.goal_words() == ["ODI < 20", "Walk to work again"]
    assert (plan.reassess_after_session, plan.reassess_on) == (6, on)


def test_it_puts_a_single_point_on_the_midline_and_a_paired_one_on_both_sides(
    screened: World,
) -> None:
    plan = save(screened.practitioner, screened.episode, ["GV4", "BL25"])
    assert {p.code: p.side for p in plan.points.all()} == {"GV4": "midline",
                                                          "BL25": "bilateral"}


def test_it_stores_codes_in_their_catalogue_spelling(screened: World) -> None:
    plan = save(screened.practitioner, screened.episode, ["bl 23", "ex-b2"])
    assert [p.code for p in plan.points.all()] == ["BL23", "EX-B2"]


# --- overrides ----------------------------------------------------------------------------


def test_it_refuses_an_excluded_point_without_an_override_and_says_why(
    screened: World,
) -> None:
    with pytest.raises(InputError) as err:
        save(screened.practitioner, screened.episode, ["BL23", "BL60"])
    message = err.value.errors["override.BL60"][0]
    assert message.startswith("BL60 is excluded for this patient: tagged pregnancy_avoid")
    assert "give your reason" in message
    assert not Plan.objects.exists()


def test_it_refuses_an_override_with_a_blank_reason(screened: World) -> None:
    with pytest.raises(InputError):
        save(screened.practitioner, screened.episode, ["BL60"], overrides={"BL60": "  "})


def test_it_records_the_override_on_the_point(screened: World) -> None:
    plan = save(screened.practitioner, screened.episode, ["BL23", "BL60"],
                overrides={"BL60": PREGNANCY_REASON})
    bl60 = plan.points.get(code="BL60")
    assert bl60.overridden is True
    assert bl60.override_reason == PREGNANCY_REASON
    assert bl60.excluded_why.startswith("tagged pregnancy_avoid")
    assert plan.points.get(code="BL23").overridden is False


def test_it_audits_the_override_with_code_and_reason(screened: World) -> None:
    plan = save(screened.practitioner, screened.episode, ["BL23", "BL60"],
                overrides={"BL60": PREGNANCY_REASON})
    entry = AuditEntry.objects.get(object_type="plan", action="create", outcome="ok")
    assert entry.object_id == str(plan.pk)
    assert entry.detail["points"] == ["BL23", "BL60"]
    assert entry.detail["overrides"] == [{"code": "BL60", "reason": PREGNANCY_REASON}]


def test_it_requires_an_override_for_a_point_the_contraindications_rule_out(
    screened: World,
) -> None:
    # SP6 is never proposed for back pain, but AACP 2012 says avoid it in pregnancy.
    with pytest.raises(InputError) as err:
        save(screened.practitioner, screened.episode, ["SP6"])
    assert "SP6 is excluded for this patient" in err.value.errors["override.SP6"][0]


def test_it_needs_no_override_for_that_point_when_the_patient_is_not_pregnant(
    world: World,
) -> None:
    screen(world.practitioner, world.other_episode)
    plan = save(world.practitioner, world.other_episode, ["SP6"])
    assert plan.points.get().overridden is False


def test_it_requires_an_override_for_a_point_that_is_not_needled(screened: World) -> None:
    point = catalogue().with_tag("no_needling")[0]
    with pytest.raises(InputError) as err:
        save(screened.practitioner, screened.episode, [point.code])
    assert "not a needling point" in err.value.errors[f"override.{point.code}"][0]


def test_it_ignores_an_override_reason_for_a_point_that_is_not_excluded(
    screened: World,
) -> None:
    plan = save(screened.practitioner, screened.episode, ["BL23"], overrides={"BL23": "why not"})
    assert plan.points.get().overridden is False
    assert plan.points.get().override_reason == ""


# --- validation -----------------------------------------------------------------------------


def test_it_refuses_a_point_not_in_the_catalogue_and_suggests_one(screened: World) -> None:
    with pytest.raises(InputError) as err:
        save(screened.practitioner, screened.episode, ["BL68"])
    assert "unknown point 'BL68'; did you mean BL67" in err.value.errors["points"][0]


def test_it_refuses_a_point_listed_twice(screened: World) -> None:
    with pytest.raises(InputError) as err:
        save(screened.practitioner, screened.episode, ["BL23", "bl23"])
    assert err.value.errors["points"] == ["BL23 is listed twice."]


def test_it_refuses_a_plan_without_points(screened: World) -> None:
    with pytest.raises(InputError) as err:
        save(screened.practitioner, screened.episode, [])
    assert "points" in err.value.errors


def test_it_refuses_a_side_that_a_paired_point_cannot_have(screened: World) -> None:
    with pytest.raises(InputError) as err:
        plan_save(actor=screened.practitioner, episode=screened.episode,
                  proposal=proposal_for(screened.episode),
                  points=[PointChoice("BL23", "midline")], course=Course(10, 2),
                  goals=[ODI_UNDER_20], reassess=Reassess(5), overrides={})
    assert "side.BL23" in err.value.errors


@pytest.mark.parametrize(("sessions", "per_week", "field"), [(0, 2, "sessions"),
                                                             (31, 2, "sessions"),
                                                             (10, 0, "per_week"),
                                                             (10, 6, "per_week")])
def test_it_refuses_a_course_out_of_range(
    screened: World, sessions: int, per_week: int, field: str
) -> None:
    with pytest.raises(InputError) as err:
        save(screened.practitioner, screened.episode, ["BL23"],
             course=Course(sessions, per_week), reassess=Reassess(on_date=timezone.localdate()))
    assert list(err.value.errors) == [field]


@pytest.mark.parametrize(("sessions", "per_week"), [(1, 1), (30, 5)])
def test_it_accepts_a_course_at_the_limits(screened: World, sessions: int, per_week: int) -> None:
    plan = save(screened.practitioner, screened.episode, ["BL23"],
                course=Course(sessions, per_week), reassess=Reassess(after_session=1))
    assert (plan.sessions, plan.per_week) == (sessions, per_week)


@pytest.mark.parametrize(("goal", "words"), [
    (Goal(instrument="odi", comparator="<", target=120), "between 0 and 100"),
    (Goal(instrument="odi", comparator="=", target=20), "Compare the ODI score"),
    (Goal(instrument="xyz", comparator="<", target=2), "Unknown questionnaire"),
    (Goal(), "needs a questionnaire and target, or words"),
])
def test_it_refuses_a_goal_that_cannot_be_measured(
    screened: World, goal: Goal, words: str
) -> None:
    with pytest.raises(InputError) as err:
        save(screened.practitioner, screened.episode, ["BL23"], goals=[goal])
    assert words in err.value.errors["goals"][0]


def test_it_refuses_a_plan_without_goals(screened: World) -> None:
    with pytest.raises(InputError) as err:
        save(screened.practitioner, screened.episode, ["BL23"], goals=[])
    assert "goals" in err.value.errors


def test_it_takes_twenty_goals_and_refuses_more(screened: World) -> None:
    from acuback.plans.services import GOALS_MOST
    many = [Goal(text=f"goal {i}") for i in range(GOALS_MOST + 1)]
    with pytest.raises(InputError) as err:
        save(screened.practitioner, screened.episode, ["BL23"], goals=many)
    assert err.value.errors["goals"] == ["Keep to 20 goals at most."]
    assert len(save(screened.practitioner, screened.episode, ["BL23"],
                    goals=many[:GOALS_MOST]).goals) == GOALS_MOST


@pytest.mark.parametrize("reassess", [Reassess(), Reassess(after_session=11),
                                      Reassess(on_date=dt.date(2020, 1, 1))])
def test_it_refuses_a_reassessment_that_cannot_happen(
    screened: World, reassess: Reassess
) -> None:
    with pytest.raises(InputError) as err:
        save(screened.practitioner, screened.episode, ["BL23"], reassess=reassess)
    assert "reassess" in err.value.errors


def test_it_refuses_estim_that_the_health_history_forbids(screened: World) -> None:
    with pytest.raises(InputError) as err:
        save(screened.practitioner, screened.episode, ["BL23"], estim=True,
             proposal=proposal_for(screened.episode, estim_requested=True))
    assert "implanted electrical device" in err.value.errors["estim"][0]


def test_it_saves_estim_when_the_prescriber_allows_it(world: World) -> None:
    episode = make_episode(world.practitioner, world.other_patient)
    screen(world.practitioner, episode)
    plan = save(world.practitioner, episode, ["BL23", "BL25"], estim=True,
                proposal=proposal_for(episode, estim_requested=True))
    assert plan.estim is True and plan.estim_allowed is True


# --- revisions ----------------------------------------------------------------------------


def test_it_saves_a_revision_as_a_new_version_and_keeps_the_old_one(screened: World) -> None:
    first = save(screened.practitioner, screened.episode, ["BL23"])
    second = save(screened.practitioner, screened.episode, ["BL23", "BL25"], based_on=1)
    assert second.number == 2
    assert plan_current(screened.episode) == second
    first.refresh_from_db()
    assert [p.code for p in first.points.all()] == ["BL23"]
    assert Plan.objects.count() == 2 and PlanPoint.objects.count() == 3


def test_it_refuses_a_save_based_on_a_plan_that_is_no_longer_current(screened: World) -> None:
    save(screened.practitioner, screened.episode, ["BL23"])
    with pytest.raises(ConflictError) as err:
        save(screened.practitioner, screened.episode, ["BL25"], based_on=0)
    assert "newer plan (version 1)" in str(err.value)
    assert Plan.objects.count() == 1


# --- who may --------------------------------------------------------------------------------


def test_it_lets_the_owner_save_a_plan(screened: World) -> None:
    assert save(screened.owner, screened.episode, ["BL23"]).created_by == screened.owner


@pytest.mark.parametrize(("persona", "refusal"), [("front_desk", Forbidden),
                                                  ("patient_user", Forbidden),
                                                  ("outsider", NotFound)])
def test_it_refuses_a_plan_by_anyone_else(
    screened: World, persona: str, refusal: type[Exception]
) -> None:
    with pytest.raises(refusal):
        save(getattr(screened, persona), screened.episode, ["BL23"])
    assert not Plan.objects.exists()
    refused = AuditEntry.objects.filter(object_type="plan", outcome__in=["denied", "not_found"])
    assert refused.exists()
