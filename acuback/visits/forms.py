"""The treatment-room page's forms. They parse what was typed into the services' inputs and
keep it, so a refused save shows everything as it was, each problem beside its field or row;
the rules themselves are the services'.

Points and painkillers are rows with a token each (`point` / `pk` lists in the POST, fields
`p-<token>-code`, `k-<token>-dose`, ...), so rows can be added and removed on the page in any
order without renumbering.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from acuback.clinical.acupoints import Acupoint, catalogue
from acuback.clinical.pain_drawing import REGIONS
from acuback.errors import InputError
from acuback.patients.forms import ServiceErrorsMixin
from acuback.plans.models import PointSide
from acuback.plans.proposals import Proposal
from acuback.visits import widgets
from acuback.visits.inputs import PainkillerInput, PointInput, VisitInput
from acuback.visits.models import (
    Adjunct,
    AdverseEventType,
    AeOutcome,
    AmendmentKind,
    Causality,
    NeedleAngle,
    NeedleMismatch,
    PainkillerUse,
    Reporter,
    Severity,
    StartedFrom,
    Stimulation,
    Visit,
    VisitPoint,
)
from acuback.visits.signing import SECTIONS

NUMBER = {"inputmode": "numeric"}
DECIMAL = {"inputmode": "decimal", "step": "any"}
PAIN = [("", "Not asked"), *((str(n), str(n)) for n in range(11))]
TRI = [("", "Not recorded"), ("yes", "Yes"), ("no", "No")]
TAKEN = [("", "Not asked"), ("no", "None"), ("yes", "Yes, listed below")]


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, in the clinic's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _tri_value(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


@widgets.fast
class VisitForm(ServiceErrorsMixin, forms.Form):
    version = forms.IntegerField(min_value=1, widget=widgets.HiddenInput(
        attrs={"id": "visit-version"}))
    room = forms.CharField(required=False, max_length=40,
                           widget=widgets.TextInput(attrs={"list": "rooms"}))
    started_at = forms.DateTimeField(label="Started", widget=widgets.DateTimeInput())
    ended_at = forms.DateTimeField(label="Ended", required=False, widget=widgets.DateTimeInput(),
                                   help_text="Left empty, signing sets it to now.")
    pain_before = forms.TypedChoiceField(label="Pain before (0-10)", choices=PAIN, coerce=int,
                                         empty_value=None, required=False)
    pain_after = forms.TypedChoiceField(label="Pain after (0-10)", choices=PAIN, coerce=int,
                                        empty_value=None, required=False)
    retention_minutes = forms.IntegerField(label="Retention (minutes)", required=False,
                                           widget=widgets.NumberInput(attrs=NUMBER))
    minutes_without_estim = forms.IntegerField(
        label="Face to face without e-stim (min)", initial=0, min_value=0,
        widget=widgets.NumberInput(attrs=NUMBER),
        help_text="Time with the patient, not the time needles are left in.")
    minutes_with_estim = forms.IntegerField(label="Face to face with e-stim (min)", initial=0,
                                            min_value=0, widget=widgets.NumberInput(attrs=NUMBER))
    insertions = forms.IntegerField(label="Times needles were inserted", initial=1, min_value=0,
                                    widget=widgets.NumberInput(attrs=NUMBER),
                                    help_text="2 if a second set went in (e.g. prone, then "
                                              "supine).")
    needles_in = forms.IntegerField(label="Needles in", min_value=0, initial=0,
                                    widget=widgets.NumberInput(attrs={**NUMBER, "id": "n-in"}))
    needles_out = forms.IntegerField(label="Needles out", min_value=0, initial=0,
                                     widget=widgets.NumberInput(attrs={**NUMBER, "id": "n-out"}))
    needle_mismatch_reason = forms.ChoiceField(
        label="Why the counts differ", required=False,
        choices=[("", "They do not differ"), *NeedleMismatch.choices])
    needle_mismatch_note = forms.CharField(label="What happened", required=False,
                                           max_length=2000)
    adjuncts = forms.MultipleChoiceField(label="Also given", required=False,
                                         choices=Adjunct.choices,
                                         widget=widgets.CheckboxSelectMultiple)
    adjunct_note = forms.CharField(label="About them", required=False, max_length=2000)
    subjective = forms.CharField(required=False, widget=widgets.Textarea(attrs={"rows": 3}))
    objective = forms.CharField(required=False, widget=widgets.Textarea(attrs={"rows": 3}))
    assessment = forms.CharField(required=False, widget=widgets.Textarea(attrs={"rows": 2}))
    plan_note = forms.CharField(label="Plan", required=False,
                                widget=widgets.Textarea(attrs={"rows": 2}))
    next_visit = forms.CharField(label="Next visit", required=False,
                                 widget=widgets.Textarea(attrs={"rows": 2}))
    finger_floor_cm = forms.DecimalField(label="Finger to floor (cm)", required=False,
                                         widget=widgets.NumberInput(attrs=DECIMAL))
    schober_cm = forms.DecimalField(label="Modified Schober (cm)", required=False,
                                    widget=widgets.NumberInput(attrs=DECIMAL))
    slr_left_deg = forms.IntegerField(label="Straight-leg raise, left (°)", required=False,
                                      widget=widgets.NumberInput(attrs=NUMBER))
    slr_right_deg = forms.IntegerField(label="Straight-leg raise, right (°)", required=False,
                                       widget=widgets.NumberInput(attrs=NUMBER))
    pain_regions = forms.MultipleChoiceField(
        label="Where it hurts", required=False, choices=[(r.id, r.label) for r in REGIONS],
        widget=widgets.CheckboxSelectMultiple)
    painkillers_taken = forms.ChoiceField(label="Painkillers in the last week", choices=TAKEN,
                                          required=False)

    def to_input(self, points: list[PointInput],
                 painkillers: list[PainkillerInput]) -> VisitInput:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        for name in ("minutes_without_estim", "minutes_with_estim", "needles_in", "needles_out"):
            data[name] = data[name] or 0
        data["insertions"] = 1 if data["insertions"] is None else data["insertions"]
        data["painkillers_taken"] = _tri(data["painkillers_taken"])
        return VisitInput(**data, points=points, painkillers=painkillers)


def visit_initial(visit: Visit) -> dict[str, Any]:
    initial = {name: getattr(visit, name) for name in VisitForm.base_fields
               if name != "painkillers_taken"}
    for name in ("started_at", "ended_at"):
        if initial[name] is not None:
            initial[name] = timezone.localtime(initial[name])
    initial["painkillers_taken"] = _tri_value(visit.painkillers_taken)
    return initial


# --- point rows --------------------------------------------------------------------------

POINT_FIELDS = {"code": "code", "ashi": "ashi_location", "side": "side", "depth": "depth_mm",
                "angle": "angle", "gauge": "gauge_mm", "length": "length_mm",
                "maker": "manufacturer", "lot": "lot", "stim": "stimulation", "hz": "estim_hz",
                "ma": "estim_ma", "pair": "electrode_pair", "deqi": "de_qi",
                "override": "override_reason"}
DECIMALS = {"depth_mm", "gauge_mm", "estim_hz", "estim_ma"}
INTEGERS = {"length_mm", "electrode_pair"}


def new_token() -> str:
    return secrets.token_hex(4)


@dataclass
class PointRow:
    """One point row on the page, as typed (or as stored), with its problems."""

    token: str
    values: dict[str, Any]
    point: Acupoint | None
    excluded_why: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def is_ashi(self) -> bool:
        return self.point is None

    @property
    def label(self) -> str:
        return self.point.code if self.point else "Ashi"

    @property
    def sides(self) -> list[tuple[str, str]]:
        if self.point is not None and not self.point.bilateral:
            return [(PointSide.MIDLINE, PointSide.MIDLINE.label)]
        sides = [(s.value, s.label) for s in PointSide if s != PointSide.MIDLINE]
        if self.point is None:
            sides.append((PointSide.MIDLINE, "One needle (midline)"))
        return sides

    @property
    def electrical(self) -> bool:
        return self.values.get("stimulation") == Stimulation.ELECTRICAL

    angles = NeedleAngle.choices
    stimulations = Stimulation.choices
    de_qi_choices = TRI


def point_row(proposal: Proposal, values: dict[str, Any], token: str = "") -> PointRow:
    point = catalogue().get(str(values.get("code") or "")) if values.get("code") else None
    if point is not None:
        values = {**values, "code": point.code}
    excluded = proposal.exclusion(point) if point is not None else None
    return PointRow(token or new_token(), values, point, excluded)


def stored_rows(proposal: Proposal, points: list[VisitPoint]) -> list[PointRow]:
    rows = []
    for p in points:
        values = {name: getattr(p, name) for name in POINT_FIELDS.values()}
        values["de_qi"] = _tri_value(p.de_qi)
        rows.append(point_row(proposal, values))
    return rows


def _number(raw: str, kind: type, errors: list[str], label: str) -> Any:
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        return Decimal(raw) if kind is Decimal else int(raw)
    except (InvalidOperation, ValueError):
        errors.append(f"{label}: type a number.")
        return None


def posted_rows(data: QueryDict, proposal: Proposal) -> tuple[list[PointRow], list[PointInput]]:
    """The point rows as typed, and the service input made from those that parse."""
    rows, inputs = [], []
    for token in data.getlist("point"):
        raw = {name: data.get(f"p-{token}-{key}", "") for key, name in POINT_FIELDS.items()}
        row = point_row(proposal, raw, token)
        parsed: dict[str, Any] = {}
        for name, value in raw.items():
            label = name.replace("_mm", " (mm)").replace("_", " ")
            if name in DECIMALS:
                parsed[name] = _number(value, Decimal, row.errors, label)
            elif name in INTEGERS:
                parsed[name] = _number(value, int, row.errors, label)
            elif name == "de_qi":
                parsed[name] = _tri(value)
            else:
                parsed[name] = value.strip()
        parsed["stimulation"] = parsed["stimulation"] or Stimulation.MANUAL
        rows.append(row)
        inputs.append(PointInput(**parsed))
    return rows, inputs


# --- painkiller rows ---------------------------------------------------------------------


@dataclass
class PainkillerRow:
    token: str
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


def stored_painkiller_rows(uses: list[PainkillerUse]) -> list[PainkillerRow]:
    return [PainkillerRow(new_token(), {
        "drug": u.drug, "name": u.name if u.drug == "other" else "", "dose": f"{u.dose:g}",
        "times": str(u.times_a_day), "days": str(u.days_last_week)}) for u in uses]


def posted_painkillers(data: QueryDict) -> tuple[list[PainkillerRow], list[PainkillerInput]]:
    rows, inputs = [], []
    for token in data.getlist("pk"):
        raw = {key: data.get(f"k-{token}-{key}", "").strip()
               for key in ("drug", "name", "dose", "times", "days")}
        row = PainkillerRow(token, raw)
        dose = _number(raw["dose"], Decimal, row.errors, "dose")
        times = _number(raw["times"], int, row.errors, "times a day")
        days = _number(raw["days"], int, row.errors, "days last week")
        if not raw["drug"]:
            row.errors.append("Choose the painkiller.")
        rows.append(row)
        if not row.errors:
            inputs.append(PainkillerInput(raw["drug"], dose or Decimal(0), times or 0,
                                          days if days is not None else -1, raw["name"]))
    return rows, inputs


def show_row_errors(error: InputError, rows: list[PointRow], pk_rows: list[PainkillerRow],
                    form: VisitForm) -> None:
    """Spread a service's errors: `points.N.x` beside row N, `painkillers.N` beside that row,
    the rest beside the form's fields (or at the top)."""
    rest: dict[str, list[str]] = {}
    for key, messages in error.errors.items():
        parts = key.split(".")
        if parts[0] == "points" and len(parts) > 1 and parts[1].isdigit():
            rows[int(parts[1])].errors.extend(messages)
        elif parts[0] == "painkillers" and len(parts) > 1 and parts[1].isdigit():
            pk_rows[int(parts[1])].errors.extend(messages)
        else:
            rest[key] = messages
    form.show_service_errors(InputError(rest))


