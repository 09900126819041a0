"""The cohort report (`acuback.cohort.selectors.cohort_report`, what the dashboard and
`acuback analyze cohort` answer) on a synthetic registry (`acuback.demo.demo_registry`'s bulk
path: patients, episodes, questionnaires, screens, plans, signed visits, painkillers, adverse
events, and the per-episode summaries it fills), against hand-written SQL computing the same
numbers on the same database in the same run: the responder counts and the safety counts
(visits, adverse events, treated patients).

The report reads the per-episode summaries (`acuback.cohort.stored`); it is compared with a
hand-written query over the same summary tables. Beside them, for the record, the same report
computed from the raw rows (`report_of(from_summaries=False)`, as it was before the summaries)
and the hand-written query over the raw rows (once above 50,000 patients: seconds each there);
and a `acuback analyze rebuild-summaries --check` of 2,000 sampled episodes (the bulk path's
summaries against their raw rows, and what recomputing them costs).

Prints the generation time, each time (best of 3) and the ratio of the report to the
hand-written query (issue 11 item 8 asks for at most 2x, and at most 1 s at registry size),
on SQLite and, when ACUBACK_TEST_POSTGRES_URL names a server, on PostgreSQL in a database of its
own (dropped afterwards); BENCH_DATABASES=sqlite (or postgresql) measures one. The size is
ACUBACK_BENCH_COHORT_PATIENTS (default 5,000 patients); the registry's is 230000.

Filtered too: each filter the dashboard offers (a practitioner, chronic, high-risk STarT Back,
opened since 2026, electroacupuncture) and two combinations, each against the hand-written
query with the same conditions written out; below 50,000 patients each is also compared with
the report over the raw rows.

Then `acuback analyze cohort --user OWNER` as a new process (what a person at the command line
waits for: Python's and Django's start, scipy's import, the report, the JSON), unfiltered and
with two filters, best and median of 5, beside two bare processes timed in the same rounds:
`acuback --version` (the interpreter and acuback's command table) and `python -c "import
django"`. Item 8 asks for at most 1 s.

ACUBACK_BENCH_COHORT_KEEP=DIR keeps what is built (SQLite's data dir in DIR/sqlite; the
PostgreSQL database `<database>_bench_cohort_kept` and its data dir DIR/postgresql) and, run
again, measures the registry found there instead of generating one (migrated first; the
generation time is then not measured). A registry of another size is refused.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import scratch

PATIENTS = int(os.environ.get("ACUBACK_BENCH_COHORT_PATIENTS", "5000"))
KEEP = os.environ.get("ACUBACK_BENCH_COHORT_KEEP")
CLINIC, OWNER = "bench-registry", "bench-owner"
PRACTITIONERS = ("bench-prac", "bench-prac-2", "bench-prac-3")  # patients dealt in turn
TODAY = dt.date(2026, 11, 21)
INSTRUMENTS = ("nrs", "odi")
REPEATS = 3
PROCESS_REPEATS = 5
# `acuback analyze cohort` as a process, unfiltered and filtered, and the bare processes.
PROCESSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("analyze cohort", ("-m", "acuback", "analyze", "cohort", "--user", OWNER)),
    ("analyze cohort --chronicity chronic", ("-m", "acuback", "analyze", "cohort", "--user",
                                             OWNER, "--chronicity", "chronic")),
    ("analyze cohort --startback high --opened-from 2026-01-01",
     ("-m", "acuback", "analyze", "cohort", "--user", OWNER, "--startback", "high",
      "--opened-from", "2026-01-01")),
    ("--version", ("-m", "acuback", "--version")),
    ("python -c 'import django'", ("-c", "import django")),
)
RAW_REPEATED_UP_TO = 50_000  # patients; above, the raw-rows report and query run once
CHECKED = 2000  # episodes sampled for the summaries' check against the raw rows
ROOT = Path(__file__).resolve().parent.parent

# Per episode and instrument: the first and last scored total (ties by id) and whether there
# is more than one; then, per instrument, the episodes followed up and those improved by the
# instrument's minimal important change in points or in percent of baseline (IMMPACT).
# It ranks every scored instrument, as the report does (the report shows each one measured):
# the same rows read, so the ratio compares the work, not the amount of data. Only NRS's and
# ODI's thresholds are written here, so only their counts are compared.
HAND_SQL = """
WITH ranked AS (
  SELECT a.episode_id, a.instrument, a.total,
         ROW_NUMBER() OVER (PARTITION BY a.episode_id, a.instrument
                            ORDER BY a.administered_at, a.id) AS first_n,
         ROW_NUMBER() OVER (PARTITION BY a.episode_id, a.instrument
                            ORDER BY a.administered_at DESC, a.id DESC) AS last_n,
         COUNT(*) OVER (PARTITION BY a.episode_id, a.instrument) AS taken
  FROM assessments_assessment a
  WHERE a.clinic_id = %s AND a.total IS NOT NULL
), pairs AS (
  SELECT episode_id, instrument, MAX(taken) AS taken,
         MAX(CASE WHEN first_n = 1 THEN total END) AS baseline,
         MAX(CASE WHEN last_n = 1 THEN total END) AS latest
  FROM ranked GROUP BY episode_id, instrument
)
SELECT instrument, COUNT(*) AS measured,
       SUM(CASE WHEN taken > 1 THEN 1 ELSE 0 END) AS followed,
       SUM(CASE WHEN taken > 1 AND (
             baseline - latest >= (CASE instrument WHEN 'nrs' THEN 2 ELSE 10 END) - 1e-9
             OR (baseline > 0 AND (baseline - latest) * 100.0 / baseline >= 30 - 1e-9))
           THEN 1 ELSE 0 END) AS improved
