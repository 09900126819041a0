"""Plans for tests: a proposal for an episode and a valid plan built from it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from acuback.accounts.models import User
from acuback.episodes.models import Episode
from acuback.plans.models import Plan
from acuback.plans.proposals import Proposal
from acuback.plans.selectors import plan_proposal
from acuback.plans.services import Course, Goal, PointChoice, Reassess, plan_save

ODI_UNDER_20 = Goal(instrument="odi", comparator="<", target=20)


def proposal_for(episode: Episode, **kwargs: Any) -> Proposal:
    return plan_proposal(episode, pattern=kwargs.get("pattern"),
                         estim_requested=kwargs.get("estim_requested", False))


def save(actor: User, episode: Episode, codes: Sequence[str] | None = None, *,
         overrides: Mapping[str, str] | None = None, based_on: int = 0,
         proposal: Proposal | None = None, **kwargs: Any) -> Plan:
    """Save a plan of `codes` (default: the proposed points, as proposed)."""
    proposal = proposal or proposal_for(episode)
    if codes is None:
        points = [PointChoice(p.code, p.side.value, p.why) for p in proposal.prescription.points]
    else:
        points = [PointChoice(code) for code in codes]
    return plan_save(
        actor=actor, episode=episode, proposal=proposal, points=points,
        course=kwargs.get("course", Course(10, 2)), goals=kwargs.get("goals", [ODI_UNDER_20]),
        reassess=kwargs.get("reassess", Reassess(after_session=5)),
        overrides=overrides or {}, estim=kwargs.get("estim", False), based_on=based_on,
        questionnaires=kwargs.get("questionnaires", ()),
    )
