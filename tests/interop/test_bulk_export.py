"""FHIR Bulk Data export: kick-off answers 202 with a status URL, polling answers the manifest,
NDJSON files per type, at system, patient and group level; the same rules as every endpoint."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from acuback.audit.models import AuditEntry
from acuback.interop.models import ExportJob
from tests.interop.conftest import ClientFor
from tests.personas import World

ASYNC = {"HTTP_PREFER": "respond-async", "HTTP_ACCEPT": "application/fhir+json"}


def _kick_off(client: Client, path: str, status: int = 202) -> str:
    response = client.get(path, **ASYNC)
    assert response.status_code == status, response.content
    return response.get("Content-Location", "")


def _manifest(client: Client, status_url: str) -> dict:
    response = client.get(status_url)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def _file(client: Client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    body = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in body.splitlines()]


def test_it_exports_the_whole_clinic(client_for: ClientFor, charted: World) -> None:
    client = client_for("owner")
    manifest = _manifest(client, _kick_off(client, "/fhir/$export"))
    counts = {o["type"]: o["count"] for o in manifest["output"]}
    assert counts["Patient"] == 2 and counts["Condition"] == 2
    assert counts["QuestionnaireResponse"] == 6
    assert counts["Observation"] == 6 + 2  # a score per response, a health history per patient
    assert manifest["requiresAccessToken"] is True
    patients = _file(client, next(o["url"] for o in manifest["output"] if o["type"] == "Patient"))
    assert {p["id"] for p in patients} == {str(charted.patient.pk), str(charted.other_patient.pk)}


def test_it_exports_only_the_types_asked_for(client_for: ClientFor, charted: World) -> None:
    client = client_for("practitioner")
    manifest = _manifest(client, _kick_off(client, "/fhir/$export?_type=Patient,Condition"))
    assert sorted(o["type"] for o in manifest["output"]) == ["Condition", "Patient"]


def test_it_exports_a_group(client_for: ClientFor, charted: World) -> None:
    client = client_for("owner")
    status_url = _kick_off(client, f"/fhir/Group/practitioner-{charted.practitioner.pk}/$export")
    manifest = _manifest(client, status_url)
    assert {o["type"] for o in manifest["output"]} <= {
        "Patient", "EpisodeOfCare", "Condition", "QuestionnaireResponse", "Observation"}


def test_it_exports_at_patient_level(client_for: ClientFor, charted: World) -> None:
    client = client_for("owner")
    manifest = _manifest(client, _kick_off(client, "/fhir/Patient/$export?_type=Patient"))
    assert manifest["output"][0]["count"] == 2


def test_it_exports_only_what_changed_since(client_for: ClientFor, charted: World) -> None:
    client = client_for("owner")
    manifest = _manifest(client, _kick_off(client, "/fhir/$export?_since=2999-01-01T00:00:00Z"
                                                   "&_type=Patient,Observation"))
    assert manifest["output"] == []


def test_it_answers_202_while_the_export_runs(client_for: ClientFor, charted: World) -> None:
    client = client_for("owner")
    status_url = _kick_off(client, "/fhir/$export")
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=job.created_at
                                               .replace(year=3000))
    response = client.get(status_url)
    assert response.status_code == 202 and response["X-Progress"]


def test_it_cancels_an_export(client_for: ClientFor, charted: World) -> None:
    client = client_for("owner")
    status_url = _kick_off(client, "/fhir/$export")
    assert client.delete(status_url).status_code == 202
    assert client.get(status_url).status_code == 404


def test_it_wants_respond_async(client_for: ClientFor, charted: World) -> None:
    response = client_for("owner").get("/fhir/$export")
    assert response.status_code == 400
    assert json.loads(response.content)["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize("query", ["_type=Medication", "_since=yesterday",
                                   "_outputFormat=text/csv"])
def test_it_refuses_bad_parameters(client_for: ClientFor, charted: World, query: str) -> None:
    response = client_for("owner").get(f"/fhir/$export?{query}", **ASYNC)
    assert response.status_code == 422
    assert json.loads(response.content)["issue"][0]["diagnostics"].startswith(query[:5])


@pytest.mark.parametrize(("persona", "status"), [("front_desk", 403), ("patient_user", 403),
                                                 ("anonymous", 401)])
def test_it_refuses_bulk_export_to_others(client_for: ClientFor, charted: World, persona: str,
                                          status: int) -> None:
    _kick_off(client_for(persona), "/fhir/$export", status)


def test_it_keeps_another_clinics_records_out(client_for: ClientFor, charted: World) -> None:
    client = client_for("outsider")
    manifest = _manifest(client, _kick_off(client, "/fhir/$export"))
    patients = _file(client, next(o["url"] for o in manifest["output"] if o["type"] == "Patient"))
    assert [p["id"] for p in patients] == [str(charted.patient_b.pk)]


def test_it_shows_an_export_only_to_who_asked(client_for: ClientFor, charted: World) -> None:
    status_url = _kick_off(client_for("owner"), "/fhir/$export")
    assert client_for("practitioner").get(status_url).status_code == 404
    assert client_for("outsider").get(status_url).status_code == 404


def test_it_cannot_export_another_clinics_group(client_for: ClientFor, charted: World) -> None:
    _kick_off(client_for("outsider"), f"/fhir/Group/practitioner-{charted.practitioner.pk}"
              "/$export", 404)


def test_it_audits_the_export_and_the_download(client_for: ClientFor, charted: World) -> None:
    client = client_for("owner")
    manifest = _manifest(client, _kick_off(client, "/fhir/$export?_type=Patient"))
    _file(client, manifest["output"][0]["url"])
    export = AuditEntry.objects.get(object_type="bulk_export", outcome="ok")
    assert export.detail["counts"] == {"Patient": 2}
    assert AuditEntry.objects.filter(object_type="bulk_export_file").count() == 1


def test_it_queues_the_export_for_the_worker(client_for: ClientFor, charted: World,
                                             settings, django_capture_on_commit_callbacks,  # noqa: ANN001
                                             ) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.EXPORT_IN_BACKGROUND = True
    client = client_for("owner")
    with django_capture_on_commit_callbacks(execute=True):
        status_url = _kick_off(client, "/fhir/$export")
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "acuback.interop.tasks.run_export"
    assert client.get(status_url).status_code == 202  # nothing runs it but the worker
    # What the worker runs (acuback.cli.worker.drain closes the connection: not in a test).
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    assert {o["type"] for o in _manifest(client, status_url)["output"]} >= {"Patient"}
    written = AuditEntry.objects.get(object_type="bulk_export", outcome="ok")
    assert written.channel == queued.args_kwargs["args"][1]  # the channel it was asked through