FROM pairs GROUP BY instrument ORDER BY instrument
"""
# The safety counts of the whole clinic (the registry has no visit entered in error).
HAND_SAFETY_SQL = """
SELECT (SELECT COUNT(*) FROM visits_visit WHERE clinic_id = %s),
       (SELECT COUNT(*) FROM visits_adverseevent WHERE clinic_id = %s AND in_error_at IS NULL),
       (SELECT COUNT(DISTINCT e.patient_id) FROM episodes_episode e
         WHERE e.clinic_id = %s AND EXISTS (SELECT 1 FROM visits_visit v
                                             WHERE v.episode_id = e.id)),
       (SELECT COUNT(DISTINCT e.patient_id) FROM visits_adverseevent a
         JOIN episodes_episode e ON e.id = a.episode_id
         WHERE a.clinic_id = %s AND a.in_error_at IS NULL)
"""

# The same numbers from the summaries: one row per episode and questionnaire (each carries its
# clinic, so the whole clinic's are read without a join), one per episode.
HAND_SUMMARY_SQL = """
SELECT m.instrument, COUNT(*) AS measured,
       SUM(CASE WHEN m.followed THEN 1 ELSE 0 END) AS followed,
       SUM(CASE WHEN m.followed AND (
             m.baseline - m.latest >= (CASE m.instrument WHEN 'nrs' THEN 2 ELSE 10 END) - 1e-9
             OR (m.baseline > 0 AND (m.baseline - m.latest) * 100.0 / m.baseline >= 30 - 1e-9))
           THEN 1 ELSE 0 END) AS improved
FROM cohort_episodemeasure m WHERE m.clinic_id = %s
GROUP BY m.instrument ORDER BY m.instrument
"""
# The safety counts, and the episodes and patients the report also counts.
HAND_SUMMARY_SAFETY_SQL = """
SELECT SUM(visits), SUM(adverse_events),
       COUNT(DISTINCT CASE WHEN visits > 0 THEN patient_id END),
       COUNT(DISTINCT CASE WHEN adverse_events > 0 THEN patient_id END),
       COUNT(*), COUNT(DISTINCT patient_id)
