"""The plan page's forms. They parse what was typed into the service's inputs and keep it, so a
refused save shows everything as it was; the rules themselves are the service's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict

from acuback.assessments.selectors import answerable
from acuback.clinical.instruments.registry import INSTRUMENTS
from acuback.episodes.models import Episode
from acuback.errors import InputError
from acuback.patients.forms import DateInput
from acuback.plans import selectors
from acuback.plans.models import Pattern, Plan
from acuback.plans.proposals import Proposal
from acuback.plans.selectors import PointRow
from acuback.plans.services import (
    COMPARATORS,
    GOALS_MOST,
    Course,
    Goal,
    PointChoice,
    Questionnaire,
    Reassess,
)

NUMBER = {"inputmode": "numeric"}
# Rows of the plan's own questionnaires on the form (added to the default schedule).
QUESTIONNAIRE_ROWS = 3
QUESTIONNAIRE_MOST = 21  # the API's most (20) and a blank row
GOAL_ROWS_MOST = GOALS_MOST + 1  # score goals, and goals in words: each up to the most and a blank
MOMENTS = [("before_visit", "before visit n"), ("every", "every n visits"),
           ("baseline", "at baseline"), ("discharge", "at discharge"),
           ("after_discharge", "n months after discharge")]


class ProposeForm(forms.Form):
    """What the prescriber is asked beyond the episode and health history."""

    pattern = forms.ChoiceField(
        label="TCM pattern (optional)", required=False,
        choices=[("", "No pattern: protocol points only"), *Pattern.choices],
    )
    estim_requested = forms.BooleanField(label="E-stim wanted", required=False)

    def values(self) -> tuple[str | None, bool]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("pattern") or None, bool(data.get("estim_requested"))


class PlanForm(ProposeForm):
    based_on = forms.IntegerField(min_value=0, widget=forms.HiddenInput())
    sessions = forms.IntegerField(label="Sessions", widget=forms.NumberInput(attrs=NUMBER))
    per_week = forms.IntegerField(label="Sessions a week", widget=forms.NumberInput(attrs=NUMBER))
    reassess_after_session = forms.IntegerField(
        label="Re-assess after session", required=False, widget=forms.NumberInput(attrs=NUMBER)
    )
    reassess_on = forms.DateField(label="or on", required=False, widget=DateInput())
    estim = forms.BooleanField(label="Use e-stim", required=False)

    # Service error keys that belong beside a form field.
    FIELD_OF = {"goals": "goal_instrument_0", "reassess": "reassess_after_session"}

    def __init__(self, *args: Any, answerable: set[str] | None = None, **kwargs: Any) -> None:
        """`answerable`: the instruments a patient can answer at this clinic; the others are
        listed for the plan's own questionnaires as not answerable here (the service refuses
        them), rather than hidden, so a revision shows a plan's imported one where it is."""
        super().__init__(*args, **kwargs)
        # As many rows as the post has, or the plan has and a blank one, so a revision made
        # here keeps every goal and questionnaire of a plan saved over the API or imported.
        self.score_goal_count = self._rows("goal_instrument_", 1, GOAL_ROWS_MOST)
        self.text_goal_count = self._rows("goal_text_", 1, GOAL_ROWS_MOST)
        self.questionnaire_count = self._rows("q_instrument_", QUESTIONNAIRE_ROWS,
                                              QUESTIONNAIRE_MOST)
        instruments = [("", "None"), *((k, d.short_name) for k, d in INSTRUMENTS.items())]
        for i in range(self.score_goal_count):
            self.fields[f"goal_instrument_{i}"] = forms.ChoiceField(
                label="Questionnaire", required=False, choices=instruments)
            self.fields[f"goal_comparator_{i}"] = forms.ChoiceField(
                label="Score", required=False, choices=[(c, c) for c in COMPARATORS])
            self.fields[f"goal_target_{i}"] = forms.FloatField(
                label="Target", required=False, widget=forms.NumberInput(attrs={"step": "any"}))
        for i in range(self.text_goal_count):
            self.fields[f"goal_text_{i}"] = forms.CharField(
                label="Goal in words", required=False, max_length=300,
                widget=forms.TextInput(attrs={"placeholder": "e.g. walk the dog for 30 minutes"}))
        askable = [("", "None"), *((k, d.short_name if answerable is None or k in answerable
                                    else f"{d.short_name} (no wording at this clinic)")
                                   for k, d in INSTRUMENTS.items())]
        for i in range(self.questionnaire_count):
            self.fields[f"q_instrument_{i}"] = forms.ChoiceField(
                label="Questionnaire", required=False, choices=askable)
            self.fields[f"q_moment_{i}"] = forms.ChoiceField(label="When", required=False,
                                                             choices=MOMENTS)
            self.fields[f"q_n_{i}"] = forms.IntegerField(
                label="n", required=False, widget=forms.NumberInput(attrs=NUMBER))

    def _rows(self, prefix: str, fewest: int, most: int) -> int:
        """Rows of a repeated group: as many as the post has, or as the initial data has and
        a blank one, between `fewest` and `most`."""
        given = self.data if self.is_bound else self.initial
        used = [int(k.rpartition("_")[2]) + 1 for k in given if k.startswith(prefix)
                and k.rpartition("_")[2].isdigit()]
        rows = max(used, default=0) + (0 if self.is_bound else 1)
        return min(max(fewest, rows), most)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for i in range(self.questionnaire_count):
            if data.get(f"q_n_{i}") is not None and not data.get(f"q_instrument_{i}"):
                self.add_error(f"q_instrument_{i}", "Choose the questionnaire, or clear n.")
        return data

    def score_goal_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"goal_instrument_{i}"], self[f"goal_comparator_{i}"],
                 self[f"goal_target_{i}"]) for i in range(self.score_goal_count)]

    def text_goal_rows(self) -> list[Any]:
        return [self[f"goal_text_{i}"] for i in range(self.text_goal_count)]

    def questionnaire_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"q_instrument_{i}"], self[f"q_moment_{i}"], self[f"q_n_{i}"])
                for i in range(self.questionnaire_count)]

    def _questionnaire_indexes(self) -> list[int]:
        """The rows that name a questionnaire, in order: the service's `questionnaires.k` is
        the k-th of them."""
        return [i for i in range(self.questionnaire_count)
                if self.cleaned_data.get(f"q_instrument_{i}")]

    def questionnaires(self) -> list[Questionnaire]:
        data = self.cleaned_data
        return [Questionnaire(data[f"q_instrument_{i}"], data[f"q_moment_{i}"], data[f"q_n_{i}"])
                for i in self._questionnaire_indexes()]

    def field_of(self, key: str) -> str | None:
        """The form field a service error key belongs beside, if any."""
        name, _, index = key.partition(".")
        if name == "questionnaires" and index.isdigit():
            rows = self._questionnaire_indexes()
            return f"q_instrument_{rows[int(index)]}" if int(index) < len(rows) else None
        if key in self.fields or key in self.FIELD_OF:
            return self.FIELD_OF.get(key, key)
        return None

    def course(self) -> Course:
        return Course(self.cleaned_data["sessions"], self.cleaned_data["per_week"])

    def goals(self) -> list[Goal]:
        """The score goals in their rows' order, then the goals in words (a plan keeps them so)."""
        data = self.cleaned_data
        scores = [Goal(instrument=data[f"goal_instrument_{i}"],
                       comparator=data[f"goal_comparator_{i}"], target=data[f"goal_target_{i}"])
                  for i in range(self.score_goal_count) if data.get(f"goal_instrument_{i}")]
        words = [Goal(text=data[f"goal_text_{i}"]) for i in range(self.text_goal_count)
                 if data.get(f"goal_text_{i}")]
        return scores + words

    def reassess(self) -> Reassess:
        return Reassess(self.cleaned_data["reassess_after_session"],
                        self.cleaned_data["reassess_on"])


