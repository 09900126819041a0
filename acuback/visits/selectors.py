"""Reads for visits, scoped to the actor's clinic and role, audited.

Visit content is clinical: practitioners and owners only (403 for front desk and for the
patient, whose portal shows their own care in its own way; 404 for anything outside the
clinic). Front desk may see *that* a visit happened (`visit_summaries`) and the retention
timers (room, patient, minutes left), so that nobody is forgotten on a couch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound, membership_of
from acuback.accounts.models import (
    CLINICAL_ROLES,
    STAFF_ROLES,
    USER_NAME_FIELDS,
    Role,
    User,
    beyond_name,
)
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.dbtime import db_datetime
from acuback.episodes.models import Episode
from acuback.patients.models import Patient
from acuback.prefetch import prefetched_set
from acuback.sqlrows import Columns, fetch, key, starts, table
from acuback.visits.access import in_error_subquery, live_visits
from acuback.visits.models import (
    AdverseEvent,
    Amendment,
    AmendmentKind,
    PainkillerUse,
    PointCombination,
    Visit,
    VisitPoint,
    VisitStatus,
)


def visit_etag(visit: Visit) -> str:
    """The visit's version, and how many amendments it has: any write changes one of them."""
    return f'"{visit.version}.{len(visit.amendments.all())}"'


def visit_full(qs: QuerySet[Visit], *, events: bool = True) -> QuerySet[Visit]:
    """The visits with their episode, patient and people, their amendments, points and
    painkillers, and (`events`) their adverse events. (`visit_get` reads one visit so by hand:
    `_visit_read`.)"""
    # Of the people, only their names are shown (accounts.models.beyond_name).
    authors = Amendment.objects.select_related("author").defer(*beyond_name("author"))
    qs = qs.select_related("episode__patient", "practitioner", "signed_by").defer(
        *beyond_name("practitioner"), *beyond_name("signed_by")).prefetch_related(
        Prefetch("amendments", queryset=authors),
        # Each visit's points in their order: `position` alone (the model's order, by visit
        # first, would join the visits table for their order, the same for one visit's points).
        Prefetch("points", queryset=VisitPoint.objects.order_by("position")), "painkillers")
    return qs.prefetch_related("adverse_events") if events else qs


_VISIT = Columns(Visit, "v")
_EPISODE = Columns(Episode, "e")
_PATIENT = Columns(Patient, "p")
# Of the people, only their names are shown (accounts.models.beyond_name).
_PRACTITIONER = Columns(User, "u", USER_NAME_FIELDS)
_SIGNER = Columns(User, "s", USER_NAME_FIELDS)
_AMENDMENT = Columns(Amendment, "a")
_AUTHOR = Columns(User, "u", USER_NAME_FIELDS)
_POINT = Columns(VisitPoint, "t")
_PAINKILLER = Columns(PainkillerUse, "k")