FROM cohort_episodesummary WHERE clinic_id = %s
"""

# A filtered report by hand: the same two statements with the filter's conditions written out
# over the columns both tables carry (the measures their episode's filter columns too).
HAND_FILTERED_SQL = HAND_SUMMARY_SQL.replace(
    "WHERE m.clinic_id = %s", "WHERE m.clinic_id = %s AND {where}")
HAND_FILTERED_SAFETY_SQL = HAND_SUMMARY_SAFETY_SQL.replace(
    "WHERE clinic_id = %s", "WHERE clinic_id = %s AND {where}")
SINCE = dt.date(2026, 1, 1)
# (label, the report's filter, the hand-written conditions): "{practitioner}" is the id of the
# second practitioner (a third of the patients); chronic is 12 weeks or more from onset.
FILTERED: tuple[tuple[str, dict[str, object], str], ...] = (
    ("practitioner", {"practitioner": "{practitioner}"}, "practitioner_id = {practitioner}"),
    ("chronic", {"chronicity": "chronic"}, "days_open >= 84"),
    ("STarT Back high", {"startback": "high"}, "startback_band = 'high'"),
    ("opened since 2026", {"opened_from": SINCE}, "opened_on >= '2026-01-01'"),
    ("electroacupuncture", {"protocol": "electro"}, "plan_estim = {true}"),
    ("since 2026 + chronic + high", {"opened_from": SINCE, "chronicity": "chronic",
                                     "startback": "high"},
     "opened_on >= '2026-01-01' AND days_open >= 84 AND startback_band = 'high'"),
    ("all five", {"opened_from": SINCE, "chronicity": "chronic", "startback": "high",
                  "protocol": "electro", "practitioner": "{practitioner}"},
     "opened_on >= '2026-01-01' AND days_open >= 84 AND startback_band = 'high' "
     "AND plan_estim = {true} AND practitioner_id = {practitioner}"),
)


def main() -> None:
    chosen = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    if "sqlite" in chosen and KEEP:
        (Path(KEEP) / "sqlite").mkdir(parents=True, exist_ok=True)
        _child("SQLite", {"ACUBACK_DATA_DIR": str(Path(KEEP) / "sqlite")})
    elif "sqlite" in chosen:
        with tempfile.TemporaryDirectory(prefix="acuback-bench-cohort-") as data:
            _child("SQLite", {"ACUBACK_DATA_DIR": data})
    url = os.environ.get("ACUBACK_TEST_POSTGRES_URL")
    if url and "postgresql" in chosen:
        suffix, keep = (("bench_cohort_kept", str(Path(KEEP) / "postgresql")) if KEEP
                        else ("bench_cohort", None))
        with scratch.postgres_env(url, suffix, keep=keep) as extra:
            _child("PostgreSQL", extra)
    elif not url:
        print("PostgreSQL skipped: set ACUBACK_TEST_POSTGRES_URL to measure it too")


def _child(database: str, extra: dict[str, str]) -> None:
    """Each database in a process of its own (Django is set up once per process)."""
    env = {**os.environ, **extra}
    env.pop("ACUBACK_TEST_POSTGRES_URL", None)
    if "ACUBACK_DATABASE_URL" not in extra:
        env.pop("ACUBACK_DATABASE_URL", None)
    print(f"-- {database}", flush=True)
    subprocess.run([sys.executable, "-m", "bench.bench_cohort", "--measure"], cwd=ROOT,  # noqa: S603
                   env=env, check=True)




def _setup() -> None:
    from acuback.cli.django_setup import migrate, setup

    setup()
    migrate()


def _generate() -> tuple[object, float | None]:
    """The registry, generated (and its time), or the one a kept install holds (None)."""
    from acuback.accounts.models import Clinic, Role, User
    from acuback.accounts.services import member_create
    from acuback.audit.context import audit_context
    from acuback.cli.django_setup import analyze
    from acuback.demo import BULK_STEPS
    from acuback.demo.bulk import demo_bulk_load
    from acuback.patients.models import Patient

    kept = Clinic.objects.filter(slug=CLINIC).first()
    if kept is not None:
        found = Patient.objects.filter(clinic=kept).count()
        if found != PATIENTS:
            raise SystemExit(f"cohort bench: the kept registry has {found:,} patients, not "
                             f"{PATIENTS:,}: remove {KEEP} (and the kept database) first")
        print(f"reused the registry kept in {KEEP} (generation not measured)", flush=True)
        return User.objects.get(username=OWNER), None
    clinic = Clinic.objects.create(name="Bench Registry", slug=CLINIC)
    owner = member_create(clinic=clinic, username=OWNER, password="bench-pass-0123",  # noqa: S106
                          role=Role.OWNER)
    for name in PRACTITIONERS:
        member_create(clinic=clinic, username=name, password="bench-pass-0123",  # noqa: S106
                      role=Role.PRACTITIONER)
    start, cpu, load = time.perf_counter(), os.times(), os.getloadavg()[0]
    with audit_context("cli"):
        demo_bulk_load(clinics=[clinic], patients=PATIENTS, today=TODAY, steps=BULK_STEPS,
                       registry=True)
    analyze(bulk=True)
    wall, after = time.perf_counter() - start, os.times()
    used = (after.user + after.system + after.children_user + after.children_system
            - cpu.user - cpu.system - cpu.children_user - cpu.children_system)
    print(f"generated in {wall:.1f} s (CPU of this process and its builders {used:.1f} s; "
          f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after)", flush=True)
    return owner, wall


def _best(run: object, repeats: int = REPEATS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times), result


def _check(found: object, rows: list[tuple[object, ...]], safety: tuple[object, ...],
           what: str, *, measured: bool = True) -> None:
    """The report's responder and safety counts against a hand-written query's (`measured`:
    the cohort must have both instruments; a small filtered one may have neither)."""
    for instrument, measured, followed, improved in rows:
        if instrument not in INSTRUMENTS:
            continue
        figures = found.outcome(instrument)  # type: ignore[attr-defined]
        same = (figures.measured, figures.followed, figures.improved.successes) == (
            measured, followed, improved)
        if not same:
            raise SystemExit(f"cohort bench: {instrument} differs from the hand-written query "
                             f"over {what}: {figures} vs {(measured, followed, improved)}")
    if measured and not set(INSTRUMENTS) <= {row[0] for row in rows}:
        raise SystemExit(f"cohort bench: the registry has no {', '.join(INSTRUMENTS)} to compare")
    counts = found.safety.counts  # type: ignore[attr-defined]
    got = (counts.treatments, counts.events, counts.treated_patients, counts.patients_with_event)
    if len(safety) > len(got):  # the summaries' query counts the episodes and patients too
        got += (found.episodes, found.patients)  # type: ignore[attr-defined]
    if got != tuple(int(v or 0) for v in safety):
        raise SystemExit(f"cohort bench: safety counts differ over {what}: {counts} vs {safety}")


def _verdict(report_s: float, hand_s: float) -> str:
    ratio = report_s / hand_s
    return (f"{ratio:.2f}x (target at most 2x: {'met' if ratio <= 2 else 'NOT met'}; at most "
            f"1 s: {'met' if report_s <= 1 else 'NOT met'})")


def _filtered(owner: object, clinic_id: int) -> None:
    """Each filter of FILTERED: the report against the hand-written query (best of 3 each),
    the same counts; at small sizes the same report as over the raw rows."""
    import json

    from django.db import connection

    from acuback.accounts.models import User
    from acuback.audit.context import audit_context
    from acuback.cohort.filters import CohortFilter
    from acuback.cohort.selectors import cohort_report, report_of

    practitioner = User.objects.get(username=PRACTITIONERS[1]).pk
    true = "true" if connection.vendor == "postgresql" else "1"
    worst = 0.0
    for label, given, where in FILTERED:
        f = CohortFilter(**{k: practitioner if v == "{practitioner}" else v  # type: ignore[arg-type]
                            for k, v in given.items()})
        condition = where.format(practitioner=practitioner, true=true)

        def report(f: CohortFilter = f) -> object:
            with audit_context("cli"):
                return cohort_report(actor=owner, filters=f)  # type: ignore[arg-type]

        def hand(condition: str = condition) -> tuple[list[tuple[object, ...]], tuple[object, ...]]:
            with connection.cursor() as cursor:
                cursor.execute(HAND_FILTERED_SQL.format(where=condition), [clinic_id])
                outcomes = list(cursor.fetchall())
                cursor.execute(HAND_FILTERED_SAFETY_SQL.format(where=condition), [clinic_id])
                return outcomes, cursor.fetchone()

        report_s, found = _best(report)
        hand_s, (rows, safety) = _best(hand)
        _check(found, rows, safety, f"the summaries, {label}", measured=False)
        checked = ""
        if PATIENTS <= RAW_REPEATED_UP_TO:
            raw = report_of(clinic_id, f, from_summaries=False)
            if json.dumps(found.as_dict(), sort_keys=True) != json.dumps(  # type: ignore[attr-defined]
                    raw.as_dict(), sort_keys=True):
                raise SystemExit(f"cohort bench: the {label} report differs from the raw rows'")
            checked = ", same as over the raw rows"
        worst = max(worst, report_s)
        print(f"  filtered, {label}: {found.episodes:,} episodes; report "  # type: ignore[attr-defined]
              f"{report_s * 1000:.0f} ms, hand-written SQL {hand_s * 1000:.0f} ms: "
              f"{_verdict(report_s, hand_s)}{checked}; load average {os.getloadavg()[0]:.1f}",
              flush=True)
    print(f"  filtered reports: slowest {worst * 1000:.0f} ms (at most 1 s: "
          f"{'met' if worst <= 1 else 'NOT met'})", flush=True)


def _processes() -> None:
    """Each of PROCESSES as a new process (this one's environment: the same database), the
    rounds interleaved so that the load falls on all alike: wall time (best and median) and
    CPU time (user + system, best), which the load inflates less."""
    import resource
    import statistics

    times: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in PROCESSES}
    loads = []
    for _ in range(PROCESS_REPEATS):
        for label, args in PROCESSES:
            before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            subprocess.run([sys.executable, *args], cwd=ROOT, check=True,  # noqa: S603
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
            wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
            times[label].append((wall, after.ru_utime + after.ru_stime
                                 - before.ru_utime - before.ru_stime))
            loads.append(os.getloadavg()[0])
    slowest = max(min(w for w, _ in times[label]) for label, _ in PROCESSES
                  if label.startswith("analyze"))
    print(f"  as a process, wall best / median and CPU best of {PROCESS_REPEATS}, ms (load "
          f"average {min(loads):.1f}-{max(loads):.1f}): " + "; ".join(
              f"{'' if label.startswith('python') else 'acuback '}{label} "
              f"{min(w for w, _ in t) * 1000:.0f} / {statistics.median(w for w, _ in t) * 1000:.0f}"
              f", CPU {min(c for _, c in t) * 1000:.0f}" for label, t in times.items())
          + f" (the slowest report process's best at most 1 s: "
          f"{'met' if slowest <= 1 else 'NOT met'})", flush=True)


def measure() -> None:
    _setup()
    import json

    from django.db import connection

    from acuback.audit.context import audit_context
    from acuback.cohort.filters import CohortFilter
    from acuback.cohort.selectors import cohort_report, report_of
    from acuback.cohort.summaries import check_summaries, summary_ids
    from acuback.episodes.models import Episode
    from acuback.visits.models import Visit

    owner, generated = _generate()
    episodes, visits = Episode.objects.count(), Visit.objects.count()
    clinic_id = owner.membership.clinic_id  # type: ignore[attr-defined]

    def report() -> object:
        with audit_context("cli"):
            return cohort_report(actor=owner, filters=CohortFilter())  # type: ignore[arg-type]

    def raw_report() -> object:
        return report_of(clinic_id, CohortFilter(), from_summaries=False)

    def hand(outcomes_sql: str, safety_sql: str, n: int) -> object:
        def run() -> tuple[list[tuple[object, ...]], tuple[object, ...]]:
            with connection.cursor() as cursor:
                cursor.execute(outcomes_sql, [clinic_id])
                outcomes = list(cursor.fetchall())
                cursor.execute(safety_sql, [clinic_id] * n)
                return outcomes, cursor.fetchone()
        return run

    report_s, found = _best(report)
    hand_s, (rows, safety) = _best(hand(HAND_SUMMARY_SQL, HAND_SUMMARY_SAFETY_SQL, 1))  # type: ignore[misc]
    _check(found, rows, safety, "the summaries")
    load = os.getloadavg()[0]
    made = ("reused" if generated is None
            else f"generated (summaries included) in {generated:.1f} s")
    print(f"cohort report ({connection.vendor}): {PATIENTS:,} patients, {episodes:,} episodes, "
          f"{visits:,} visits {made}; "
          f"report over the summaries {report_s * 1000:.0f} ms, hand-written SQL over the "
          f"summaries {hand_s * 1000:.0f} ms: {_verdict(report_s, hand_s)}; load average "
          f"{load:.1f}", flush=True)
    _filtered(owner, clinic_id)
    _processes()
    # The raw rows take seconds a report at registry size: read once there, best of 3 below.
    repeats = 1 if PATIENTS > RAW_REPEATED_UP_TO else REPEATS
    raw_s, raw_found = _best(raw_report, repeats)
    raw_hand_s, (raw_rows, raw_safety) = _best(hand(HAND_SQL, HAND_SAFETY_SQL, 4), repeats)  # type: ignore[misc]
    _check(raw_found, raw_rows, raw_safety, "the raw rows")
    same = json.dumps(found.as_dict(), sort_keys=True) == json.dumps(  # type: ignore[attr-defined]
        raw_found.as_dict(), sort_keys=True)  # type: ignore[attr-defined]
    if not same:
        raise SystemExit("cohort bench: the report over the summaries differs from the raw rows'")
    # `rebuild-summaries --check` on a sample spread over the registry: the bulk path's
    # summaries against what their raw rows give (the time is that of rebuilding them).
    ids = summary_ids(clinic_id=clinic_id)
    sample = ids[::max(1, len(ids) // CHECKED)][:CHECKED]
    start = time.perf_counter()
    mismatches = check_summaries(sample)
    check_s = time.perf_counter() - start
    if mismatches:
        raise SystemExit(f"cohort bench: {len(mismatches)} of {len(sample)} sampled summaries "
                         f"differ from their raw rows, e.g. {mismatches[0]}")
    print(f"  over the raw rows: report {raw_s * 1000:,.0f} ms, hand-written SQL "
          f"{raw_hand_s * 1000:,.0f} ms (best of {repeats}); the two reports identical, same "
          f"responder counts on {', '.join(INSTRUMENTS)} and same safety counts as both "
          f"queries; rebuild-summaries --check of {len(sample):,} sampled episodes: no "
          f"mismatch, {check_s:.1f} s; load average {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    if "--measure" in sys.argv:
        measure()
    else:
        main()
