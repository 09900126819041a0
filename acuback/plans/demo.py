"""Demo step: every active episode that may be planned gets the prescriber's proposal as its
plan (10 sessions, twice a week; ODI under 20; re-assess after session 5), saved through
`plan_save`. Idempotent: episodes with a plan are left alone. Runs after the screening step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from acuback.episodes.models import Episode, EpisodeStatus
from acuback.plans.selectors import plan_proposal
from acuback.plans.services import Course, Goal, PointChoice, Reassess, plan_save
from acuback.screening.selectors import episode_planning_status

if TYPE_CHECKING:
    from acuback.demo import DemoContext

# Cherkin 2009: 10 sessions; GERAC (Haake 2007): ten sessions, usually twice a week.
COURSE = Course(sessions=10, per_week=2)
GOALS = (Goal(instrument="odi", comparator="<", target=20),
         Goal(text="Back to daily walks without pain stopping them"))


def demo_plans(ctx: DemoContext) -> None:
    episodes = Episode.objects.filter(
        clinic__in=list(ctx.clinics.values()), status=EpisodeStatus.ACTIVE, plans__isnull=True
    ).select_related("patient", "created_by__membership").order_by("id")
    for episode in episodes:
        if episode_planning_status(episode).allowed:
            _plan(episode)


def _plan(episode: Episode) -> None:
    proposal = plan_proposal(episode, pattern=None, estim_requested=False)
    points = [PointChoice(p.code, p.side.value, p.why) for p in proposal.prescription.points]
    if not points:  # needling ruled out for this patient (a severe bleeding disorder)
        return
    plan_save(actor=episode.created_by, episode=episode, proposal=proposal, points=points,
              course=COURSE, goals=GOALS, reassess=Reassess(after_session=5), overrides={})
