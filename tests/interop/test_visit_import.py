"""Visits imported from a FHIR Bundle: signed visits arrive signed and locked with the source's
hash kept and our own seal, signer and times from the file; idempotent by identifier; refused
whole; gated by the screen and scoped to the importer's clinic."""

from __future__ import annotations

import base64
import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from acuback.audit.models import AuditEntry
from acuback.cohort.models import EpisodeSummary
from acuback.cohort.summaries import check_summaries
from acuback.episodes.models import Episode
from acuback.interop.importer import ImportRefused, ImportResult, bundle_import
from acuback.interop.resources.common import EXTENSION
from acuback.visits.access import VisitLocked
from acuback.visits.adverse import AdverseEventInput, adverse_event_record
from acuback.visits.content import visit_hash, visit_integrity
from acuback.visits.models import AdverseEvent, Amendment, Visit, VisitStatus
from acuback.visits.services import visit_input_from, visit_update
from acuback.visits.signing import visit_amend
from tests.interop.conftest import Json, exported_resources
from tests.interop.test_import import PATIENT_DATA, _bundle, _empty_clinic, _patient_data
from tests.personas import World
from tests.screening.factories import CLEAR, screen
from tests.visits.factories import LOT, fill, ready, signed, start

VISIT_DATA = ["Encounter", "Procedure", "Provenance", "AdverseEvent", "Practitioner"]


@pytest.fixture
def sent(world: World, tmp_path: Path) -> dict[str, Any]:
    """Grace Hopper's thoracic episode: a signed visit with an addendum and a bruise, and a
    draft; exported by clinic A."""
    ready(world)
    visit = signed(world)
    amendment = visit_amend(actor=world.practitioner, visit=visit, kind="addendum",
                            reason="Forgot", text="Warmth at BL23.")
    event = adverse_event_record(actor=world.practitioner, visit=visit, data=AdverseEventInput(
        kind="bleeding", severity="mild", serious=False, causality="certain",
        onset_at=timezone.now(), points=["BL23"], lots=[LOT]))
    draft = fill(world, start(world), subjective="Started, not finished.")
    resources = exported_resources(world.owner, tmp_path / "a")
    return {"resources": resources, "visit": visit, "amendment": amendment, "event": event,
            "draft": draft}


def _wanted(resources: list[Json]) -> list[Json]:
    return [r for r in resources if r["resourceType"] in [*PATIENT_DATA, *VISIT_DATA]]


def _import(owner: Any, resources: list[Json], *, screened: bool = True) -> ImportResult:
    """Import the records, screen the imported episodes, then import the Bundle with its
    visits."""
    bundle_import(actor=owner, bundle=_bundle(
        [*_patient_data(resources), *[r for r in resources
                                      if r["resourceType"] == "Practitioner"]]))
    if screened:
        for episode in Episode.objects.filter(clinic=owner.membership.clinic):
            screen(owner, episode, *CLEAR)
    return bundle_import(actor=owner, bundle=_bundle(_wanted(resources)))


def _imported(owner: Any, number: int) -> Visit:
    return Visit.objects.get(clinic=owner.membership.clinic, number=number,
                             episode__region="thoracic")


def test_it_arrives_signed_and_locked(world: World, sent: dict[str, Any]) -> None:
    owner = _empty_clinic(npi=world.practitioner.practitioner.npi)
    _import(owner, sent["resources"])
    source, visit = sent["visit"], _imported(owner, 1)
    assert visit.status == VisitStatus.SIGNED and visit.signed_at == source.signed_at
    assert visit.signed_by == owner and visit.practitioner == owner  # matched by NPI
    assert visit.imported_at is not None and visit.imported_signer == ""
    assert visit.imported_hash == source.content_hash  # what the source signed, kept
    assert visit.content_hash == visit_hash(visit) != source.content_hash  # our own seal
    assert visit_integrity(visit).ok
    with pytest.raises(VisitLocked):
        visit_update(actor=owner, visit=visit, data=visit_input_from(visit),
                     version=visit.version)
    assert AuditEntry.objects.filter(object_type="visit", object_id=str(visit.pk),
                                     actor_id=owner.pk, detail__sign="imported").exists()
    draft = _imported(owner, 2)
    assert (draft.status, draft.subjective) == (VisitStatus.DRAFT, "Started, not finished.")


def test_it_names_the_source_signer_when_no_clinician_has_the_npi(
    world: World, sent: dict[str, Any], tmp_path: Path
) -> None:
    owner = _empty_clinic(npi="")
    result = _import(owner, sent["resources"])
    visit = _imported(owner, 1)
    assert visit.signed_by == owner and visit.practitioner == owner
    assert visit.imported_signer == "Pat Lin (NPI 1234567893)"
    assert any("Pat Lin (NPI 1234567893)" in i.diagnostics and i.severity == "warning"
               for i in result.issues)
    provenance = next(r for r in exported_resources(owner, tmp_path / "b")
                      if r["resourceType"] == "Provenance")
    ext = {e["url"].rsplit("/", 1)[1]: e["valueString"] for e in provenance["extension"]}
    assert ext == {"source-signature": f"sha256:{sent['visit'].content_hash}",
                   "source-signer": "Pat Lin (NPI 1234567893)"}


