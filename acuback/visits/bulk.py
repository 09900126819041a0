"""Bulk demo step: the signed visits of every bulk episode, with their painkillers, adverse
events and claim lines (`acuback demo --patients N`, `acuback demo --registry`).

Each episode a screen allows needling for, with its baseline questionnaires taken, gets a
course as the usual demo charts one (acuback.visits.demo): twice a week from a few days after
baseline, up to the plan's ten sessions (some patients stop early), until discharge or today;
pain falls between baseline and follow-up as the questionnaires say; the points are the
prescriber's proposal for the episode (its plan's, or for a discharged episode the proposal
its plan would have had). Every visit is signed by its practitioner at its end.

What a bulk visit holds is what the services would have stored:
- its content hash is the SHA-256 of the canonical JSON `visits.content.digest` takes of the
  content `visit_hash` reads back (written directly, not through json.dumps: a registry has 2.3
  million), so the tamper check passes and any later change to the row shows;
- its CPT lines come from the core's `cpt_units` (one initial code a patient a day);
- painkillers carry the core's MME/day and list versions (`painkiller_use`);
- claim lines are built by `billing.claims.claim_line_values` from the judgement the core's
  `judge_course` makes of the patient's visits in date order (what signing them one by one
  would judge) and `billing_of`, the same functions signing calls.
A test compares bulk visits with what the services derive for them (tests/visits/test_bulk.py).

Rows are built a chunk of patients at a time in two forked worker processes while this one
writes the chunk before (`chunk_rows`); each chunk has random streams of its own, so the rows
do not depend on which process built them, and its visits are counted first so that ids follow
on from chunk to chunk.

Adverse events come at the rates of the largest acupuncture safety study (Witt CM et al.,
Forsch Komplementmed 2009;16:91-97: 229,230 patients, 10.2 treatments each, 8.6 % of patients
with at least one adverse effect, bleeding or haematoma 58 % of them, pain about a fifth,
vegetative symptoms 8 %) and serious ones at the pooled rate of prospective studies (Baeumler P
et al., BMJ Open 2021;11:e045961: 7.98 per million treatments).

A registry (`ctx.registry`, `acuback demo --registry`) is a research data set: its visits keep
needle counts, pain, painkillers and adverse events, but no point rows and no claim lines (a
million claims would describe no clinic's billing, and 20 million point rows no question the
registry answers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import multiprocessing
import random
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache, cached_property
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from django.db.models import Model
from django.utils import timezone

from acuback.accounts.models import User
from acuback.billing.claims import billing_of, claim_line_values, provider_facts
from acuback.billing.coverage import CoverageWarning, improvement_as_of
from acuback.billing.models import ClaimLine, Fee
from acuback.bulk import db_json, db_time, insert_rows, next_id, reset_sequences, value_rows
from acuback.clinical import coverage
from acuback.clinical.acupoints import catalogue
from acuback.clinical.analgesics import painkiller_use
from acuback.clinical.coverage_course import VisitFacts, judge_course
from acuback.clinical.cpt import cpt_units
from acuback.clinical.medicare_provider import BillingProvider, billing_provider
from acuback.clinical.outcomes import Measurement
from acuback.clinical.pain_drawing import OUTLINE_VERSION
from acuback.demo.bulk import BulkContext, BulkEpisode
from acuback.episodes.models import Episode
from acuback.plans.demo import COURSE, bulk_proposal
from acuback.screening.models import BLOCKING_DECISIONS
from acuback.visits.content import PAINKILLER_FIELDS, POINT_FIELDS, VISIT_FIELDS, _value
from acuback.visits.demo import LOTS, SUBJECTIVE, _regions
from acuback.visits.models import (
    AdverseEvent,
    PainkillerUse,
    StartedFrom,
    Visit,
    VisitPoint,
    VisitStatus,
)

# Witt 2009: 8.6 % of patients over 10.2 treatments each, so per treatment 1 - (1 - 0.086) **
# (1 / 10.2); kinds in the shares Witt reports (bleeding 58 %, pain ~20 %, vegetative 8 %).
AE_PER_TREATMENT = 1 - (1 - 0.086) ** (1 / 10.2)
AE_KINDS = (("bleeding", 58), ("needling_pain", 20), ("soreness", 6), ("aggravation", 5),
            ("dizziness", 5), ("nausea", 3), ("drowsiness", 3))
PATIENT_REPORTED = frozenset({"soreness", "aggravation", "drowsiness"})
SERIOUS_PER_TREATMENT = 7.98e-6  # Baeumler 2021
SERIOUS_KINDS = ("pneumothorax", "nerve_injury")  # the two Witt 2009 names
DROPOUT_SHARE = 0.15
NOT_ASKED_SHARE = 0.1  # painkillers: sometimes nobody asked (null, never "none")
VISIT_MINUTES = 40
RETENTION = 20
PATIENTS_A_CHUNK = 2000  # rows are built and written a chunk of patients at a time
# Processes building the chunks' rows (the machine's two cores) while this one writes them;
# a load of one chunk is built here. Each chunk draws from a random stream of its own, so the
# rows are the same whichever process builds them.
WORKERS = 2

VISIT_COLUMNS = (
    "id", "clinic", "episode", "practitioner", "number", "status", "started_at", "ended_at",
    "room", "started_from", "plan", "pain_before", "pain_after", "retention_minutes",
    "retention_started_at", "minutes_without_estim", "minutes_with_estim", "insertions",
    "needles_in", "needles_out", "needle_mismatch_reason", "needle_mismatch_note", "adjuncts",
    "adjunct_note", "subjective", "objective", "assessment", "plan_note", "next_visit",
    "finger_floor_cm", "schober_cm", "slr_left_deg", "slr_right_deg", "pain_regions",
    "pain_outline_version", "painkillers_taken", "cpt", "cpt_rule_version", "version",
    "signed_at", "signed_by", "content_hash", "external_id", "created_at", "updated_at",
)
POINT_COLUMNS = ("visit", *POINT_FIELDS)
PAINKILLER_COLUMNS = ("clinic", "episode", "visit", "drug", "name", "drug_class", "dose", "unit",
                      "times_a_day", "days_last_week", "mme_per_day", "list_version",
                      "mme_table_version", "recorded_by", "recorded_at", "in_error_reason")
AE_COLUMNS = ("clinic", "episode", "visit", "kind", "severity", "serious", "causality",
              "onset_at", "action", "outcome", "reporter", "description", "points", "lots",
              "from_needle_count", "recorded_by", "recorded_at", "version", "in_error_reason")
CLAIM_COLUMNS = tuple(f.name for f in ClaimLine._meta.concrete_fields if f.name != "id")
# Signing stores version 3: started (1), charted (2), signed (3), as the usual demo's visits.
SIGNED_VERSION = 3


@dataclass
class _Run:
    """What one bulk step reads once and reuses (never kept between loads)."""

    ctx: BulkContext
    practitioners: dict[int, User] = field(default_factory=dict)
    providers: dict[tuple[int, dt.date], BillingProvider] = field(default_factory=dict)
    provider_facts: dict[int, Any] = field(default_factory=dict)
    fees: list[Fee] | None = None
    fee_on: dict[tuple[str, dt.date], Fee | None] = field(default_factory=dict)
    improvements: dict[tuple[int, int], Any] = field(default_factory=dict)
    times: dict[dt.datetime, tuple[str, object]] = field(default_factory=dict)
    starts: dict[dt.datetime, tuple[dt.date, str, object, str, object]] = field(
        default_factory=dict)
    now: object = None
    zone: dt.tzinfo = dt.UTC

    def __post_init__(self) -> None:
        self.now = db_time(self.ctx.now)
        self.zone = timezone.get_current_timezone()

    def time(self, moment: dt.datetime) -> tuple[str, object]:
        """A time as `visit_hash` reads it back (ISO, UTC), JSON-encoded, and in database
        form."""
        if moment not in self.times:
            self.times[moment] = (_text(moment.astimezone(dt.UTC).isoformat()), db_time(moment))
        return self.times[moment]

    def visit_times(self, when: dt.datetime) -> tuple[dt.date, str, object, str, object]:
        """A visit starting at `when`: its day in the clinic's zone, and its start and end as
        `time` gives them, once per distinct start (a registry has thousands of visits at
        each)."""
        found = self.starts.get(when)
        if found is None:
            found = self.starts[when] = (
                when.astimezone(self.zone).date(), *self.time(when),
                *self.time(when + dt.timedelta(minutes=VISIT_MINUTES)))
        return found

    def preload(self, courses: list[_Course]) -> None:
        """Read what the claim lines need before rows are built in other processes, which
        must never use this one's database connection."""
        for pk in sorted({course.practitioner for course in courses}):
            self.provider_facts[pk] = provider_facts(_practitioner(self, pk))
        _fee(self, "", dt.date.min)  # reads the fee schedule


