"""A treatment plan per episode. Plans are never edited or deleted: a revision is a new plan with
the next number, and the highest number is the current plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models

from acuback.accounts.models import Clinic
from acuback.episodes.models import Episode


class Pattern(models.TextChoices):
    # Values are those of acuback.clinical.prescribing.Pattern (a test keeps them equal).
    QI_STAGNATION_BLOOD_STASIS = "qi_stagnation_blood_stasis", "Qi stagnation and blood stasis"
    KIDNEY_DEFICIENCY = "kidney_deficiency", "Kidney deficiency"
    COLD_DAMP = "cold_damp", "Cold-damp"
    DAMP_HEAT = "damp_heat", "Damp-heat"


class PointSide(models.TextChoices):
    # Values are those of acuback.clinical.prescribing.Side.
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Both sides"
    MIDLINE = "midline", "Midline"


class Plan(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="plans")
    number = models.PositiveIntegerField(help_text="1 for the first plan, then 2, 3, ...")
    # What the prescriber proposed, as it said it: request, points with why, excluded points with
    # why, warnings, e-stim decision, contraindications, needle cap and catalogue version.
    proposal = models.JSONField()
    pattern = models.CharField(max_length=40, choices=Pattern.choices, blank=True)
    estim = models.BooleanField("e-stim used", default=False)
    sessions = models.PositiveSmallIntegerField()
    per_week = models.PositiveSmallIntegerField("sessions a week")
    goals = models.JSONField(
        default=list, help_text='[{"instrument": "odi", "comparator": "<", "target": 20} or '
        '{"text": "..."}]',
    )
    reassess_after_session = models.PositiveSmallIntegerField(null=True, blank=True)
    reassess_on = models.DateField(null=True, blank=True)
    # Questionnaires the plan asks beyond the default schedule (added to it, never replacing
    # it: acuback.clinical.questionnaire_schedule.plan_items).
    questionnaires = models.JSONField(
        default=list, blank=True,
        help_text='[{"instrument": "isi", "moment": "before_visit", "n": 4}]; moments: '
        "baseline, before_visit (n: the visit), every (n: the interval), discharge, "
        "after_discharge (n: months)",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="plan_number_per_episode")
        ]

    def __str__(self) -> str:
        return f"treatment plan {self.number} of episode {self.episode_id}"

    @property
    def estim_allowed(self) -> bool:
        return bool(self.proposal.get("estim", {}).get("allowed"))

    @property
    def catalogue_version(self) -> str:
        return str(self.proposal.get("catalogue_version", ""))

    @property
    def weeks(self) -> int:
        """How many weeks the course takes at the planned frequency."""
        return -(-self.sessions // self.per_week)

    @property
    def needles(self) -> int:
        """Needles a session takes (a point on both sides is two; Ashi points not counted)."""
        return sum(p.needles for p in self.points.all())

    def questionnaire_words(self) -> list[str]:
        """The plan's own questionnaires in words: "ISI before visit 4"."""
        from acuback.clinical.instruments.registry import INSTRUMENTS
        words = {"baseline": "at baseline", "before_visit": "before visit {n}",
                 "every": "every {n} visits", "discharge": "at discharge",
                 "after_discharge": "{n} months after discharge"}
        found = []
        for q in self.questionnaires:
            definition = INSTRUMENTS.get(str(q.get("instrument")))
            name = definition.short_name if definition else str(q.get("instrument"))
            found.append(f"{name} {words.get(str(q.get('moment')), '').format(n=q.get('n'))}")
        return found

    def goal_words(self) -> list[str]:
        return [describe_goal(g) for g in self.goals]

    def diff(self) -> list[DiffRow]:
        """The prescriber's points against the practitioner's: the proposal's points in its
        order (kept, side changed, or left out), then the points the practitioner added."""
        proposed = {p["code"]: p for p in self.proposal.get("points", [])}
        final = {p.code: p for p in self.points.all()}
        rows = [_diff_row(code, p, final.get(code)) for code, p in proposed.items()]
        rows += [
            DiffRow(code, Change.ADDED, None, p.side, "", p.overridden)
            for code, p in final.items() if code not in proposed
        ]
        return rows


def describe_goal(goal: dict[str, Any]) -> str:
    """ODI < 20, or the free-text goal as written."""
    if goal.get("instrument"):
        target = goal.get("target")
        shown = f"{target:g}" if isinstance(target, int | float) else str(target)
        return f"{str(goal['instrument']).upper()} {goal.get('comparator', '')} {shown}"
    return str(goal.get("text", ""))


class PlanPoint(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="points")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=12)
    side = models.CharField(max_length=10, choices=PointSide.choices)
    why = models.CharField(max_length=300, blank=True)
    overridden = models.BooleanField(
        default=False, help_text="chosen although excluded for this patient"
    )
    override_reason = models.TextField(blank=True)
    excluded_why = models.TextField(
        blank=True, help_text="why the point was excluded, when it was overridden"
    )

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_point_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.side})"

    @property
    def needles(self) -> int:
        return 2 if self.side == PointSide.BILATERAL else 1


class Change:
    KEPT = "kept"
    SIDE = "side changed"
    ADDED = "added"
    REMOVED = "left out"


@dataclass(frozen=True)
class DiffRow:
    code: str
    change: str
    proposed_side: str | None
    final_side: str | None
    proposed_why: str
    overridden: bool


def _diff_row(code: str, proposed: dict[str, str], final: PlanPoint | None) -> DiffRow:
    if final is None:
        return DiffRow(code, Change.REMOVED, proposed["side"], None, proposed["why"], False)
    change = Change.KEPT if final.side == proposed["side"] else Change.SIDE
    return DiffRow(code, change, proposed["side"], final.side, proposed["why"], final.overridden)
