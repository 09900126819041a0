"""Calendar forms. They only parse; the services decide (clashes, hours, notice periods) and
their errors are shown beside the fields, with what was typed kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from acuback.clinical import calendar
from acuback.errors import InputError
from acuback.patients.forms import DateInput, ServiceErrorsMixin
from acuback.patients.models import Patient
from acuback.scheduling.selectors import appointment_types_of, practitioners_of, rooms_of
from acuback.scheduling.services import BookingInput, CourseInput

WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


class ClinicChoicesMixin:
    """Practitioner, type and room choices of the actor's clinic."""

    def set_choices(self, clinic_id: int, *, room_required: bool = False) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        fields = form.fields
        if "practitioner" in fields:
            fields["practitioner"].choices = [  # type: ignore[attr-defined]
                (p.pk, _name(p)) for p in practitioners_of(clinic_id)]
        if "appointment_type" in fields:
            fields["appointment_type"].choices = [  # type: ignore[attr-defined]
                (t.pk, f"{t.name} ({t.minutes} min)") for t in appointment_types_of(clinic_id)]
        if "room" in fields:
            rooms = [(r.pk, r.name) for r in rooms_of(clinic_id)]
            fields["room"].choices = rooms if room_required else [  # type: ignore[attr-defined]
                ("", "No room"), *rooms]


class BookForm(ServiceErrorsMixin, ClinicChoicesMixin, forms.Form):
    patient = forms.TypedChoiceField(coerce=int, label="Patient")
    practitioner = forms.TypedChoiceField(coerce=int, label="Practitioner")
    appointment_type = forms.TypedChoiceField(coerce=int, label="Appointment")
    day = forms.DateField(label="Day", widget=DateInput())
    time = forms.TimeField(label="Time", widget=TimeInput(attrs={"step": 300}))
    room = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Room")
    note = forms.CharField(max_length=300, required=False, label="Note for the front desk",
                           help_text="Nothing clinical: it shows on the calendar.")
    outside_hours = forms.BooleanField(required=False,
                                       label="Book outside working hours on purpose")

    FIELD_OF = {"patient_id": "patient", "practitioner_id": "practitioner",
                "appointment_type_id": "appointment_type", "room_id": "room",
                "starts_at": "time"}

    def __init__(self, *args: Any, clinic_id: int, patients: list[Patient], **kwargs: Any,
                 ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patient"].choices = [  # type: ignore[attr-defined]
            (p.pk, f"{p.family_name}, {p.given_name} ({p.date_of_birth:%d %b %Y})")
            for p in patients]
        self.set_choices(clinic_id)

    def to_input(self) -> BookingInput:
        d = self.cleaned_data
        return BookingInput(
            patient_id=d["patient"], practitioner_id=d["practitioner"],
            appointment_type_id=d["appointment_type"],
            starts_at=dt.datetime.combine(d["day"], d["time"]), room_id=d.get("room"),
            note=d.get("note", ""))

    def show_service_errors(self, error: InputError) -> None:
        renamed = {self.FIELD_OF.get(k, k): v for k, v in error.errors.items()}
        super().show_service_errors(InputError(renamed))


class MoveForm(ClinicChoicesMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput())
    day = forms.DateField(label="New day", widget=DateInput())
    time = forms.TimeField(label="New time", widget=TimeInput(attrs={"step": 300}))
    practitioner = forms.TypedChoiceField(coerce=int, label="Practitioner")
    room = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Room")
    outside_hours = forms.BooleanField(required=False,
                                       label="Outside working hours on purpose")

    def __init__(self, *args: Any, clinic_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices(clinic_id)
        self.fields.pop("appointment_type", None)


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput())
    reason = forms.CharField(max_length=300, required=False, label="Reason")
    by_clinic = forms.BooleanField(required=False,
                                   label="The clinic cancels (no late-cancel fee)")