def plan_initial(plan: Plan | None) -> dict[str, Any]:
    """A new plan starts from the usual course; a revision from the current plan."""
    if plan is None:
        # Cherkin 2009 gave 10 sessions; GERAC (Haake 2007) ten, usually twice a week.
        return {"based_on": 0, "sessions": 10, "per_week": 2, "reassess_after_session": 5,
                "goal_comparator_0": "<"}
    scores = [g for g in plan.goals if g.get("instrument")]
    words = [g["text"] for g in plan.goals if g.get("text")]
    return {
        "based_on": plan.number, "pattern": plan.pattern,
        "estim_requested": plan.proposal.get("request", {}).get("estim_requested", False),
        "sessions": plan.sessions, "per_week": plan.per_week, "estim": plan.estim,
        **{key: value for i, goal in enumerate(scores) for key, value in (
            (f"goal_instrument_{i}", goal["instrument"]),
            (f"goal_comparator_{i}", goal.get("comparator") or "<"),
            (f"goal_target_{i}", _shown(goal.get("target"))))},
        f"goal_comparator_{len(scores)}": "<",  # the blank row's
        **{f"goal_text_{i}": text for i, text in enumerate(words)},
        "reassess_after_session": plan.reassess_after_session, "reassess_on": plan.reassess_on,
        **{f"q_{key}_{i}": q.get(key) for i, q in enumerate(plan.questionnaires)
           for key in ("instrument", "moment", "n")},
    }


