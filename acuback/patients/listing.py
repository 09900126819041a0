"""The patient list's columns beyond the demographics, each defined here in one place and
bounded in cost whatever the page size: either a scalar subquery of the page's one rows
statement (`sql`), or one query for the whole page's patients at once (`load`). A new column is
one more entry in COLUMNS and one more cell in acuback.patients.rows.

The page's rows are read by hand-written SQL (`RowSelect`, in the page's statement of
acuback.patients.search_sql), not the ORM: building the ORM's query with its subqueries cost
more than the database took to answer it (issue 9). They carry the
fields the list and the API show (not created_at/updated_at: read on access, if ever) and
the practitioner's name only.

Clinical columns are added for clinicians only: front desk never sees clinical content.

"Questionnaires due" is, until the questionnaire schedule exists, the baselines still missing
for the core measures of the patient's active episodes: one of function (ODI or RMDQ) and one
of pain intensity (NRS or PEG) per active episode, the measures to capture at baseline for
outcomes and coverage (Medicare NCD 30.3.3 design note, DOMAIN.md part 3). So 0 to 2 per
active episode; follow-ups and other questionnaires are not counted yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from acuback.accounts.models import User
from acuback.assessments.alerts import open_alerts_sql
from acuback.assessments.models import Assessment, TimePoint
from acuback.episodes.models import Episode, EpisodeStatus, Region
from acuback.patients.models import Patient
from acuback.sqlrows import Columns, marks

CORE_FUNCTION = ("odi", "rmdq")
CORE_PAIN = ("nrs", "peg")

Sql = tuple[str, list[object]]  # an SQL fragment and its parameters


@dataclass(frozen=True)
class Column:
    name: str  # the attribute on each patient, which the template's cell shows
    heading: str
    clinical: bool  # clinical content: clinicians only
    sql: Callable[[], Sql] | None = None  # a scalar subquery on the patient `p`
    convert: Callable[[Any], object] = lambda value: value  # the subquery's value, as shown
    load: Callable[[list[Patient]], None] | None = None  # one query for the page's patients


@dataclass(frozen=True)
class ActiveEpisode:
    id: int
    region: str
    opened_on: dt.date


def _table(model: type) -> str:
    return model._meta.db_table  # type: ignore[attr-defined,no-any-return]


def _active_episodes(patients: list[Patient]) -> None:
    """Each patient's latest active episode and the core baselines its active episodes lack:
    one query for the page, however many patients and episodes."""
    ids = [p.pk for p in patients]
    baseline = (f"SELECT 1 FROM {_table(Assessment)} a WHERE a.episode_id = e.id "  # noqa: S608
                "AND a.time_point = %s AND a.instrument IN ")
    with connection.cursor() as db:
        db.execute(
            f"SELECT e.patient_id, e.id, e.region, e.opened_on, "  # noqa: S608
            f"EXISTS({baseline}({marks(CORE_FUNCTION)})), "
            f"EXISTS({baseline}({marks(CORE_PAIN)})) "
            f"FROM {_table(Episode)} e WHERE e.patient_id IN ({marks(ids)}) AND e.status = %s "
            "ORDER BY e.patient_id, e.opened_on DESC, e.id DESC",
            [TimePoint.BASELINE, *CORE_FUNCTION, TimePoint.BASELINE, *CORE_PAIN, *ids,
             EpisodeStatus.ACTIVE])
        active = db.fetchall()
    latest: dict[int, ActiveEpisode] = {}
    due: dict[int, int] = {}
    for patient_id, episode_id, region, opened_on, has_function, has_pain in active:
        latest.setdefault(patient_id, ActiveEpisode(episode_id, Region(region).label,
                                                    _date(opened_on)))
        due[patient_id] = due.get(patient_id, 0) + (not has_function) + (not has_pain)
    for patient in patients:
        patient.active_episode = latest.get(patient.pk)  # type: ignore[attr-defined]
        patient.questionnaires_due = due.get(patient.pk, 0)  # type: ignore[attr-defined]


def _last_visit() -> Sql:
    """When the patient's latest visit not marked entered in error began
    (acuback.visits.access.live_visits)."""
    # Imported here: acuback.visits imports the episode selectors, which import this app's.
    from acuback.visits.models import Amendment, AmendmentKind, Visit

    return (f"(SELECT MAX(v.started_at) FROM {_table(Visit)} v JOIN {_table(Episode)} ve "  # noqa: S608
            f"ON ve.id = v.episode_id WHERE ve.patient_id = p.id AND NOT EXISTS (SELECT 1 FROM "
            f"{_table(Amendment)} am WHERE am.visit_id = v.id AND am.kind = %s))",
            [AmendmentKind.ENTERED_IN_ERROR])


def _next_visit() -> Sql:
    """The start of the patient's next appointment that holds its time (booked, requested)."""
    from acuback.scheduling.models import Appointment, Status

    holding = (Status.BOOKED, Status.REQUESTED)
    return (f"(SELECT MIN(n.starts_at) FROM {_table(Appointment)} n WHERE n.patient_id = p.id "  # noqa: S608
            f"AND n.status IN ({marks(holding)}) AND n.starts_at >= %s)",
            [*holding, connection.ops.adapt_datetimefield_value(timezone.now())])