class CourseForm(ServiceErrorsMixin, ClinicChoicesMixin, forms.Form):
    first_day = forms.DateField(label="First session", widget=DateInput())
    time = forms.TimeField(label="Time of every session", widget=TimeInput(attrs={"step": 300}))
    weekdays = forms.TypedMultipleChoiceField(
        coerce=int, choices=WEEKDAYS, required=False, widget=forms.CheckboxSelectMultiple,
        label="On these days", help_text="None ticked: spread over the week from the first day.")
    practitioner = forms.TypedChoiceField(coerce=int, label="Practitioner")
    appointment_type = forms.TypedChoiceField(coerce=int, label="Appointment")
    room = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Room")

    def __init__(self, *args: Any, clinic_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices(clinic_id)

    def to_input(self, plan_id: int) -> CourseInput:
        d = self.cleaned_data
        return CourseInput(plan_id=plan_id, first_day=d["first_day"], at=d["time"],
                           practitioner_id=d["practitioner"],
                           appointment_type_id=d["appointment_type"], room_id=d.get("room"),
                           weekdays=list(d.get("weekdays") or []))

    def show_service_errors(self, error: InputError) -> None:
        renamed = {{"practitioner_id": "practitioner", "appointment_type_id": "appointment_type",
                    "room_id": "room"}.get(k, k): v for k, v in error.errors.items()}
        super().show_service_errors(InputError(renamed))


class WaitlistForm(ServiceErrorsMixin, ClinicChoicesMixin, forms.Form):
    appointment_type = forms.TypedChoiceField(coerce=int, label="Appointment")
    practitioner = forms.TypedChoiceField(coerce=int, empty_value=None, required=False,
                                          label="Practitioner")
    earliest = forms.DateField(required=False, label="From", widget=DateInput())
    latest = forms.DateField(required=False, label="Until", widget=DateInput())
    note = forms.CharField(max_length=200, required=False, label="Note")

    def __init__(self, *args: Any, clinic_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices(clinic_id)
        self.fields["practitioner"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"), *self.fields["practitioner"].choices]  # type: ignore[attr-defined]


SHIFTS_A_DAY = 2  # a morning and an afternoon, with a break between


class WorkingHoursForm(forms.Form):
    """A practitioner's week: up to two shifts a weekday, each a start and an end. A day left
    empty is a day off. What was typed is kept when anything is wrong."""

    keep_appointments = forms.BooleanField(
        required=False, label="Keep the booked appointments the new hours leave out")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, name in WEEKDAYS:
            for n in range(1, SHIFTS_A_DAY + 1):
                for end in ("start", "end"):
                    self.fields[f"d{day}_{end}{n}"] = forms.TimeField(
                        required=False, widget=TimeInput(attrs={"step": 300}),
                        label=f"{name} shift {n} {'starts' if end == 'start' else 'ends'}")

    @staticmethod
    def initial_of(shifts: list[calendar.Shift]) -> dict[str, dt.time]:
        initial: dict[str, dt.time] = {}
        count: dict[int, int] = {}
        for s in sorted(shifts, key=lambda s: (s.weekday, s.start)):
            n = count[s.weekday] = count.get(s.weekday, 0) + 1
            if n <= SHIFTS_A_DAY:
                initial[f"d{s.weekday}_start{n}"] = s.start
                initial[f"d{s.weekday}_end{n}"] = s.end
        return initial

    def days(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        """Each weekday's name and its (start, end) field pairs, for the template."""
        return [(name, [(self[f"d{day}_start{n}"], self[f"d{day}_end{n}"])
                        for n in range(1, SHIFTS_A_DAY + 1)]) for day, name in WEEKDAYS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day, _ in WEEKDAYS:
            for n in range(1, SHIFTS_A_DAY + 1):
                start, end = f"d{day}_start{n}", f"d{day}_end{n}"
                if start in self.errors or end in self.errors:
                    continue
                if (data.get(start) is None) != (data.get(end) is None):
                    missing = end if data.get(end) is None else start
                    self.add_error(missing, "Give both the start and the end, or neither.")
                elif data.get(start) is not None and data[end] <= data[start]:
                    self.add_error(end, "The shift must end after it starts.")
        return data

    def shifts(self) -> list[calendar.Shift]:
        d = self.cleaned_data
        return [calendar.Shift(day, d[f"d{day}_start{n}"], d[f"d{day}_end{n}"])
                for day, _ in WEEKDAYS for n in range(1, SHIFTS_A_DAY + 1)
                if d.get(f"d{day}_start{n}") is not None]

    def show_service_errors(self, error: InputError) -> None:
        """`day_<weekday>` errors go beside that day's first shift."""
        for key, messages in error.errors.items():
            field = (f"d{key.removeprefix('day_')}_start1" if key.startswith("day_")
                     else None)
            for message in messages:
                self.add_error(field, message)