@dataclass
class _Tally:
    first_visit: int
    visits: int = 0
    painkillers: int = 0
    events: int = 0
    claim_lines: int = 0


@dataclass
class _Course:
    """One episode's treatment as its questionnaires describe it."""

    episode: BulkEpisode
    practitioner: int
    plan: int | None
    points: list[tuple[str, str]]  # (code, side) from the proposal
    start: float  # pain 0-10 at baseline
    end: float  # at follow-up (or as expected, without one yet)
    baseline: dt.date
    until: dt.date
    responder: bool
    estim: bool = False  # the plan's (or, discharged, the proposal's) e-stim: its minutes
    measurements: list[Measurement] = field(default_factory=list)

    @cached_property
    def needles(self) -> int:
        """Needles a visit inserts: one a point, two a bilateral one."""
        return sum(2 if side == "bilateral" else 1 for _, side in self.points)


def bulk_visits(ctx: BulkContext) -> None:
    """Signed visits for the bulk episodes (see the module docstring)."""
    run, tally = _Run(ctx), _Tally(first_visit=next_id(Visit))
    courses = list(_courses(ctx))
    expected = sum(min(COURSE.sessions, max((c.until - c.baseline).days // 3, 0))
                   for c in courses)
    chunks = list(_by_patients(courses, PATIENTS_A_CHUNK))
    seed = ctx.rng.getrandbits(64)
    if not ctx.registry:
        run.preload(courses)
    with ctx.progress("visits", expected) as advance:
        for rows in chunk_rows(run, chunks, seed, tally.first_visit, workers=WORKERS):
            _write(rows, tally, ctx.safety)
            advance(len(rows.visits))
    reset_sequences(Visit, VisitPoint, PainkillerUse, AdverseEvent, ClaimLine)
    ctx.audit("visit", tally.first_visit, tally.visits)
    ctx.audit("painkiller", 0, tally.painkillers)
    ctx.audit("adverse_event", 0, tally.events)
    if not ctx.registry:
        ctx.audit("claim_lines", 0, tally.claim_lines)


@dataclass
class _Rows:
    visits: list[tuple[Any, ...]] = field(default_factory=list)
    points: list[tuple[Any, ...]] = field(default_factory=list)
    painkillers: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    # ClaimLine's fields while the chunk is built, then its rows (CLAIM_COLUMNS)
    claim_lines: list[Any] = field(default_factory=list)


def _write(rows: _Rows, tally: _Tally, safety: dict[int, list[int]]) -> None:
    tally.visits += insert_rows(Visit, VISIT_COLUMNS, rows.visits)
    _count_safety(rows, safety)
    insert_rows(VisitPoint, POINT_COLUMNS, rows.points)
    tally.painkillers += insert_rows(PainkillerUse, PAINKILLER_COLUMNS, rows.painkillers)
    tally.events += insert_rows(AdverseEvent, AE_COLUMNS, rows.events)
    # A claim line is about 4 KB (its coverage, provider check and versions as JSON, before
    # the keys): rebuilding its nine indexes read the whole table nine times (at 50,000
    # patients a clinic, some 9 GB each time), where keeping them costs a few index inserts
    # a line, mostly at the end of each index (lines come in visit order).
    tally.claim_lines += insert_rows(ClaimLine, CLAIM_COLUMNS, rows.claim_lines,
                                     keep_indexes=True)


def _count_safety(rows: _Rows, safety: dict[int, list[int]]) -> None:
    """Each episode's live visits, adverse events and serious ones, as written (for the
    cohort summaries: `acuback.cohort.demo`). A bulk visit is never entered in error, and each
    event is filed against one of these visits."""
    episode = VISIT_COLUMNS.index("episode")
    for pk, n in Counter(row[episode] for row in rows.visits).items():
        safety.setdefault(pk, [0, 0, 0])[0] += n
    episode, serious = AE_COLUMNS.index("episode"), AE_COLUMNS.index("serious")
    for row in rows.events:
        counts = safety.setdefault(row[episode], [0, 0, 0])
        counts[1] += 1
        counts[2] += bool(row[serious])


Chunk = list[list["_Course"]]  # a chunk of patients, each as their courses
# What forked builders read: (run, chunks, seed), set before the pool forks them.
_JOB: tuple[_Run, list[Chunk], int] | None = None


def chunk_rows(run: _Run, chunks: list[Chunk], seed: int, first_visit: int, *,
               workers: int) -> Iterator[_Rows]:
    """Every chunk's rows in order, visit ids following on from `first_visit`: built in
    `workers` forked processes, a few chunks ahead of the one being written (so memory stays a
    few chunks' worth), or here when there is one chunk or one worker. The same rows either
    way: a chunk's are a function of the seed, its index and its first visit id."""
    global _JOB
    if workers <= 1 or len(chunks) <= 1:
        for index in range(len(chunks)):
            rows = _chunk(run, chunks, seed, index, first_visit)
            first_visit += len(rows.visits)
            yield rows
        return
    _JOB = (run, chunks, seed)
    try:
        # Forked, the builders share what this step read; they only compute and never use
        # the database connection (preload read what the claim lines need; preparing values
        # for it, `value_rows`, only reads the backend's settings).
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            counts = pool.map(_job_count, range(len(chunks)))
            tasks = enumerate(itertools.accumulate(counts[:-1], initial=first_visit))
            pending = deque(pool.apply_async(_job_rows, task)
                            for task in itertools.islice(tasks, workers + 1))
            while pending:
                rows = pending.popleft().get()
                task = next(tasks, None)
                if task is not None:
                    pending.append(pool.apply_async(_job_rows, task))
                yield rows
    finally:
        _JOB = None


def _job_count(index: int) -> int:
    assert _JOB is not None  # noqa: S101 - set before the fork
    run, chunks, seed = _JOB
    dates = random.Random(f"{seed}-dates-{index}")  # noqa: S311 - synthetic data
    return sum(len(_planned(run.ctx, dates, patient)) for patient in chunks[index])


def _job_rows(index: int, first_visit: int) -> _Rows:
    assert _JOB is not None  # noqa: S101 - set before the fork
    run, chunks, seed = _JOB
    return _chunk(run, chunks, seed, index, first_visit)


def _chunk(run: _Run, chunks: list[Chunk], seed: int, index: int, first_visit: int) -> _Rows:
    """One chunk's rows, from random streams of its own (dates apart, so a chunk's visits can
    be counted before they are built)."""
    dates = random.Random(f"{seed}-dates-{index}")  # noqa: S311 - synthetic data
    own = replace(run, ctx=replace(run.ctx, rng=random.Random(f"{seed}-{index}")))  # noqa: S311
    rows, next_visit = _Rows(), first_visit
    for patient in chunks[index]:
        next_visit = _patient(own, patient, _planned(own.ctx, dates, patient), next_visit, rows)
    # In database form here, in the builder, so that the writer only writes them.
    rows.claim_lines = list(value_rows(ClaimLine, CLAIM_COLUMNS, rows.claim_lines))
    return rows


def _by_patients(courses: list[_Course], size: int) -> Iterator[list[list[_Course]]]:
    """The courses grouped by patient (a patient's episodes are consecutive), in chunks."""
    chunk: list[list[_Course]] = []
    for course in courses:
        if chunk and chunk[-1][0].episode.patient.id == course.episode.patient.id:
            chunk[-1].append(course)
            continue
        if len(chunk) == size:
            yield chunk
            chunk = []
        chunk.append([course])
    if chunk:
        yield chunk


def _courses(ctx: BulkContext) -> Iterator[_Course]:
    last_day = ctx.today - dt.timedelta(days=1)
    for episode in ctx.episodes:
        decision = ctx.decisions.get(episode.id)
        measured = ctx.measurements.get(episode.id)
        if decision is None or decision in BLOCKING_DECISIONS or not measured:
            continue  # not screened, sent elsewhere, or not assessed yet: not treated
        proposal = bulk_proposal(ctx.proposals, episode, ctx.today)
        if proposal is None:
            continue  # needling ruled out for this patient
        pain = [m for m in measured if m.instrument == "nrs"] or [
            Measurement(m.instrument, m.taken_on, m.total / 10) for m in measured
            if m.instrument == "odi"]
        if not pain:
            continue
        first, last = pain[0], pain[-1]
        responder = (last.total <= first.total * 0.7 if last is not first
                     else ctx.rng.random() < 0.6)
        end = last.total if last is not first else first.total * (0.5 if responder else 1.0)
        until = (episode.closed - dt.timedelta(days=1) if episode.closed is not None
                 else last_day)
        yield _Course(
            episode=episode, practitioner=episode.patient.practitioner or ctx.clinician.pk,
            plan=ctx.plans.get(episode.id), points=[(code, side) for code, side, _ in proposal[1]],
            estim=proposal[2],
            start=first.total, end=end, baseline=first.taken_on, until=until,
            responder=responder, measurements=measured)


def _planned(ctx: BulkContext, rng: random.Random, courses: list[_Course]
             ) -> list[tuple[_Course, dt.datetime]]:
    """A patient's visits, every course's, in the order they happen."""
    planned = [(course, when) for course in courses for when in _dates(ctx, rng, course)]
    return sorted(planned, key=lambda p: p[1])


def _dates(ctx: BulkContext, rng: random.Random, course: _Course) -> list[dt.datetime]:
    """Twice a week from a few days after baseline, up to the course's sessions."""
    sessions = (COURSE.sessions if rng.random() > DROPOUT_SHARE
                else rng.randint(3, COURSE.sessions))
    day = course.baseline + dt.timedelta(days=rng.randint(1, 4))
    gap = max(1, 7 // COURSE.per_week)
    found = []
    for _ in range(sessions):
        if day > course.until:
            break
        found.append(ctx.moment(day, 9 + rng.randint(0, 7), rng.choice((0, 15, 30, 45))))
        day += dt.timedelta(days=gap + rng.choice((0, 0, 1)))
    return found


@dataclass(frozen=True)
class _Visit:
    """A bulk visit's facts the claim lines need, after its row is built."""

    id: int
    course: _Course
    number: int
    started: dt.datetime
    day: dt.date
    cpt: dict[str, Any]
    cpt_rule_version: str
    content_hash: str


def _patient(run: _Run, courses: list[_Course], planned: list[tuple[_Course, dt.datetime]],
             next_pk: int, rows: _Rows) -> int:
    """Chart every course of one patient at its planned times; returns the next free visit
    id."""
    ctx = run.ctx
    made: list[_Visit] = []
    initial_days: set[dt.date] = set()  # days an earlier visit of the patient billed initial
    sessions = {course.episode.id: 0 for course in courses}
    for course, _ in planned:
        sessions[course.episode.id] += 1
    intakes = {}
    for course in courses:  # what each took the week before care began, as at baseline
        intakes[course.episode.id] = intake = _intake(ctx, course)
        at = db_time(ctx.moment(course.baseline))
        rows.painkillers.extend(
            _painkiller_row(ctx, course, None, use, at) for use in intake)
    numbers: dict[int, int] = {}
    for course, when in planned:
        number = numbers[course.episode.id] = numbers.get(course.episode.id, 0) + 1
        made.append(_visit(run, course, next_pk, number, when, sessions[course.episode.id],
                           initial_days, intakes[course.episode.id], rows))
        next_pk += 1
    if not ctx.registry and made:
        rows.claim_lines.extend(_claim_lines(run, made))
    return next_pk


def _visit(run: _Run, course: _Course, pk: int, number: int, when: dt.datetime,
           sessions: int, initial_days: set[dt.date], intake: list[tuple[str, int, int, int]],
           rows: _Rows) -> _Visit:
    ctx = run.ctx
    rng, episode, practitioner = ctx.rng, course.episode, course.practitioner
    share = (number - 1) / max(sessions - 1, 1)
    day, started_at, started_db, ended_at, ended_db = run.visit_times(when)
    before = int(min(max(round(course.start + (course.end - course.start) * share
                               + rng.uniform(-0.8, 0.8)), 0), 10))
    minutes = rng.choice((15, 20, 25))
    # an e-stim plan's visits are with e-stim throughout (CPT 97813 rather than 97810)
    with_estim, without_estim = (minutes, 0) if course.estim else (0, minutes)
    cpt, cpt_json, cpt_version, cpt_canonical = _cpt(without_estim, with_estim,
                                                     day in initial_days)
    initial_days.add(day)
    lot = LOTS[(episode.patient.index + (number - 1) // 4) % len(LOTS)]
    points = [] if ctx.registry else _points(rng, course, lot, pk)
    needles = course.needles
    taken = _painkillers(intake, course.responder, share)
    asked = rng.random() > NOT_ASKED_SHARE
    painkillers = taken if asked else []
    better = course.responder and share > 0.3
    regions_json = _pain_regions(episode.region, episode.side, episode.radiation)
    adjuncts_json = ADJUNCTS[rng.random() < 0.3]
    floor = (Decimal(round(25 * (1 - 0.5 * share * course.responder)))
             if number in (1, sessions) else None)
    room = rng.choice(ROOMS)
    started_from = StartedFrom.PLAN.value if course.plan else StartedFrom.BLANK.value
    after = max(before - rng.randint(0, 2), 0)
    subjective = rng.choice(SUBJECTIVE["better" if better else "same"])
    objective = "Tender over the lumbar paraspinals." if before >= 5 else "Mildly tender."
    assessment = "Improving." if better else "No clear change yet."
    taken_flag = bool(taken) if asked else None
    # The canonical JSON `visits.content.digest` hashes (json.dumps, keys sorted, compact,
    # ASCII) of the content `visit_hash` reads back, written directly: the values below in
    # HASHED_KEYS' order, each encoded as json.dumps encodes it (UTC ISO times, normalised
    # decimals as text). The tests verify every bulk visit's hash with `visit_hash`.
    canonical = _CANONICAL % (
        '""', adjuncts_json, _text(assessment), cpt_canonical, _text(cpt_version), ended_at,
        episode.id, "null" if floor is None else _text(_value(floor)), pk, 1, with_estim,
        without_estim,
        '""', '""', needles, needles, _NEXT_VISIT, number, _text(objective), after, before,
        _OUTLINE, regions_json,
        "[" + ",".join(_use_canonical(*use, practitioner) for use in painkillers) + "]",
        _FLAG[taken_flag], _number(course.plan), _PLAN_NOTE, _points_canonical(points),
        practitioner, RETENTION, "null", _text(room), "null", ended_at, practitioner, "null",
        "null", started_at, _text(started_from), _text(subjective))
    content_hash = hashlib.sha256(canonical.encode()).hexdigest()
    rows.visits.append((
        pk, ctx.clinic.pk, episode.id, practitioner, number, VisitStatus.SIGNED.value,
        started_db, ended_db, room, started_from, course.plan, before,
        after, RETENTION, None, without_estim, with_estim, 1, needles, needles, "", "",
        adjuncts_json, "", subjective, objective, assessment,
        PLAN_NOTE, NEXT_VISIT, floor, None, None, None, regions_json,
        OUTLINE_VERSION, taken_flag, cpt_json, cpt_version, SIGNED_VERSION,
        ended_db, practitioner, content_hash, "", run.now, run.now))
    rows.points.extend(points)
    rows.painkillers.extend(_painkiller_row(ctx, course, pk, use, started_db)
                            for use in painkillers)
    _adverse_event(ctx, course, pk, when, rows)
    return _Visit(pk, course, number, when, day, cpt, cpt_version, content_hash)


# The keys of a visit's hashed content (`visits.content.visit_content`) in the sorted order
# json.dumps(sort_keys=True) writes them, and the template `_visit` fills in that order.
HASHED_KEYS = ("adjunct_note", "adjuncts", "assessment", "cpt", "cpt_rule_version", "ended_at",
               "episode_id", "finger_floor_cm", "id", "insertions", "minutes_with_estim",
               "minutes_without_estim", "needle_mismatch_note", "needle_mismatch_reason",
               "needles_in", "needles_out", "next_visit", "number", "objective", "pain_after",
               "pain_before", "pain_outline_version", "pain_regions", "painkillers",
               "painkillers_taken", "plan_id", "plan_note", "points", "practitioner_id",
               "retention_minutes", "retention_started_at", "room", "schober_cm", "signed_at",
               "signed_by_id", "slr_left_deg", "slr_right_deg", "started_at", "started_from",
               "subjective")
if HASHED_KEYS != tuple(sorted((*VISIT_FIELDS, "points", "painkillers"))):  # pragma: no cover
    raise ImportError("acuback.visits.bulk.HASHED_KEYS must list visit_content's keys, sorted")
_CANONICAL = "{" + ",".join(f'"{key}":%s' for key in HASHED_KEYS) + "}"
_text = cache(encode_basestring_ascii)  # a JSON string, ASCII-escaped as json.dumps writes it
_FLAG = {True: "true", False: "false", None: "null"}
PLAN_NOTE, NEXT_VISIT = "Continue the plan.", "Same points; review home exercises."
_PLAN_NOTE, _NEXT_VISIT, _OUTLINE = _text(PLAN_NOTE), _text(NEXT_VISIT), _text(OUTLINE_VERSION)


def _number(value: int | None) -> str:
    return "null" if value is None else str(value)


def _canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _points_canonical(points: list[tuple[Any, ...]]) -> str:
    """Point rows as `visit_content` reads them back (none in a registry)."""
    return "[" + ",".join(_point_canonical(p[1:]) for p in points) + "]"


@cache
def _point_canonical(point: tuple[Any, ...]) -> str:
    """One point row (without its visit) in canonical JSON, once for each distinct one (a
    visit's list is these joined, as json.dumps joins a list's items with no spaces)."""
    return _canonical_json(dict(zip(POINT_FIELDS, (_value(v) for v in point), strict=True)))


ROOMS = ("Room 1", "Room 2", "Room 3")
# A visit with advice alone and with heat too, as stored (a list of strings: the same as
# its canonical JSON).
ADJUNCTS = (db_json(["advice"]), db_json(["advice", "heat"]))


@cache
def _cpt(without_estim: int, with_estim: int, initial_billed_today: bool
         ) -> tuple[dict[str, Any], str, str, str]:
    """The core's CPT lines: as read back, as stored, the rule version, and as hashed."""
    units = cpt_units(minutes_without_estim=without_estim, minutes_with_estim=with_estim,
                      insertions=1, initial_billed_today=initial_billed_today)
    lines = units.to_dict()
    return lines, db_json(lines), units.rule_version, _canonical_json(lines)


@cache
def _pain_regions(region: str, side: str, radiation: str) -> str:
    """The regions as stored (a list of strings: the same as its canonical JSON)."""
    return db_json(_regions(Episode(region=region, side=side, radiation=radiation)))


@cache
def _max_depth(code: str) -> float | None:
    return catalogue().require(code).max_depth_mm


def _points(rng: Any, course: _Course, lot: tuple[str, str], visit: int) -> list[tuple[Any, ...]]:
    """Point rows (POINT_COLUMNS) as the usual demo needles them: no deeper than the
    catalogue allows."""
    maker, number = lot
    gauge = Decimal(rng.choice(("0.25", "0.30")))
    found = []
    for position, (code, side) in enumerate(course.points):
        depth = rng.choice((15, 20, 25, 30))
        limit = _max_depth(code)
        if limit is not None:
            depth = min(depth, int(limit))
        found.append((visit, position, code, "", side, Decimal(depth), "perpendicular", gauge,
                      40, maker, number, "manual", None, None, None, rng.random() < 0.85, "",
                      ""))
    return found


def _painkillers(intake: list[tuple[str, int, int, int]], responder: bool,
                 share: float) -> list[tuple[str, int, int, int]]:
    """What the patient took in the last week: what they took before care, less of it as the
    course goes on for a responder (as the usual demo's `_taper`)."""
    taken = []
    for drug, dose, times, days in intake:
        if responder:
            days = round(days * (1 - 0.8 * share))
            times = max(1, round(times * (1 - 0.5 * share)))
        if days:
            taken.append((drug, dose, times, days))
    return taken


def _intake(ctx: BulkContext, course: _Course) -> list[tuple[str, int, int, int]]:
    """The painkillers before care: about half an NSAID or paracetamol, one in five an opioid,
    as the usual demo's intake."""
    rng, taken = ctx.rng, []
    if "ibuprofen" in course.episode.patient.health["medications"] or rng.random() < 0.35:
        taken.append(("ibuprofen", 400, rng.choice((2, 3)), rng.randint(3, 7)))
    elif rng.random() < 0.3:
        taken.append(("paracetamol", 1000, rng.choice((2, 3)), rng.randint(2, 7)))
    if rng.random() < 0.2:
        drug, dose = rng.choice((("tramadol", 50), ("oxycodone", 5), ("codeine", 30)))
        taken.append((drug, dose, rng.choice((2, 3, 4)), rng.randint(4, 7)))
    return taken


def _painkiller_row(ctx: BulkContext, course: _Course, visit: int | None,
                    use: tuple[str, int, int, int], at: object) -> tuple[Any, ...]:
    return (ctx.clinic.pk, course.episode.id, visit, *_use_row(*use), course.practitioner, at,
            "")


@cache
def _use(drug: str, dose: int, times: int, days: int) -> dict[str, Any]:
    """One painkiller as `painkiller_row` stores it (PAINKILLER_FIELDS but recorded_by)."""
    derived = painkiller_use(drug=drug, dose=float(dose), times_a_day=times,
                             days_last_week=days)
    stored = {
        "drug": derived.drug.id, "name": derived.drug.name,
        "drug_class": derived.drug.drug_class, "dose": Decimal(dose), "unit": derived.drug.unit,
        "times_a_day": times, "days_last_week": days,
        "mme_per_day": (None if derived.mme_per_day is None
                        else Decimal(str(derived.mme_per_day))),
        "list_version": derived.list_version, "mme_table_version": derived.mme_table_version,
    }
    return stored


@cache
def _use_row(drug: str, dose: int, times: int, days: int) -> tuple[Any, ...]:
    """`_use`'s values in PAINKILLER_COLUMNS' order (drug to mme_table_version)."""
    stored = _use(drug, dose, times, days)
    return tuple(stored[k] for k in PAINKILLER_FIELDS[:-1])


@cache
def _use_canonical(drug: str, dose: int, times: int, days: int, recorded_by: int) -> str:
    """One painkiller as `visit_hash` reads it back, in canonical JSON."""
    stored = _use(drug, dose, times, days)
    return _canonical_json({**{k: _value(v) for k, v in stored.items()},
                            "recorded_by_id": recorded_by})


def _adverse_event(ctx: BulkContext, course: _Course, visit: int, when: dt.datetime,
                   rows: _Rows) -> None:
    rng = ctx.rng
    chance = rng.random()
    if chance < SERIOUS_PER_TREATMENT:
        kind, serious = rng.choice(SERIOUS_KINDS), True
    elif chance < AE_PER_TREATMENT:
        kinds, weights = zip(*AE_KINDS, strict=True)
        kind, serious = rng.choices(kinds, weights=weights)[0], False
    else:
        return
    onset = when + dt.timedelta(minutes=rng.randint(10, 35))
    local = kind in ("bleeding", "needling_pain")
    point = course.points[0][0] if local and course.points and not ctx.registry else None
    rows.events.append((
        ctx.clinic.pk, course.episode.id, visit, kind, "severe" if serious else "mild", serious,
        "certain" if local else "probable", db_time(onset),
        "Pressure for a minute." if kind == "bleeding" else (
            "Referred to hospital." if serious else "Reassured; rested."),
        "recovering" if serious else "resolved",
        "patient" if kind in PATIENT_REPORTED else "practitioner", "",
        db_json([point] if point else []), db_json([]), False, course.practitioner,
        db_time(onset), 1, ""))


# --- claim lines -------------------------------------------------------------------------------


def _claim_lines(run: _Run, visits: list[_Visit]) -> list[dict[str, Any]]:
    """The patient's visits judged in date order, each billed as signing bills it: the lines'
    field values, related records by id (they cross from a builder process as they are)."""
    ctx = run.ctx
    # One Visit (with its Episode) an episode, given each visit's own facts in turn: the lines
    # take its values at once (a Visit a visit cost a model instance each, 2.3 million in a
    # registry's worth of visits).
    rows: dict[int, Visit] = {}
    facts = []
    for v in visits:
        episode = v.course.episode
        facts.append(VisitFacts(
            on=v.day, episode_id=episode.id, episode=_core(ctx, episode),
            diagnosis=episode.icd10_code, improvement=_improvement(run, v.course, v.day).status))
    lines: list[dict[str, Any]] = []
    for v, judgement in zip(visits, judge_course(facts), strict=True):
        episode = v.course.episode
        judged = CoverageWarning(v.day, episode.id, "", judgement,
                                 _improvement(run, v.course, v.day), None)
        practitioner = _practitioner(run, v.course.practitioner)
        provider = _provider(run, practitioner, v.day)
        billing = billing_of("", "", judged, lambda p=provider: p)
        row = rows.get(episode.id) or rows.setdefault(episode.id, Visit(
            clinic_id=ctx.clinic.pk, practitioner_id=v.course.practitioner,
            version=SIGNED_VERSION, episode=Episode(
                id=episode.id, patient_id=episode.patient.id, icd10_code=episode.icd10_code)))
        row.id, row.cpt, row.cpt_rule_version = v.id, v.cpt, v.cpt_rule_version
        row.content_hash = v.content_hash
        for values in claim_line_values(
            row, judged, billing, derivation=1, actor=practitioner,
            trace="derived when the visit was signed", amendment=None, now=ctx.now,
            fee=lambda code, day: _fee(run, code, day), own_npi=lambda: "",
        ):
            lines.append({key: value.pk if isinstance(value, Model) else value
                          for key, value in values.items()})
    return lines


def _core(ctx: BulkContext, episode: BulkEpisode) -> coverage.Episode:
    """The episode as NCD 30.3.3 reads it (`billing.coverage.core_episode`)."""
    return coverage.Episode(
        onset=episode.onset, systemic_cause=ctx.nonspecific.get(episode.id) is False,
        surgery_associated=False, pregnancy_associated=episode.patient.pregnant)


def _improvement(run: _Run, course: _Course, day: dt.date) -> Any:
    """`improvement_as_of` the day, once for each set of measurements taken by then."""
    taken = sum(1 for m in course.measurements if m.taken_on <= day)
    key = (course.episode.id, taken)
    if key not in run.improvements:
        run.improvements[key] = improvement_as_of(course.measurements[:taken], day)
    return run.improvements[key]


def _practitioner(run: _Run, pk: int) -> User:
    if pk not in run.practitioners:
        run.practitioners[pk] = User.objects.get(pk=pk)
    return run.practitioners[pk]


def _provider(run: _Run, user: User, day: dt.date) -> BillingProvider:
    """`visit_provider_check` for a visit with no supervision recorded, once a practitioner
    and day."""
    key = (user.pk, day)
    if key not in run.providers:
        if user.pk not in run.provider_facts:
            run.provider_facts[user.pk] = provider_facts(user)
        treating, supervisor = run.provider_facts[user.pk]
        run.providers[key] = billing_provider(treating, day, supervisor=supervisor,
                                              supervised=None)
    return run.providers[key]


def _fee(run: _Run, code: str, day: dt.date) -> Fee | None:
    """`fee_on` from the clinic's fee schedule read once."""
    if run.fees is None:
        run.fees = list(Fee.objects.filter(clinic_id=run.ctx.clinic.pk)
                        .order_by("-effective_from", "-id"))
    key = (code, day)
    if key not in run.fee_on:  # once a code and day (a chunk bills each day many times)
        run.fee_on[key] = next((f for f in run.fees if f.code == code and f.effective_from <= day),
                               None)
    return run.fee_on[key]
