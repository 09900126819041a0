"""An episode's PDF reports in FHIR: a DocumentReference per report (progress for the patient,
the physician and the insurer; the re-assessment from visit 12), each pointing at its PDF as a
Binary that /fhir draws when read; valid, scoped, audited, in $everything and bulk export."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from acuback.audit.models import AuditEntry
from acuback.episodes.models import Episode
from acuback.interop.resources import reports
from acuback.interop.resources.common import Identities
from acuback.outcomes.reports import ReportKind
from acuback.visits.models import Visit
from tests.interop import validators
from tests.interop.conftest import ClientFor, Json, entries, exported_resources, fhir_get
from tests.personas import World
from tests.visits.factories import ready, signed, start

PROGRESS = ["progress-patient", "progress-physician", "progress-insurer"]


@pytest.fixture
def reported(world: World) -> World:
    """Grace Hopper's episode with one signed visit: its reports have something to say."""
    ready(world)
    signed(world)
    return world


def _reports(client_for: ClientFor, world: World, persona: str = "practitioner") -> list[Json]:
    found = entries(fhir_get(client_for(persona),
                             f"/fhir/DocumentReference?patient={world.other_patient.pk}"))
    return [r for r in found if reports.is_report(r)]


def test_it_lists_each_report_of_an_episode(client_for: ClientFor, reported: World) -> None:
    found = _reports(client_for, reported)
    episode = reported.other_episode.pk
    visit = Visit.objects.get(episode=episode).pk
    assert sorted(r["id"] for r in found) == sorted(
        [*(f"{p}-{episode}" for p in PROGRESS), f"superbill-{visit}"])
    assert all(r["content"][0]["attachment"]["url"] == f"Binary/{r['id']}" for r in found)
    assert {r["context"]["related"][0]["reference"] for r in found} == {
        f"EpisodeOfCare/{episode}"}
    assert validators.problems(found) == {}


def test_it_draws_the_pdf_when_its_binary_is_read(client_for: ClientFor,
                                                   reported: World) -> None:
    client = client_for("practitioner")
    url = f"/fhir/Binary/progress-insurer-{reported.other_episode.pk}"
    pdf = client.get(url, HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    binary = fhir_get(client, url)
    assert binary["resourceType"] == "Binary" and binary["contentType"] == "application/pdf"
    assert base64.b64decode(binary["data"]).startswith(b"%PDF")
    assert validators.problems([binary]) == {}
    exported = AuditEntry.objects.filter(object_type="progress_report", action="export",
                                         object_id=str(reported.other_episode.pk))
    assert [e.detail["audience"] for e in exported] == ["insurer", "insurer"]


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("front_desk", 403),
                                                 ("patient_user", 404)])
def test_it_keeps_the_report_in_its_clinic(client_for: ClientFor, reported: World, persona: str,
                                           status: int) -> None:
    episode = reported.other_episode.pk
    client = client_for(persona)
    fhir_get(client, f"/fhir/DocumentReference/progress-physician-{episode}", status)
    fhir_get(client, f"/fhir/Binary/progress-physician-{episode}", status)


def test_it_draws_a_signed_visits_superbill(client_for: ClientFor, reported: World) -> None:
    visit = Visit.objects.get(episode=reported.other_episode)
    document = fhir_get(client_for("practitioner"),
                        f"/fhir/DocumentReference/superbill-{visit.pk}")
    assert document["context"]["encounter"] == [{"reference": f"Encounter/{visit.pk}"}]
    pdf = client_for("practitioner").get(f"/fhir/Binary/superbill-{visit.pk}",
                                         HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(object_type="superbill_pdf", action="export",
                                     detail__visit=visit.pk).exists()
    for persona, status in (("outsider", 404), ("front_desk", 403)):
        fhir_get(client_for(persona), f"/fhir/Binary/superbill-{visit.pk}", status)


def test_it_lists_no_superbill_for_a_draft(client_for: ClientFor, reported: World) -> None:
    draft = start(reported)
    fhir_get(client_for("practitioner"), f"/fhir/DocumentReference/superbill-{draft.pk}", 404)
    fhir_get(client_for("practitioner"), f"/fhir/Binary/superbill-{draft.pk}", 404)


def test_it_answers_404_to_a_binary_it_does_not_have(client_for: ClientFor,
                                                     reported: World) -> None:
    fhir_get(client_for("practitioner"), "/fhir/Binary/progress-nobody-1", 404)


def test_it_lists_the_reassessment_from_visit_twelve(reported: World) -> None:
    render = reports.renderer(reports.ReportDocument(ReportKind.REASSESSMENT, None))
    ids = Identities.load([reported.clinic_a.pk])
    episode = Episode.objects.get(pk=reported.other_episode.pk)
    for visits, listed in ((1, False), (11, False), (12, True), (30, True)):
        episode.signed_visits = visits  # type: ignore[attr-defined]
        assert (render(episode, ids) is not None) is listed, visits
    episode.signed_visits = 12  # type: ignore[attr-defined]
    assert validators.problems([render(episode, ids)]) == {}  # type: ignore[list-item]


def test_it_counts_the_signed_visits_when_read_alone(reported: World) -> None:
    render = reports.renderer(reports.ReportDocument(ReportKind.REASSESSMENT, None))
    ids = Identities.load([reported.clinic_a.pk])
    assert render(Episode.objects.get(pk=reported.other_episode.pk), ids) is None


def test_it_puts_the_reports_in_everything_and_the_bulk_export(
    client_for: ClientFor, reported: World, tmp_path: Path
) -> None:
    episode = reported.other_episode.pk
    everything = entries(fhir_get(client_for("practitioner"),
                                  f"/fhir/Patient/{reported.other_patient.pk}/$everything"))
    assert {f"{p}-{episode}" for p in PROGRESS} <= {r["id"] for r in everything}
    exported = exported_resources(reported.owner, tmp_path)
    documents = {r["id"] for r in exported if r["resourceType"] == "DocumentReference"}
    assert {f"{p}-{episode}" for p in PROGRESS} <= documents


def test_it_states_the_reports_in_the_capability_statement(client_for: ClientFor,
                                                           world: World) -> None:
    statement = fhir_get(client_for("anonymous"), "/fhir/metadata")
    by_type = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert by_type["Binary"]["interaction"] == [{"code": "read"}]
    assert "Binary" in by_type["DocumentReference"]["documentation"]
    assert "not-asked" in by_type["Observation"]["documentation"]
