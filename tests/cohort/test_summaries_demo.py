"""The demo, built through the services (plus its own back-dated opening days), and a registry
built through the bulk path (whose summaries the cohort's bulk step writes from the values the
other steps kept, not from the raw rows) leave every episode's cohort summary equal to what its
raw rows give."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import F

from acuback.accounts.models import Clinic
from acuback.cohort.filters import CohortFilter
from acuback.cohort.models import EpisodeMeasure, EpisodeSummary
from acuback.cohort.selectors import report_of
from acuback.cohort.summaries import check_summaries, summary_ids
from acuback.demo import REGISTRY_CLINIC, demo_registry
from acuback.plans.models import Plan
from acuback.visits.models import Visit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 21)


def test_every_demo_episode_has_a_current_summary(demo_db: None) -> None:
    ids = summary_ids()
    assert ids and summary_ids(missing_only=True) == []
    assert check_summaries(ids) == []
    assert EpisodeSummary.objects.filter(visits__gt=0).exists()
    assert EpisodeMeasure.objects.filter(followed=True).exists()


@pytest.fixture(scope="module")
def registry(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201 - pytest-django fixtures
    with django_db_blocker.unblock():
        demo_registry(TODAY, patients=240)
        yield Clinic.objects.get(slug=REGISTRY_CLINIC[0])
        call_command("flush", interactive=False)


def test_a_bulk_built_registry_has_the_summaries_its_raw_rows_give(registry: Clinic) -> None:
    ids = summary_ids(clinic_id=registry.pk)
    assert len(ids) > 240 and summary_ids(missing_only=True) == []
    assert check_summaries(ids) == []
    # Every column is compared with something to compare: each kind of value occurs.
    summaries = EpisodeSummary.objects.filter(clinic=registry)
    assert summaries.filter(visits__gt=0).exists() and summaries.filter(visits=0).exists()
    assert summaries.filter(adverse_events__gt=0).exists()
    assert summaries.filter(plan_estim=False).exists() and summaries.filter(
        plan_estim__isnull=True).exists() and summaries.filter(plan_estim=True).exists()
    assert summaries.exclude(startback_band="").exists() and summaries.filter(
        startback_band="").exists()
    assert summaries.exclude(practitioner=None).exists()
    measures = EpisodeMeasure.objects.filter(clinic=registry)
    assert measures.filter(followed=True).exclude(baseline=F("latest")).exists()
    assert measures.filter(followed=False).exists()




def test_a_bulk_registry_has_electroacupuncture_and_the_protocol_filter_finds_it(
        registry: Clinic) -> None:
    """Every bulk plan used to be manual (estim=False), so the protocol filter "electro" found
    no episode of a registry. Some plans ask for e-stim now, granted where the prescription
    allows it; their visits are with e-stim and the report's electro cohort counts them."""
    plans = Plan.objects.filter(clinic=registry)
    electro = plans.filter(estim=True)
    assert electro.exists() and plans.filter(estim=False).exists()
    assert all(p.estim_allowed for p in electro)  # as plan_save allows it
    visits = Visit.objects.filter(plan__in=electro)
    assert visits.exists()
    assert not visits.filter(minutes_with_estim=0).exists()
    assert not visits.exclude(minutes_without_estim=0).exists()
    assert not Visit.objects.filter(plan__in=plans.filter(estim=False),
                                    minutes_with_estim__gt=0).exists()
    found = report_of(registry.pk, CohortFilter(protocol="electro"))
    assert found.episodes == electro.values("episode").distinct().count() > 0
    assert found.as_dict() == report_of(registry.pk, CohortFilter(protocol="electro"),
                                        from_summaries=False).as_dict()
