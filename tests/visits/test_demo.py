"""The demo's visits: a signed course for every planned episode, consistent with its plan and
questionnaires, an amendment each, painkillers that fall for responders, a few mild adverse
events (about half bleeding), and a living clinic (needles in, a visit to sign)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Count

from acuback.demo import demo_load
from acuback.episodes.models import Episode
from acuback.plans.models import Plan
from acuback.visits.content import visit_integrity
from acuback.visits.models import AdverseEvent, Amendment, PainkillerUse, Visit, VisitStatus
from acuback.visits.selectors import painkiller_course
from tests.demo_copy import TODAY


@pytest.fixture(scope="module")
def demo(demo_db, django_db_blocker):  # noqa: ANN001, ANN201 - pytest-django fixtures
    """The built demo (a copy of this process's one build: tests/demo_copy.py), run again."""
    with django_db_blocker.unblock():
        counts = (Visit.objects.count(), Amendment.objects.count(), AdverseEvent.objects.count())
        demo_load(TODAY)  # a second run adds nothing
        return counts


pytestmark = pytest.mark.django_db


def test_it_adds_nothing_when_run_again(demo) -> None:  # noqa: ANN001
    counts = demo
    assert (Visit.objects.count(), Amendment.objects.count(),
            AdverseEvent.objects.count()) == counts


def test_it_charts_a_course_for_every_patient_with_a_plan(demo) -> None:  # noqa: ANN001
    planned = set(Plan.objects.filter(episode__status="active").values_list(
        "episode__patient_id", flat=True))
    charted = set(Visit.objects.values_list("episode__patient_id", flat=True))
    assert planned and planned == charted


def test_it_treats_a_patient_in_one_episode_at_a_time(demo) -> None:  # noqa: ANN001
    per_patient = Visit.objects.values("episode__patient").annotate(
        n=Count("episode", distinct=True))
    assert {row["n"] for row in per_patient} == {1}


def test_it_needles_the_plans_points_no_more_than_its_sessions(demo) -> None:  # noqa: ANN001
    for visit in Visit.objects.filter(status=VisitStatus.SIGNED)[:60]:
        plan = visit.episode.plans.first()
        assert [p.code for p in visit.points.all()] == [p.code for p in plan.points.all()]
    per_episode = Visit.objects.values("episode").annotate(n=Count("id"))
    assert max(row["n"] for row in per_episode) <= 10 + 2  # the plan's 10, and today's drafts


def test_it_signs_the_course_with_intact_hashes_and_cpt_lines(demo) -> None:  # noqa: ANN001
    signed = Visit.objects.filter(status=VisitStatus.SIGNED)
    assert signed.count() >= 100
    for visit in signed[:40]:
        assert visit_integrity(visit).ok and visit.cpt["lines"]
        assert visit.needles_in == visit.needles_out > 0


def test_it_dates_visits_after_the_baseline_and_never_in_the_future(demo) -> None:  # noqa: ANN001
    for visit in Visit.objects.filter(status=VisitStatus.SIGNED)[:80]:
        first = visit.episode.assessments.order_by("administered_at").first()
        assert first is None or visit.started_at > first.administered_at
        assert visit.started_at.date() <= TODAY


def test_it_amends_one_visit_of_every_charted_episode(demo) -> None:  # noqa: ANN001
    charted = Visit.objects.filter(status=VisitStatus.SIGNED).values("episode").distinct()
    amended = Amendment.objects.values("visit__episode").distinct()
    assert amended.count() == charted.count()


def test_it_lowers_pain_for_responders_and_not_for_the_others(demo) -> None:  # noqa: ANN001
    falls = []
    for episode_id in Visit.objects.values_list("episode", flat=True).distinct():
        course = list(Visit.objects.filter(episode_id=episode_id, status="signed",
                                           pain_before__isnull=False).order_by("number"))
        if len(course) >= 6:
            falls.append(course[0].pain_before - course[-1].pain_before)
    assert any(f >= 2 for f in falls) and any(f <= 0 for f in falls)


def test_it_lowers_painkillers_for_some_patients_and_not_others(demo) -> None:  # noqa: ANN001
    intake = PainkillerUse.objects.filter(visit__isnull=True).values_list("episode", flat=True)
    fell, kept = 0, 0
    for episode in Episode.objects.filter(pk__in=set(intake)):
        visits = list(episode.visits.filter(status="signed").order_by("number"))
        if len(visits) < 6:
            continue
        course = painkiller_course(episode, visits)
        last = next((p for p in reversed(course) if p.asked), None)
        if last is None:
            continue
        if len(last.drugs) < len(course[0].drugs) or (
                course[0].opioid_mme_per_day and (last.opioid_mme_per_day or 0)
                < course[0].opioid_mme_per_day):
            fell += 1
        elif len(last.drugs) >= len(course[0].drugs):
            kept += 1
    assert fell and kept


def test_it_records_a_few_mild_adverse_events_about_half_bleeding(demo) -> None:  # noqa: ANN001
    signed = Visit.objects.filter(status=VisitStatus.SIGNED).count()
    events = list(AdverseEvent.objects.all())
    kinds = Counter(e.kind for e in events)
    assert 0.02 * signed <= len(events) <= 0.14 * signed  # ~7 % of treatments
    assert 0.3 <= kinds["bleeding"] / len(events) <= 0.75
    assert all(e.severity == "mild" and not e.serious for e in events)


def test_it_leaves_a_patient_with_needles_in_and_a_visit_to_sign(demo) -> None:  # noqa: ANN001
    drafts = Visit.objects.filter(status=VisitStatus.DRAFT)
    assert drafts.filter(retention_started_at__isnull=False).count() >= 1
    assert drafts.count() >= 2
