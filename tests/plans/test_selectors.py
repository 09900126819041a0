"""Reading plans, building the prescriber's proposal, and the rows the plan page shows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from acuback.audit.models import AuditEntry
from acuback.episodes.models import Episode
from acuback.patients.models import HealthHistory
from acuback.plans.selectors import (
    plan_current,
    plan_get_current,
    plan_history,
    plan_proposal,
    plan_rows,
    point_row,
    point_search,
    prefetch_care,
    proposal_rows,
)
from acuback.screening.selectors import screening_status
from acuback.screening.services import referral_record
from tests.personas import World
from tests.plans.factories import proposal_for, save
from tests.screening.factories import ROUTINE, URGENT, screen


def test_it_audits_reading_the_current_plan(world: World) -> None:
    screen(world.practitioner, world.episode)
    plan = save(world.practitioner, world.episode, ["BL23"])
    assert plan_get_current(actor=world.owner, episode=world.episode) == plan
    entry = AuditEntry.objects.get(object_type="plan", action="read")
    assert (entry.actor_id, entry.object_id, entry.outcome) == (world.owner.pk, str(plan.pk),
                                                                "ok")


def test_it_answers_none_when_there_is_no_plan_yet(world: World) -> None:
    assert plan_get_current(actor=world.practitioner, episode=world.episode) is None
    assert AuditEntry.objects.get(object_type="plan").outcome == "not_found"


def test_it_lists_every_version_newest_first(world: World) -> None:
    screen(world.practitioner, world.episode)
    first = save(world.practitioner, world.episode, ["BL23"])
    second = save(world.practitioner, world.episode, ["BL25"], based_on=1)
    assert plan_history(actor=world.practitioner, episode=world.episode) == [second, first]


def test_it_proposes_with_every_answer_unknown_when_no_history_is_recorded(
    world: World,
) -> None:
    HealthHistory.objects.filter(patient=world.other_patient).delete()
    proposal = plan_proposal(world.other_episode, pattern=None, estim_requested=False)
    assert proposal.request["pregnant"] is None
    assert proposal.request["skin_lesion_regions"] is None
    assert proposal.prescription.contraindications == ()
    assert "pregnancy" in proposal.blocking_questions
    assert proposal.to_dict()["not_asked"][0] == "pregnant"


def test_it_proposes_from_the_patients_own_health_history_as_the_orm_reads_it(
    world: World,
) -> None:
    # The proposal reads the history in a hand-written statement (plans.selectors
    # _health_history), by the patient's key: Ada is pregnant, Grace is not.
    from acuback.plans.selectors import _health_history

    assert proposal_for(world.episode).request["pregnant"] is True
    assert proposal_for(world.other_episode).request["pregnant"] is False
    for episode in (world.episode, world.other_episode):
        read, stored = _health_history(episode), HealthHistory.objects.get(
            patient_id=episode.patient_id)
        assert read is not None
        assert {f.attname: getattr(read, f.attname) for f in HealthHistory._meta.concrete_fields
                } == {f.attname: getattr(stored, f.attname)
                      for f in HealthHistory._meta.concrete_fields}


def test_it_passes_the_pattern_to_the_prescriber(world: World) -> None:
    proposal = proposal_for(world.episode, pattern="kidney_deficiency")
    assert proposal.request["pattern"] == "kidney_deficiency"
    assert "BL52" in [p.code for p in proposal.prescription.points]


def test_it_offers_the_proposed_points_as_rows_with_their_why(world: World) -> None:
    rows = proposal_rows(proposal_for(world.episode))
    assert rows[0].code == "BL23" and rows[0].proposed
    assert rows[0].why == "Cherkin 2009 standardised set"
    assert not any(r.excluded_why for r in rows)


def test_it_answers_no_row_for_text_that_is_not_a_point_code(world: World) -> None:
    assert point_row(proposal_for(world.episode), "kunlun") is None


def test_it_gives_an_excluded_point_its_why_and_no_override_yet(world: World) -> None:
    row = point_row(proposal_for(world.episode), "bl60")
    assert row is not None
    assert (row.code, row.proposed, row.side, row.override) == ("BL60", False, "bilateral",
                                                                 False)
    assert row.excluded_why is not None and "pregnancy" in row.excluded_why
    assert ("pregnancy_avoid", "avoid in pregnancy") in row.badges


def test_it_offers_only_the_midline_for_a_single_point(world: World) -> None:
    row = point_row(proposal_for(world.episode), "GV4")
    assert row is not None and row.sides == [("midline", "Midline")]


def test_it_finds_points_by_pinyin_and_marks_exclusions(world: World) -> None:
    hits = point_search(proposal_for(world.episode), "kunlun")
    assert [h.point.code for h in hits] == ["BL60"]
    assert hits[0].excluded_why is not None


def test_it_finds_points_by_code(world: World) -> None:
    hits = point_search(proposal_for(world.other_episode), "BL60")
    assert hits[0].point.code == "BL60"
    assert hits[0].excluded_why is None  # Grace Hopper is not pregnant


def test_it_turns_a_saved_plan_back_into_rows_with_its_overrides(world: World) -> None:
    screen(world.practitioner, world.episode)
    plan = save(world.practitioner, world.episode, ["BL23", "BL60"],
                overrides={"BL60": "discussed"})
    rows = plan_rows(proposal_for(world.episode), plan)
    assert [(r.code, r.override, r.override_reason) for r in rows] == [
        ("BL23", False, ""), ("BL60", True, "discussed")]


def _care_of(episodes: list[Episode]) -> list[tuple[object, ...]]:
    """What the care badges read of each episode: its screen, that screen's referral, its
    plan and the plan's points."""
    found = []
    for episode in episodes:
        status = screening_status(episode)
        plan = plan_current(episode)
        found.append((status.screening.pk if status.screening else None,
                      (status.referral.outcome, status.referral.recorded_by.get_full_name())
                      if status.referral else None, status.level,
                      plan.number if plan else None,
                      [(p.position, p.code) for p in plan.points.all()] if plan else None))
    return found