def test_it_keeps_who_and_when_of_amendments_and_adverse_events(
    world: World, sent: dict[str, Any]
) -> None:
    owner = _empty_clinic(npi=world.practitioner.practitioner.npi)
    _import(owner, sent["resources"])
    visit = _imported(owner, 1)
    amendment = Amendment.objects.get(visit=visit)
    assert (amendment.at, amendment.author, amendment.text) == (
        sent["amendment"].at, owner, "Warmth at BL23.")
    event = AdverseEvent.objects.get(visit=visit)
    assert (event.recorded_at, event.recorded_by, event.points, event.lots) == (
        sent["event"].recorded_at, owner, ["BL23"], [LOT])
    assert visit_integrity(Visit.objects.get(pk=visit.pk)).ok  # the amendment's hash chains


def test_it_never_rewrites_a_signed_visit_on_import_again(world: World,
                                                          sent: dict[str, Any]) -> None:
    owner = _empty_clinic(npi=world.practitioner.practitioner.npi)
    _import(owner, sent["resources"])
    before = _imported(owner, 1)
    changed = copy.deepcopy(_wanted(sent["resources"]))
    for r in changed:
        if r["resourceType"] == "Procedure":
            r["extension"] = [*r.get("extension", []), {
                "url": f"{EXTENSION}/retention-minutes", "valueInteger": 99}]
    counts = (Visit.objects.count(), Amendment.objects.count(), AdverseEvent.objects.count())
    again = bundle_import(actor=owner, bundle=_bundle(changed))
    assert again.created == []
    assert {"Encounter", "AdverseEvent", "DocumentReference"} <= {
        e.split("/")[0] for e in again.existing}
    after = _imported(owner, 1)
    assert (after.content_hash, after.retention_minutes, after.version) == (
        before.content_hash, before.retention_minutes, before.version)
    assert (Visit.objects.count(), Amendment.objects.count(),
            AdverseEvent.objects.count()) == counts


def test_it_refuses_a_bundle_with_a_bad_visit_whole(world: World, sent: dict[str, Any]) -> None:
    owner = _empty_clinic(npi="")
    resources = copy.deepcopy(sent["resources"])
    procedure = next(r for r in resources if r["resourceType"] == "Procedure"
                     and r["status"] == "completed")
    procedure["bodySite"][0]["coding"][0]["code"] = "XX99"
    with pytest.raises(ImportRefused) as refused:
        _import(owner, resources)
    assert any("XX99" in i.diagnostics for i in refused.value.issues)
    assert not Visit.objects.filter(clinic=owner.membership.clinic).exists()
    assert not Amendment.objects.filter(visit__clinic=owner.membership.clinic).exists()


def test_it_refuses_a_visit_of_an_episode_never_screened(world: World,
                                                         sent: dict[str, Any]) -> None:
    owner = _empty_clinic(npi="")
    unscreened = [r for r in sent["resources"]
                  if not r["id"].startswith(("screening-", "referral-"))]
    with pytest.raises(ImportRefused) as refused:
        _import(owner, unscreened, screened=False)
    assert any("red-flag screen" in i.diagnostics for i in refused.value.issues)
    assert not Visit.objects.filter(clinic=owner.membership.clinic).exists()


def test_it_cannot_reach_another_clinics_episode(world: World, sent: dict[str, Any]) -> None:
    """Clinic B's practitioner sends clinic A's visit pointing at clinic A's episode."""
    visit_parts = [r for r in _wanted(sent["resources"]) if r["resourceType"] in VISIT_DATA
                   or r["id"].startswith(("visit-", "amendment-"))]
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=world.outsider, bundle=_bundle(visit_parts))
    assert any(i.expression.endswith(".episodeOfCare") for i in refused.value.issues)
    assert Visit.objects.filter(clinic=world.clinic_b).count() == 0


def test_it_reads_the_source_hash_from_the_signature(sent: dict[str, Any]) -> None:
    from acuback.interop.visit_import import source_hash

    provenance = next(r for r in sent["resources"] if r["resourceType"] == "Provenance")
    assert source_hash(provenance) == sent["visit"].content_hash
    other = {"signature": [{"data": base64.b64encode(b"not a hash").decode()}],
             "extension": [{"url": f"{EXTENSION}/source-signature",
                            "valueString": "sha256:" + "a" * 64}]}
    assert source_hash(other) == "a" * 64


def test_it_refuses_an_amendment_dated_in_the_future(world: World,
                                                     sent: dict[str, Any]) -> None:
    owner = _empty_clinic(npi="")
    resources = copy.deepcopy(sent["resources"])
    amendment = next(r for r in resources if r["id"].startswith("amendment-"))
    amendment["date"] = (timezone.now() + dt.timedelta(days=2)).isoformat()
    with pytest.raises(ImportRefused) as refused:
        _import(owner, resources)
    assert any("future" in i.diagnostics for i in refused.value.issues)


def test_an_import_leaves_the_cohort_summaries_of_its_episodes_current(
        world: World, sent: dict[str, Any]) -> None:
    # The import goes through the services (episode, questionnaires, plans, visits, addenda,
    # adverse events), each refreshing the episode's cohort summary in its own transaction.
    owner = _empty_clinic(npi=world.practitioner.practitioner.npi)
    _import(owner, sent["resources"])
    imported = Episode.objects.get(clinic=owner.membership.clinic, region="thoracic")
    summary = EpisodeSummary.objects.get(episode=imported)
    source = EpisodeSummary.objects.get(episode=world.other_episode)
    assert (summary.visits, summary.adverse_events) == (source.visits, source.adverse_events)
    assert (summary.visits, summary.adverse_events) == (2, 1)  # the signed visit and the draft
    assert check_summaries(Episode.objects.filter(clinic=owner.membership.clinic)
                           .values_list("id", flat=True)) == []