# --- signing, amending, starting, adverse events -----------------------------------------


@widgets.fast
class SignForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput(
        attrs={"id": "sign-version"}))
    password = forms.CharField(label="Your password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))


@widgets.fast
class AmendForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=AmendmentKind.choices)
    section = forms.ChoiceField(label="Part corrected", required=False,
                                choices=[("", "Not a correction"), *SECTIONS.items()])
    text = forms.CharField(label="What to add or the corrected text", required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="Why", max_length=5000)
    refers_to = forms.DateTimeField(label="When it happened (late entry)", required=False,
                                    widget=LocalDateTimeInput())


class StartForm(forms.Form):
    source = forms.ChoiceField(choices=StartedFrom.choices, widget=forms.HiddenInput())
    combination = forms.IntegerField(required=False)
    room = forms.CharField(required=False, max_length=40)


@widgets.fast
class AdverseEventForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="What happened", choices=AdverseEventType.choices)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MILD)
    serious = forms.TypedChoiceField(
        label="Serious (death, danger to life, hospital, lasting harm)", coerce=_tri,
        choices=[("no", "No"), ("yes", "Yes")], initial="no")
    causality = forms.ChoiceField(label="Caused by the treatment?", choices=Causality.choices,
                                  initial=Causality.PROBABLE)
    onset_at = forms.DateTimeField(label="When it began", widget=LocalDateTimeInput())
    reporter = forms.ChoiceField(label="Reported by", choices=Reporter.choices)
    action = forms.CharField(label="What was done", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(choices=AeOutcome.choices, initial=AeOutcome.UNKNOWN)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    points = forms.MultipleChoiceField(label="Points involved", required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = [p.label for p in visit.points.all()]
        self.fields["points"].choices = [(label, label) for label in labels]  # type: ignore[attr-defined]
        self.fields["onset_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


@widgets.fast
class FollowUpForm(ServiceErrorsMixin, forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput())
    severity = forms.ChoiceField(choices=Severity.choices)
    serious = forms.TypedChoiceField(label="Serious", coerce=_tri,
                                     choices=[("no", "No"), ("yes", "Yes")])
    action = forms.CharField(label="What was done", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(choices=AeOutcome.choices)


@widgets.fast
class InErrorForm(forms.Form):
    reason = forms.CharField(label="Why it was entered in error", max_length=5000)


@widgets.fast
class CombinationForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)
    shared = forms.BooleanField(label="Share with the whole clinic", required=False)