def _visit_read(pk: int, clinic_id: int) -> Visit | None:
    """One visit of the clinic as `visit_full(..., events=False)` reads them (its episode,
    patient and people, its amendments, points and painkillers, each list in its order), in
    hand-written statements: the visit page reads it on every open, and compiling the ORM's
    queries cost more than running them."""
    parts = (_VISIT, _EPISODE, _PATIENT, _PRACTITIONER, _SIGNER)
    rows = fetch(
        f"SELECT {', '.join(c.sql() for c in parts)} FROM {table(Visit)} v "  # noqa: S608
        f"JOIN {table(Episode)} e ON e.id = v.episode_id "
        f"JOIN {table(Patient)} p ON p.id = e.patient_id "
        f"JOIN {table(User)} u ON u.id = v.practitioner_id "
        f"LEFT JOIN {table(User)} s ON s.id = v.signed_by_id "
        "WHERE v.id = %s AND v.clinic_id = %s", [pk, clinic_id])
    if not rows:
        return None
    row = rows[0]
    visit, episode, patient, practitioner = (
        c.build(row, start) for c, start in starts(parts)[:4])
    Episode.patient.field.set_cached_value(episode, patient)
    Visit.episode.field.set_cached_value(visit, episode)
    Visit.practitioner.field.set_cached_value(visit, practitioner)
    signer = _SIGNER.build(row, starts(parts)[4][1]) if visit.signed_by_id else None
    Visit.signed_by.field.set_cached_value(visit, signer)
    amendments = []
    for found in fetch(
            f"SELECT {_AMENDMENT.sql()}, {_AUTHOR.sql()} FROM {table(Amendment)} a "  # noqa: S608
            f"JOIN {table(User)} u ON u.id = a.author_id WHERE a.visit_id = %s "
            "ORDER BY a.at, a.id", [pk]):  # Amendment.Meta.ordering
        amendment = _AMENDMENT.build(found)
        Amendment.author.field.set_cached_value(amendment, _AUTHOR.build(found, _AMENDMENT.width))
        amendments.append(amendment)
    _prefetched(visit, "amendments", amendments)
    # Each visit's points in their order (`position`), its painkillers in theirs
    # (PainkillerUse.Meta.ordering).
    _prefetched(visit, "points", [_POINT.build(r) for r in fetch(
        f"SELECT {_POINT.sql()} FROM {table(VisitPoint)} t "  # noqa: S608
        "WHERE t.visit_id = %s ORDER BY t.position", [pk])])
    _prefetched(visit, "painkillers", [_PAINKILLER.build(r) for r in fetch(
        f"SELECT {_PAINKILLER.sql()} FROM {table(PainkillerUse)} k "  # noqa: S608
        "WHERE k.visit_id = %s ORDER BY k.recorded_at, k.id", [pk])])
    return visit


def _prefetched(visit: Visit, name: str, rows: list[Any]) -> None:
    """`rows` as the prefetch of `visit.<name>` leaves them: each row knowing its visit."""
    for row in rows:
        row.visit = visit
    prefetched_set(visit, name, rows)


def visit_get(*, actor: User, visit_id: object, action: str = Action.READ) -> Visit:
    """One visit with its points, painkillers and amendments (its adverse events are read
    when asked for: the visit page does not show them)."""
    membership = membership_of(actor)
    pk = key(visit_id)
    visit = None
    if membership is not None and pk is not None:
        visit = _visit_read(pk, membership.clinic_id)
    own = visit is not None and visit.episode.patient.user_id == getattr(actor, "pk", None)
    if visit is None or membership is None or (membership.role == Role.PATIENT and not own):
        audit_record(actor=actor, action=action, object_type="visit", object_id=visit_id,
                     outcome=Outcome.NOT_FOUND)
        raise NotFound("visit not found")
    if membership.role not in CLINICAL_ROLES:
        audit_record(actor=actor, action=action, object_type="visit", object_id=visit.pk,
                     outcome=Outcome.DENIED, clinic_id=visit.clinic_id)
        raise Forbidden("only practitioners and owners may see a visit's content")
    audit_record(actor=actor, action=action, object_type="visit", object_id=visit.pk,
                 outcome=Outcome.OK, clinic_id=visit.clinic_id,
                 detail={"episode": visit.episode_id})
    return visit


def visits_of_episode(*, actor: User, episode: Episode) -> list[Visit]:
    """The episode's visits, newest first, for an actor who holds the episode from
    `clinical_episode_get` (clinicians only)."""
    # What the list shows: not each visit's points (a long history has thousands), nor who
    # signed it; the episode and its patient are the caller's already.
    visits = list(episode.visits.select_related("practitioner").prefetch_related(
        "painkillers", "amendments", "adverse_events"))
    for visit in visits:
        visit.episode = episode
    audit_record(actor=actor, action=Action.LIST, object_type="visit", outcome=Outcome.OK,
                 clinic_id=episode.clinic_id,
                 detail={"episode": episode.pk, "ids": [v.pk for v in visits]})
    return visits


VISITS_LISTED = 25  # an episode's visits page lists this many, newest first


@dataclass(frozen=True)
class VisitLine:
    """A visit as the episode page's panels need it of every visit: not a model (a long
    history is read as plain rows)."""

    pk: int
    number: int
    started_at: dt.datetime
    painkillers_taken: bool | None
    pain_regions: list[str]
    in_error: bool


