"""The cohort engine's set-based figures agree with each episode's own outcome (the pure
per-episode function), on bulk-generated data and on hand-made edge cases."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command

from acuback.assessments.models import Assessment
from acuback.clinical.chronicity import chronicity
from acuback.clinical.instruments import Verdict, get
from acuback.clinical.stats import mean_with_ci
from acuback.cohort import engine
from acuback.cohort.filters import CohortFilter
from acuback.cohort.selectors import cohort_report
from acuback.episodes.models import Episode
from acuback.plans.models import Plan
from acuback.visits.access import live_visits
from acuback.visits.models import AdverseEvent, Visit
from tests.cohort.data import EDGE_YEAR, CohortData, build, own_outcomes

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201 - pytest-django fixtures
    with django_db_blocker.unblock():
        yield build()
        call_command("flush", interactive=False)


def _expected(episode_ids: list[int]) -> dict[str, dict[str, object]]:
    """The figures counted episode by episode from the per-episode outcome."""
    found: dict[str, dict[str, object]] = {}
    for outcomes in own_outcomes(episode_ids).values():
        for o in outcomes:
            f = found.setdefault(o.instrument, {"measured": 0, "followed": 0, "verdicts":
                                                Counter(), "points": 0, "improvements": []})
            f["measured"] += 1  # type: ignore[operator]
            change = o.latest_change
            if change is None:
                continue
            f["followed"] += 1  # type: ignore[operator]
            f["verdicts"][change.verdict] += 1  # type: ignore[index]
            f["points"] += bool(change.meets_points)  # type: ignore[operator]
            if change.improvement is not None:
                f["improvements"].append(change.improvement)  # type: ignore[attr-defined]
    return found


def _check_agreement(data: CohortData, f: CohortFilter, episode_ids: list[int]) -> None:
    report = cohort_report(actor=data.world.owner, filters=f)
    expected = _expected(episode_ids)
    assert report.episodes == len(episode_ids)
    assert {o.instrument for o in report.outcomes} == set(expected)
    for figures in report.outcomes:
        want = expected[figures.instrument]
        assert (figures.measured, figures.followed) == (want["measured"], want["followed"])
        verdicts: Counter = want["verdicts"]  # type: ignore[assignment]
        if figures.improved is not None:
            assert figures.improved.successes == verdicts[Verdict.IMPROVED]
            assert figures.worse is not None
            assert figures.worse.successes == verdicts[Verdict.WORSE]
        else:
            assert figures.followed == 0 or not get(figures.instrument).mic.has_threshold
        if figures.improved_by_points is not None:
            assert figures.improved_by_points.successes == want["points"]
        values: list[float] = want["improvements"]  # type: ignore[assignment]
        if values:
            oracle = mean_with_ci(values)
            assert figures.improvement is not None
            assert figures.improvement.mean == pytest.approx(oracle.mean, rel=1e-12)
            if oracle.ci is not None:
                assert figures.improvement.ci == pytest.approx(oracle.ci, rel=1e-9)
        else:
            assert figures.improvement is None


def _clinic_episodes(data: CohortData) -> list[Episode]:
    return list(Episode.objects.filter(clinic=data.world.clinic_a).select_related("patient"))


def test_it_agrees_with_every_episodes_own_outcome(data: CohortData) -> None:
    episodes = _clinic_episodes(data)
    assert len(episodes) > 250  # the bulk patients, one or two episodes each
    _check_agreement(data, CohortFilter(), [e.pk for e in episodes])


def _first_startback(episode_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for episode_id, band in (Assessment.objects.filter(
            episode_id__in=episode_ids, instrument="startback", total__isnull=False)
            .order_by("administered_at", "id").values_list("episode_id", "band")):
        found.setdefault(episode_id, band)
    return found


def _protocol(episode_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for episode_id, estim in (Plan.objects.filter(episode_id__in=episode_ids)
                              .order_by("episode_id", "-number")
                              .values_list("episode_id", "estim")):
        found.setdefault(episode_id, "electro" if estim else "manual")
    return found


@pytest.mark.parametrize("f", [
    CohortFilter(chronicity="chronic"), CohortFilter(chronicity="subacute"),
    CohortFilter(chronicity="acute"), CohortFilter(startback="high"),
    CohortFilter(startback="not_screened"), CohortFilter(protocol="manual"),
    CohortFilter(protocol="no_plan"), CohortFilter(protocol="electro"),
    CohortFilter(opened_from=dt.date(2025, 1, 1), opened_to=dt.date(2026, 6, 30)),
], ids=lambda f: "-".join(f"{k}={v}" for k, v in f.as_dict().items()))
def test_it_agrees_on_every_filter(data: CohortData, f: CohortFilter) -> None:
    episodes = _clinic_episodes(data)
    ids = [e.pk for e in episodes]
    startback, protocol = _first_startback(ids), _protocol(ids)

    def kept(e: Episode) -> bool:
        opened = e.opened_on
        return ((f.chronicity is None
                 or chronicity(min(e.onset_date, opened), opened).value == f.chronicity)
                and (f.startback is None
                     or startback.get(e.pk, "not_screened") == f.startback)
                and (f.protocol is None or protocol.get(e.pk, "no_plan") == f.protocol)
                and (f.opened_from is None or opened >= f.opened_from)
                and (f.opened_to is None or opened <= f.opened_to))

    chosen = [e.pk for e in episodes if kept(e)]
    assert chosen  # each filter keeps some episodes of the generated clinic
    _check_agreement(data, f, chosen)


def test_it_filters_by_practitioner_of_record(data: CohortData) -> None:
    mine = [e.pk for e in _clinic_episodes(data)
            if e.patient.practitioner_id == data.second_practitioner.pk]
    assert mine
    _check_agreement(data, CohortFilter(practitioner=data.second_practitioner.pk), mine)


EDGES = CohortFilter(opened_from=dt.date(EDGE_YEAR, 1, 1), opened_to=dt.date(EDGE_YEAR, 12, 31))


def test_it_counts_the_edge_cases_by_hand(data: CohortData) -> None:
    report = cohort_report(actor=data.world.owner, filters=EDGES)
    assert report.episodes == 5
    nrs, pgic = report.outcome("nrs"), report.outcome("pgic")
    assert nrs is not None and pgic is not None
    # Baseline only (7) and follow-up only (3): measured, not followed. The tie: 8 then 4.
    assert (nrs.measured, nrs.followed, nrs.no_follow_up) == (3, 1, 2)
    assert nrs.improved is not None and (nrs.improved.successes, nrs.improved.n) == (1, 1)
    assert nrs.improvement is not None and nrs.improvement.mean == 4
    assert (nrs.baseline_mean, nrs.latest_mean) == (8, 4)
    # PGIC only: its latest rating (6, much worse) decides, with no baseline.
    assert (pgic.measured, pgic.followed) == (1, 1)
    assert pgic.improved is not None and pgic.improved.successes == 0
    assert pgic.worse is not None and pgic.worse.successes == 1
    assert pgic.improvement is None
    # The unscorable ODI is no measurement.
    assert report.outcome("odi") is None
    _check_agreement(data, EDGES, [data.edge.__dict__[k].pk for k in data.edge.__dict__])


def test_it_leaves_out_visits_entered_in_error(data: CohortData) -> None:
    safety = cohort_report(actor=data.world.owner, filters=EDGES).safety
    # Four visits, the fourth entered in error with its event: 3 treatments, 2 events.
    counts = safety.counts
    assert (counts.treatments, counts.events, counts.serious) == (3, 2, 1)
    assert (counts.treated_patients, counts.patients_with_event) == (1, 1)
    assert safety.per_1000_treatments is not None
    assert safety.per_1000_treatments.rate == pytest.approx(2 / 3 * 1000)
    assert safety.patients_with_event is not None and safety.patients_with_event.rate == 1


def test_it_counts_what_each_episode_counts_for_safety(data: CohortData) -> None:
    clinic = data.world.clinic_a
    episodes = Episode.objects.filter(clinic=clinic)
    live = live_visits(Visit.objects.filter(clinic=clinic))
    events = AdverseEvent.objects.filter(clinic=clinic, in_error_at__isnull=True,
                                         visit__in=live)
    counts = engine.safety_counts(clinic.pk, episodes)
    assert counts.treatments == live.count()
    assert counts.events == events.count()
    assert counts.treated_patients == live.values("episode__patient").distinct().count()


def test_it_counts_each_episodes_visits_and_events_for_the_export(data: CohortData) -> None:
    clinic = data.world.clinic_a
    live = live_visits(Visit.objects.filter(clinic=clinic))
    events = AdverseEvent.objects.filter(clinic=clinic, in_error_at__isnull=True,
                                         visit__in=live)
    expected: dict[int, list[int]] = {}
    for visit in live:
        expected.setdefault(visit.episode_id, [0, 0, 0])[0] += 1
    for event in events:
        counts = expected.setdefault(event.episode_id, [0, 0, 0])
        counts[1] += 1
        counts[2] += event.serious
    found = engine.episode_safety(clinic.pk, Episode.objects.filter(clinic=clinic))
    assert found == {k: tuple(v) for k, v in expected.items()}
    assert any(serious for _, _, serious in found.values())
    # Four visits, the fourth entered in error with its event: 3 visits, 2 events, 1 serious.
    assert found[data.edge.treated.pk] == (3, 2, 1)


def test_it_never_counts_another_clinics_episodes(data: CohortData) -> None:
    mine = cohort_report(actor=data.world.owner, filters=CohortFilter())
    theirs = cohort_report(actor=data.world.outsider_owner, filters=CohortFilter())
    assert mine.episodes == Episode.objects.filter(clinic=data.world.clinic_a).count()
    assert theirs.episodes == Episode.objects.filter(clinic=data.world.clinic_b).count()
    # An owner's filter naming another clinic's practitioner finds nothing of theirs.
    other = cohort_report(actor=data.world.owner,
                          filters=CohortFilter(practitioner=data.world.outsider.pk))
    assert other.episodes == 0 and other.outcomes == ()


def test_it_compares_two_protocols_as_analyze_compare_compares_a_csv(data: CohortData) -> None:
    from acuback.clinical.stats import Record, compare_groups
    from acuback.cohort.selectors import cohort_compare

    result = cohort_compare(actor=data.world.owner, filters=CohortFilter(), by="protocol",
                            groups=("no_plan", "manual"), instrument="odi")
    episodes = _clinic_episodes(data)
    protocol = _protocol([e.pk for e in episodes])
    records = []
    for pk, outcomes in own_outcomes([e.pk for e in episodes]).items():
        odi = next((o for o in outcomes if o.instrument == "odi"), None)
        if odi is not None:
            latest = odi.latest.total if odi.follow_ups else None
            records.append(Record(protocol.get(pk, "no_plan"), odi.baseline.total, latest))  # type: ignore[union-attr]
    # the two groups compared (the bulk plans include electroacupuncture too)
    records = [r for r in records if r.group in ("no_plan", "manual")]
    oracle = compare_groups(records, treatment="manual").to_dict()
    got = result.as_dict()
    assert got["excluded"] == oracle["excluded"]
    for name, group in oracle["groups"].items():  # type: ignore[attr-defined]
        assert got["groups"][name]["n"] == group["n"]  # type: ignore[index]
        assert got["groups"][name]["responder_rate"] == group["responder_rate"]  # type: ignore[index]
        assert got["groups"][name]["mean_change"] == pytest.approx(group["mean_change"])  # type: ignore[index]
    assert got["adjusted_difference"]["estimate"] == pytest.approx(
        oracle["adjusted_difference"]["estimate"])  # type: ignore[index]