def _shown(target: Any) -> Any:
    if isinstance(target, float) and target.is_integer():
        return int(target)  # show 20, not 20.0
    return target


@dataclass
class PlanEditor:
    """The plan form with its point rows, from a GET (the proposal, or the current plan) or a
    POST (exactly what was typed)."""

    episode: Episode
    form: PlanForm
    proposal: Proposal
    rows: list[PointRow]
    errors: list[str] = field(default_factory=list)

    @classmethod
    def for_get(cls, episode: Episode, query: QueryDict, current: Plan | None) -> PlanEditor:
        asked = ProposeForm(query) if query else None
        initial = plan_initial(current)
        pattern, estim = asked.values() if asked else (initial.get("pattern") or None,
                                                      bool(initial.get("estim_requested")))
        proposal = selectors.plan_proposal(episode, pattern=pattern, estim_requested=estim)
        rows = (selectors.plan_rows(proposal, current) if current is not None and not query
                else selectors.proposal_rows(proposal))
        initial.update(pattern=pattern or "", estim_requested=estim)
        return cls(episode, PlanForm(initial=initial, answerable=answerable(episode.clinic_id)),
                   proposal, rows)

    @classmethod
    def for_post(cls, episode: Episode, data: QueryDict) -> PlanEditor:
        form = PlanForm(data, answerable=answerable(episode.clinic_id))
        pattern, estim = form.values()
        proposal = selectors.plan_proposal(episode, pattern=pattern, estim_requested=estim)
        editor = cls(episode, form, proposal, [])
        for code in data.getlist("code"):
            row = _posted_row(proposal, data, code)
            if row is None:
                editor.errors.append(f"There is no point {code!r} in the catalogue.")
            else:
                editor.rows.append(row)
        return editor

    def save_kwargs(self) -> dict[str, Any]:
        form = self.form
        return {
            "proposal": self.proposal,
            "points": [PointChoice(r.code, r.side, r.why) for r in self.rows],
            "course": form.course(), "goals": form.goals(), "reassess": form.reassess(),
            "overrides": {r.code: r.override_reason for r in self.rows if r.override},
            "estim": form.cleaned_data["estim"], "based_on": form.cleaned_data["based_on"],
            "questionnaires": form.questionnaires(),
        }

    def show_errors(self, error: InputError) -> None:
        rows = {r.code: r for r in self.rows}
        for key, messages in error.errors.items():
            _, _, code = key.partition(".")
            where = self.form.field_of(key)
            if code in rows:
                rows[code].errors.extend(messages)
            elif where is not None:
                for message in messages:
                    self.form.add_error(where, message)
            else:
                self.errors.extend(messages)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.form.errors or any(r.errors for r in self.rows))


def _posted_row(proposal: Proposal, data: QueryDict, code: str) -> PointRow | None:
    return selectors.point_row(
        proposal, code, side=data.get(f"side_{code}", ""), why=data.get(f"why_{code}", ""),
        override=data.get(f"override_{code}") == "on",
        override_reason=data.get(f"override_reason_{code}", ""),
    )