@dataclass(frozen=True)
class EpisodeVisits:
    """What the episode's visits page shows: one page of the list (newest first, from
    `before` on, or the newest), and the episode's whole course read lightly (numbers, dates,
    pain drawings: what the page's other panels need of every visit; the painkillers of the
    visits the course shows are read by `painkiller_course_summary`)."""

    listed: list[Visit]
    history: list[VisitLine]  # every visit, newest first
    older: int | None  # the `before` of the next page (the last listed visit), or None
    newest: bool  # this page starts at the newest visit


def episode_visits_page(*, actor: User, episode: Episode, before: object = None,
                        size: int | None = None) -> EpisodeVisits:
    """The episode's visits for its page, for an actor who holds the episode from
    `clinical_episode_get`. Keyset pages in the list's own order (-started_at, -id):
    `before` is a visit id of this episode; the page holds the visits listed after it.
    An unknown or foreign `before` gives the newest page (nothing of another episode leaks:
    the cursor is only compared within this one)."""
    history = [VisitLine(*row) for row in episode.visits.annotate(
        in_error=in_error_subquery()).values_list(
        "pk", "number", "started_at", "painkillers_taken", "pain_regions", "in_error")]
    size = size or VISITS_LISTED
    cursor = next((v for v in history if v.pk == key(before)), None)
    # Only what the list's rows show: not each visit's points, nor who signed it; of its
    # amendments their kind, of its adverse events how many.
    listed_qs = episode.visits.select_related("practitioner").prefetch_related(
        Prefetch("amendments", queryset=Amendment.objects.only("pk", "visit_id", "kind")),
        Prefetch("adverse_events", queryset=AdverseEvent.objects.only("pk", "visit_id")))
    if cursor is not None:
        listed_qs = listed_qs.filter(Q(started_at__lt=cursor.started_at) | Q(
            started_at=cursor.started_at, pk__lt=cursor.pk))
    listed = list(listed_qs[:size + 1])
    for visit in listed:
        visit.episode = episode
    audit_record(actor=actor, action=Action.LIST, object_type="visit", outcome=Outcome.OK,
                 clinic_id=episode.clinic_id,
                 detail={"episode": episode.pk, "ids": [v.pk for v in history]})
    return EpisodeVisits(listed[:size], history,
                         listed[size - 1].pk if len(listed) > size else None, cursor is None)


def episode_adverse_events(episode: Episode) -> list[AdverseEvent]:
    """The adverse events of the episode's visits, in the visits' order (newest first), each
    visit's newest first, for an actor who holds the episode from `clinical_episode_get`
    (the page's visit list audits the read)."""
    return list(AdverseEvent.objects.filter(visit__episode=episode).order_by(
        "-visit__started_at", "-visit_id", "-onset_at", "-id"))


@dataclass(frozen=True)
class VisitSummary:
    """That a visit happened: what front desk may know."""

    id: int
    patient_id: int
    episode_id: int
    number: int
    date: dt.date
    practitioner: str
    signed: bool
    in_error: bool


def visit_summaries(*, actor: User, patient: Patient) -> list[VisitSummary]:
    """The patient's visits, newest first, for any staff member who holds the patient from
    `patient_get`. No content: dates, numbers, practitioner, signed or not."""
    membership = membership_of(actor)
    if membership is None or membership.role not in STAFF_ROLES or (
            membership.clinic_id != patient.clinic_id):
        audit_record(actor=actor, action=Action.LIST, object_type="visit_summary",
                     outcome=Outcome.DENIED, detail={"patient": patient.pk})
        raise Forbidden("only clinic staff may list visits")
    in_error = set(Amendment.objects.filter(
        visit__episode__patient=patient, kind=AmendmentKind.ENTERED_IN_ERROR,
    ).values_list("visit_id", flat=True))
    rows = (Visit.objects.filter(episode__patient=patient).select_related("practitioner")
            .order_by("-started_at", "-id"))
    summaries = [VisitSummary(
        v.pk, patient.pk, v.episode_id, v.number, timezone.localtime(v.started_at).date(),
        v.practitioner.get_full_name() or v.practitioner.username,
        v.status == VisitStatus.SIGNED, v.pk in in_error) for v in rows]
    audit_record(actor=actor, action=Action.LIST, object_type="visit_summary",
                 outcome=Outcome.OK, clinic_id=patient.clinic_id,
                 detail={"patient": patient.pk, "ids": [s.id for s in summaries]})
    return summaries