def _open_alerts() -> Sql:
    return open_alerts_sql("p"), []


def _when(value: object) -> dt.datetime | None:
    """A stored moment as an aware datetime: PostgreSQL gives one, SQLite the UTC text Django
    wrote."""
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed: dt.datetime | None = parse_datetime(str(value))
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=dt.UTC)


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


COLUMNS: list[Column] = [
    # Both from one load: the active episodes give the latest and what they lack.
    Column("active_episode", "Active episode", clinical=True, load=_active_episodes),
    Column("last_visit", "Last visit", clinical=False, sql=_last_visit, convert=_when),
    Column("next_visit", "Next visit", clinical=False, sql=_next_visit, convert=_when),
    Column("questionnaires_due", "Questionnaires due", clinical=True),
    Column("open_alerts", "Open alerts", clinical=True, sql=_open_alerts, convert=int),
]

# What the list and the API show of a patient (acuback.patients.api.PatientListOut).
FIELDS = ("id", "clinic_id", "given_name", "family_name", "date_of_birth", "sex", "email",
          "phone", "address", "practitioner_id", "user_id", "version")


def visible_columns(*, clinical: bool) -> list[Column]:
    return [c for c in COLUMNS if clinical or not c.clinical]


@dataclass(frozen=True)
class RowSelect:
    """The list's columns for a hand-written statement over the patient `p` joined to its
    practitioner `u` (`PRACTITIONER`): the select list and its parameters, and how a row of it
    becomes the patient. The search and list statements (search_sql) read their page with it."""

    sql: str
    params: list[object]
    columns: list[Column]
    shown: list[Column]

    def build(self, row: Sequence[Any], start: int = 0) -> Patient:
        """The patient from `row[start:]`, with the columns that are subqueries."""
        patient = _PATIENT.build(row, start)
        end = start + _PATIENT.width
        if row[end] is not None:
            patient.practitioner = _PRACTITIONER.build(row, end)
        end += _PRACTITIONER.width
        for column, value in zip(self.columns, row[end:end + len(self.columns)], strict=True):
            setattr(patient, column.name, column.convert(value))
        patient.clinic_time_zone = row[end + len(self.columns)]
        return patient

    def load(self, page: list[Patient]) -> None:
        """The columns that are one query for the whole page (none for an empty page)."""
        for column in self.shown if page else []:
            if column.load is not None:
                column.load(page)


# The practitioner's name only.
_PATIENT = Columns(Patient, "p", only=FIELDS)
_PRACTITIONER = Columns(User, "u", only=("id", "first_name", "last_name", "username"))


def row_select(shown: list[Column]) -> RowSelect:
    from acuback.scheduling.models import ClinicSchedule

    columns = [c for c in shown if c.sql is not None]
    subqueries = [c.sql() for c in columns if c.sql is not None]
    select = ", ".join([_PATIENT.sql(), _PRACTITIONER.sql(), *(sql for sql, _ in subqueries),
                        f"(SELECT cs.time_zone FROM {_table(ClinicSchedule)} cs "  # noqa: S608
                        "WHERE cs.clinic_id = p.clinic_id)"])
    return RowSelect(select, [value for _, params in subqueries for value in params], columns,
                     shown)


PRACTITIONER = f"LEFT JOIN {_table(User)} u ON u.id = p.practitioner_id"  # for `RowSelect`