def test_the_care_prefetch_reads_what_the_badges_would_read_one_by_one(world: World) -> None:
    # Grace Hopper's episode: an urgent screen, then a clear one, then a routine one, the
    # last with two referral outcomes; two plans. Ada's: nothing at all. Another clinic's
    # episode: a screen of its own, which must not land on anyone else's.
    first = screen(world.practitioner, world.other_episode, *URGENT)
    referral_record(actor=world.practitioner, screening=first, outcome="patient_declined")
    screen(world.practitioner, world.other_episode)
    save(world.practitioner, world.other_episode, ["BL23", "BL25", "GV4"])
    save(world.practitioner, world.other_episode, ["GV4", "BL40"], based_on=1)
    latest = screen(world.practitioner, world.other_episode, *ROUTINE)
    referral_record(actor=world.practitioner, screening=latest, outcome="patient_declined")
    referral_record(actor=world.practitioner, screening=latest, outcome="cleared_by_physician",
                    note="GP letter: cleared")
    screen(world.outsider, world.episode_b)
    episodes = list(Episode.objects.filter(pk__in=[world.other_episode.pk, world.episode.pk,
                                                   world.episode_b.pk]).order_by("pk"))
    one_by_one = _care_of(episodes)
    fresh = list(Episode.objects.filter(pk__in=[e.pk for e in episodes]).order_by("pk"))
    prefetch_care(fresh)
    with CaptureQueriesContext(connection) as queries:
        prefetched = _care_of(fresh)
    assert prefetched == one_by_one and len(queries) == 0
    grace = one_by_one[[e.pk for e in episodes].index(world.other_episode.pk)]
    # the newest screen and its newest referral, named by its recorder (the episode page's
    # care panel names them); plan 2 with its points in order
    assert grace[:2] == (latest.pk, ("cleared_by_physician", "Pat Lin"))
    assert grace[3:] == (2, [(0, "GV4"), (1, "BL40")])
    assert one_by_one[[e.pk for e in episodes].index(world.episode.pk)][0] is None


def test_the_care_prefetch_reads_each_plans_own_points_as_the_orm_does(world: World) -> None:
    # prefetch_care reads the plans with their points in one hand-written statement (a row per
    # point): two episodes whose plans share numbers, plan ids that are not episode ids.
    from django.db.models import prefetch_related_objects

    from tests.personas import make_episode

    screen(world.practitioner, world.other_episode)
    save(world.practitioner, world.other_episode, ["BL23", "BL25", "GV4"])
    save(world.practitioner, world.other_episode, ["GV4", "BL40"], based_on=1)
    second = make_episode(world.practitioner, world.other_patient, region="thoracic",
                          icd10_code="M54.6")
    screen(world.practitioner, second)
    save(world.practitioner, second, ["BL40", "BL23", "BL25"])
    screen(world.outsider, world.episode_b)
    ids = [world.other_episode.pk, second.pk, world.episode.pk]

    def plans(episodes: list[Episode]) -> list[list[tuple[int, list[tuple[int, str]]]]]:
        return [[(p.number, [(t.position, t.code) for t in p.points.all()])
                 for p in e.plans.all()] for e in episodes]

    orm = list(Episode.objects.filter(pk__in=ids).order_by("pk"))
    prefetch_related_objects(orm, "plans__points", "screenings__referrals")
    mine = list(Episode.objects.filter(pk__in=ids).order_by("pk"))
    prefetch_care(mine)
    with CaptureQueriesContext(connection) as queries:
        assert plans(mine) == plans(orm)
        assert all(t.plan is p for e in mine for p in e.plans.all() for t in p.points.all())
        assert [[s.pk for s in e.screenings.all()] for e in mine] == [
            [s.pk for s in e.screenings.all()] for e in orm]
    assert len(queries) == 0
    assert plans(mine)[sorted(ids).index(second.pk)] == [
        (1, [(0, "BL40"), (1, "BL23"), (2, "BL25")])]
    # Only the episodes asked for: none of another episode's plans or screens lands on them.
    [alone] = list(Episode.objects.filter(pk=second.pk))
    prefetch_care([alone])
    assert plans([alone]) == [[(1, [(0, "BL40"), (1, "BL23"), (2, "BL25")])]]
    assert [s.episode_id for s in alone.screenings.all()] == [second.pk]