def unsigned_visits(*, actor: User) -> list[Visit]:
    """The actor's own drafts, oldest first: what is left to sign."""
    membership = membership_of(actor)
    if membership is None or membership.role not in CLINICAL_ROLES:
        audit_record(actor=actor, action=Action.LIST, object_type="visit",
                     outcome=Outcome.DENIED, detail={"unsigned": True})
        raise Forbidden("only practitioners and owners sign visits")
    visits = list(live_visits(Visit.objects.filter(
        clinic_id=membership.clinic_id, practitioner=actor, status=VisitStatus.DRAFT))
        .select_related("episode__patient").order_by("started_at", "id"))
    audit_record(actor=actor, action=Action.LIST, object_type="visit", outcome=Outcome.OK,
                 clinic_id=membership.clinic_id,
                 detail={"unsigned": True, "ids": [v.pk for v in visits]})
    return visits


@dataclass(frozen=True)
class Timer:
    visit_id: int
    room: str
    patient: str
    practitioner_id: int
    needles_still_in: int
    ends_at: dt.datetime | None  # None: needles in but no timer running
    shown: str = ""  # words(now) when read, for the page before its script counts down

    def seconds_left(self, now: dt.datetime) -> int | None:
        return None if self.ends_at is None else int((self.ends_at - now).total_seconds())

    def words(self, now: dt.datetime) -> str:
        """room 2: 4 min left / 3 min over / no timer."""
        where = self.room or "no room"
        left = self.seconds_left(now)
        if left is None:
            return f"{where}: needles in, no timer"
        minutes = -(-abs(left) // 60)
        return f"{where}: {minutes} min left" if left >= 0 else f"{where}: {minutes} min over"


def _needled(clinic_id: int) -> list[tuple[Any, ...]]:
    """The clinic's draft visits with needles in (`visits.access.live_visits`: not entered in
    error), newest first (the model's order), as the columns a timer shows. One hand-written
    statement: every staff page's rooms strip reads this, the visit page on each open."""
    with connection.cursor() as db:
        db.execute(
            "SELECT v.id, v.room, p.given_name, p.family_name, v.practitioner_id, "  # noqa: S608
            "v.needles_in, v.needles_out, v.retention_started_at, v.retention_minutes "
            f"FROM {Visit._meta.db_table} v JOIN {Episode._meta.db_table} e ON e.id = "
            f"v.episode_id JOIN {Patient._meta.db_table} p ON p.id = e.patient_id "
            "WHERE v.clinic_id = %s AND v.status = %s AND v.needles_in > v.needles_out "
            f"AND NOT EXISTS (SELECT 1 FROM {Amendment._meta.db_table} a WHERE a.visit_id = "
            "v.id AND a.kind = %s) ORDER BY v.started_at DESC, v.id DESC",
            [clinic_id, VisitStatus.DRAFT, AmendmentKind.ENTERED_IN_ERROR])
        rows = db.fetchall()
    return [(*row[:7], db_datetime(row[7]), row[8]) for row in rows]


def retention_timers(*, actor: User) -> list[Timer]:
    """Every patient of the clinic with needles in, soonest due first."""
    membership = membership_of(actor)
    if membership is None or membership.role not in STAFF_ROLES:
        audit_record(actor=actor, action=Action.LIST, object_type="room",
                     outcome=Outcome.DENIED)
        raise Forbidden("only clinic staff see the treatment rooms")
    timers = [Timer(
        pk, room, f"{given} {family}", practitioner_id, needles_in - needles_out,
        started + dt.timedelta(minutes=minutes or 0) if started else None)
        for pk, room, given, family, practitioner_id, needles_in, needles_out, started, minutes
        in _needled(membership.clinic_id)]
    now = timezone.now()
    far = now + dt.timedelta(days=1)
    return sorted((replace(t, shown=t.words(now)) for t in timers),
                  key=lambda t: (t.ends_at or far, t.room))


@dataclass(frozen=True)
class LotUse:
    visit_id: int
    date: dt.date
    patient_id: int
    practitioner: str

    def to_dict(self) -> dict[str, object]:
        return {"visit_id": self.visit_id, "date": self.date.isoformat(),
                "patient_id": self.patient_id, "practitioner": self.practitioner}


def lot_uses(lot: str, clinic_id: int | None = None) -> list[LotUse]:
    """Every visit that used a needle of `lot` (case and spaces ignored), oldest first."""
    wanted = lot.strip()
    if not wanted:
        return []
    qs = Visit.objects.filter(points__lot__iexact=wanted)
    if clinic_id is not None:
        qs = qs.filter(clinic_id=clinic_id)
    visits = qs.distinct().select_related("episode", "practitioner").order_by("started_at", "id")
    return [LotUse(v.pk, timezone.localtime(v.started_at).date(), v.episode.patient_id,
                   v.practitioner.get_full_name() or v.practitioner.username) for v in visits]


def lot_recall(*, actor: User, lot: str) -> list[LotUse]:
    """For an owner: their clinic's visits that used the lot."""
    membership = membership_of(actor)
    if membership is None or membership.role != Role.OWNER:
        audit_record(actor=actor, action=Action.LIST, object_type="lot_recall",
                     outcome=Outcome.DENIED, detail={"lot": lot[:60]})
        raise Forbidden("only owners may trace a needle lot")
    uses = lot_uses(lot, membership.clinic_id)
    audit_record(actor=actor, action=Action.LIST, object_type="lot_recall", outcome=Outcome.OK,
                 clinic_id=membership.clinic_id,
                 detail={"lot": lot[:60], "visits": [u.visit_id for u in uses]})
    return uses


def combinations_for(actor: User) -> list[PointCombination]:
    """The actor's own saved combinations and the clinic's shared ones."""
    membership = membership_of(actor)
    if membership is None:
        return []
    own = PointCombination.objects.filter(clinic_id=membership.clinic_id, archived=False)
    return [c for c in own if c.owner_id in (None, actor.pk)]


def adverse_event_get(*, actor: User, event_id: object) -> AdverseEvent:
    membership = membership_of(actor)
    pk = key(event_id)
    event = None
    if membership is not None and pk is not None:
        event = AdverseEvent.objects.filter(pk=pk, clinic_id=membership.clinic_id).select_related(
            "visit", "episode__patient").first()
    if event is None or membership is None or (
            membership.role == Role.PATIENT and event.episode.patient.user_id != actor.pk):
        audit_record(actor=actor, action=Action.READ, object_type="adverse_event",
                     object_id=event_id, outcome=Outcome.NOT_FOUND)
        raise NotFound("adverse event not found")
    if membership.role not in CLINICAL_ROLES:
        audit_record(actor=actor, action=Action.READ, object_type="adverse_event",
                     object_id=event.pk, outcome=Outcome.DENIED, clinic_id=event.clinic_id)
        raise Forbidden("only practitioners and owners may see adverse events")
    audit_record(actor=actor, action=Action.READ, object_type="adverse_event", object_id=event.pk,
                 outcome=Outcome.OK, clinic_id=event.clinic_id)
    return event


def intake_painkillers(episode: Episode) -> list[PainkillerUse]:
    return list(episode.painkillers.filter(visit__isnull=True).select_related("in_error_by"))


@dataclass(frozen=True)
class PainkillerPoint:
    """One point of the painkiller line over an episode: intake, then each visit."""

    label: str
    when: dt.datetime
    drugs: list[str]
    opioid_mme_per_day: Decimal | None
    asked: bool


def painkiller_course(episode: Episode, visits: list[Visit], *,
                      intake: list[PainkillerUse] | None = None) -> list[PainkillerPoint]:
    """Intake then every live visit, oldest first: what was taken, and opioid MME/day.
    `intake` is the episode's `intake_painkillers` when the caller has read them."""
    points = _intake_point(intake_painkillers(episode) if intake is None else intake)
    for visit in sorted(visits, key=lambda v: v.started_at):
        points.append(_course_point(f"Visit {visit.number}", visit.started_at,
                                    list(visit.painkillers.all()),
                                    visit.painkillers_taken is not None))
    return points


COURSE_SHOWN = 12  # a long course shows its first visit and the latest ones


@dataclass(frozen=True)
class CourseGap:
    """Where a long painkiller course leaves visits out: how many."""

    left_out: int


def painkiller_course_summary(visits: list[VisitLine], *, intake: list[PainkillerUse],
                              ) -> list[PainkillerPoint | CourseGap]:
    """The painkiller course as the episode's page shows it: intake, then the live `visits`
    oldest first; past COURSE_SHOWN visits, the first (where care began) and the latest ones,
    with how many visits between are left out (a CourseGap where they would be): a course of
    two hundred visits is a table nobody reads, and each visit's page has its painkillers.
    Reads the painkillers of the visits shown only."""
    ordered = sorted(visits, key=lambda v: (v.started_at, v.pk))
    shown, left_out = ordered, 0
    if len(ordered) > COURSE_SHOWN:
        shown = [ordered[0], *ordered[-(COURSE_SHOWN - 1):]]
        left_out = len(ordered) - COURSE_SHOWN
    uses: dict[int, list[PainkillerUse]] = {v.pk: [] for v in shown}
    if shown:  # in each visit's own order (PainkillerUse's), as visit.painkillers reads them
        for use in PainkillerUse.objects.filter(visit_id__in=list(uses)):
            uses[use.visit_id].append(use)
    points: list[PainkillerPoint | CourseGap] = [*_intake_point(intake), *(
        _course_point(f"Visit {v.number}", v.started_at, uses[v.pk],
                      v.painkillers_taken is not None) for v in shown)]
    if left_out:
        points.insert(len(points) - (COURSE_SHOWN - 1), CourseGap(left_out))
    return points


def _intake_point(intake: list[PainkillerUse]) -> list[PainkillerPoint]:
    """The course's first point, when painkillers were recorded at intake (`intake_painkillers`)."""
    live = [p for p in intake if p.in_error_at is None]
    return [_course_point("Intake", live[0].recorded_at, live, True)] if live else []


def _course_point(label: str, when: dt.datetime, uses: list[PainkillerUse],
                  asked: bool) -> PainkillerPoint:
    mme = [u.mme_per_day for u in uses if u.mme_per_day is not None]
    return PainkillerPoint(label, when, [u.name for u in uses],
                           sum(mme, Decimal(0)) if mme else None, asked)


def visit_queryset(actor: User) -> QuerySet[Visit]:
    """Every visit whose content the actor may see (clinicians of its clinic), entered in
    error or not: for exports, which say which is which."""
    membership = membership_of(actor)
    if membership is None or membership.role not in CLINICAL_ROLES:
        return Visit.objects.none()
    return Visit.objects.filter(clinic_id=membership.clinic_id)


def adverse_event_queryset(actor: User) -> QuerySet[AdverseEvent]:
    membership = membership_of(actor)
    if membership is None or membership.role not in CLINICAL_ROLES:
        return AdverseEvent.objects.none()
    return AdverseEvent.objects.filter(clinic_id=membership.clinic_id)


def painkiller_queryset(actor: User) -> QuerySet[PainkillerUse]:
    membership = membership_of(actor)
    if membership is None or membership.role not in CLINICAL_ROLES:
        return PainkillerUse.objects.none()
    return PainkillerUse.objects.filter(clinic_id=membership.clinic_id)


def amendment_queryset(actor: User) -> QuerySet[Amendment]:
    membership = membership_of(actor)
    if membership is None or membership.role not in CLINICAL_ROLES:
        return Amendment.objects.none()
    return Amendment.objects.filter(visit__clinic_id=membership.clinic_id)
