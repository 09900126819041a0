"""/fhir: FHIR R4 over HTTP. Authenticates as /api does (session or bearer token); every error
is an OperationOutcome (application/fhir+json), never HTML or problem+json."""

from __future__ import annotations

import base64
import json
import logging

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from acuback.accounts.access import AccessError
from acuback.accounts.access import NotFound as NotFoundError
from acuback.api import BearerToken, SessionAuth
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.errors import ConflictError, InputError
from acuback.interop import export, importer, jobs, repository
from acuback.interop.models import ExportStatus
from acuback.interop.resources import reports as reports_fhir
from acuback.interop.resources.capability import capability_statement
from acuback.interop.resources.common import Json
from acuback.interop.resources.outcome import operation_outcome, single
from acuback.interop.search import SearchError
from acuback.interop.sources import RESOURCE_TYPES, sources_for
from acuback.outcomes.reports import Audience, report_for

FHIR_JSON = "application/fhir+json"
logger = logging.getLogger(__name__)

fhir_api = NinjaAPI(
    title="acuback FHIR R4",
    version="fhir-r4",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="fhir",
    docs_url=None,
    openapi_url=None,
)


def fhir_response(body: Json, status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                            content_type=FHIR_JSON)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def outcome(status: int, code: str, diagnostics: str, expression: str | None = None
            ) -> HttpResponse:
    return fhir_response(single("error", code, diagnostics, expression), status)


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/")


# --- errors: always an OperationOutcome ----------------------------------------------------


@fhir_api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    action = Action.READ if request.method in ("GET", "HEAD") else Action.UPDATE
    audit_record(actor=None, action=action, object_type="fhir", object_id=request.path[:64],
                 outcome=Outcome.DENIED, detail={"method": request.method,
                                                 "reason": "not authenticated"})
    response = outcome(401, "login", "Log in, or send an API token as "
                                     "'Authorization: Bearer <token>'.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@fhir_api.exception_handler(AccessError)
def _access(request: HttpRequest, exc: AccessError) -> HttpResponse:
    if exc.status == 404:
        return outcome(404, "not-found", "No such resource in your clinic.")
    return outcome(403, "forbidden", str(exc) or "Your role may not do this.")


@fhir_api.exception_handler(SearchError)
def _search(request: HttpRequest, exc: SearchError) -> HttpResponse:
    return outcome(400, "invalid", str(exc), exc.parameter)


@fhir_api.exception_handler(InputError)
def _input(request: HttpRequest, exc: InputError) -> HttpResponse:
    return outcome(422, "invalid", exc.message)


@fhir_api.exception_handler(ValidationError)
def _schema(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return outcome(400, "invalid", "; ".join(str(e.get("msg", "invalid")) for e in exc.errors))


@fhir_api.exception_handler(ConflictError)
def _conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return outcome(409, "conflict", str(exc))


@fhir_api.exception_handler(HttpError)
def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = "not-supported" if isinstance(exc, UnknownType) else "processing"
    return outcome(exc.status_code, code, str(exc.message))


@fhir_api.exception_handler(Exception)
def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unexpected error under /fhir")
    return outcome(500, "exception", "Something went wrong on the server; nothing was changed.")


def unknown_path(request: HttpRequest, rest: str | None = None) -> HttpResponse:
    """Any /fhir/ path no endpoint claims. The base itself without its slash (`POST /fhir`,
    as FHIR clients write it) is the base."""
    if rest is None:
        from django.urls import resolve

        match = resolve("/fhir/")
        return match.func(request, *match.args, **match.kwargs)  # type: ignore[no-any-return]
    return outcome(404, "not-supported", f"acuback serves no FHIR endpoint at {request.path}.")


# --- metadata, read, search ------------------------------------------------------------------


def _params(request: HttpRequest) -> dict[str, list[str]]:
    return {key: request.GET.getlist(key) for key in request.GET}


def _searchset(request: HttpRequest, found: repository.Found, resource_type: str) -> Json:
    base = base_url(request)
    self_link = request.build_absolute_uri()
    bundle: Json = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": found.total,
        "link": [{"relation": "self", "url": self_link}],
        "entry": [
            {"fullUrl": f"{base}{r['resourceType']}/{r['id']}", "resource": r,
             "search": {"mode": "match"}}
            for r in found.resources
        ],
    }
    if found.page.offset + found.page.count < found.total and found.page.count:
        query = request.GET.copy()
        query["_offset"] = str(found.page.offset + found.page.count)
        query["_count"] = str(found.page.count)
        bundle["link"].append({"relation": "next",
                               "url": f"{base}{resource_type}?{query.urlencode()}"})
    if not bundle["entry"]:
        del bundle["entry"]
    return bundle


@fhir_api.get("/metadata", auth=None, include_in_schema=False)
def metadata(request: HttpRequest) -> HttpResponse:
    searches = {t: sorted({"_id", "identifier", *(("patient",) if t != "Patient" else ()),
                           *(d for s in sources_for(t) for d in s.dates)})
                for t in RESOURCE_TYPES}
    searches |= {t: [] for t in repository.DIRECTORY_TYPES}
    searches["Binary"] = []  # read only: a report's PDF
    return fhir_response(capability_statement(
        base_url=base_url(request), searches=searches,
        date=timezone.now().date().isoformat()))


class UnknownType(HttpError):
    def __init__(self, resource_type: str) -> None:
        super().__init__(404, f"acuback serves no {resource_type!r} resources.")


def _known_type(resource_type: str) -> None:
    if resource_type not in repository.RESOURCE_TYPES:
        raise UnknownType(resource_type)


# --- bulk export (FHIR Bulk Data Access) ----------------------------------------------------


def _kick_off(request: HttpRequest, patient_ids: list[int] | None) -> HttpResponse:
    if "respond-async" not in request.headers.get("Prefer", ""):
        return outcome(400, "required", "Ask for a bulk export with 'Prefer: respond-async'.")
    accept = request.headers.get("Accept", FHIR_JSON)
    if not any(kind in accept for kind in (FHIR_JSON, "application/json", "*/*")):
        return outcome(406, "not-supported", f"Export status is answered as {FHIR_JSON}.")
    export_request = export.export_request(
        types=",".join(request.GET.getlist("_type")), since=request.GET.get("_since", ""),
        patient_ids=patient_ids, output_format=request.GET.get("_outputFormat", ""))
    job = jobs.export_kick_off(actor=request.user, request=export_request,
                               request_url=request.build_absolute_uri())
    status_url = f"{base_url(request)}$export-status/{job.pk}"
    return fhir_response(single("information", "informational",
                                f"Export accepted; poll {status_url}."),
                         202, Content_Location=status_url)


@fhir_api.get("/$export", include_in_schema=False)
def export_system(request: HttpRequest) -> HttpResponse:
    return _kick_off(request, None)


@fhir_api.get("/Patient/$export", include_in_schema=False)
def export_patients(request: HttpRequest) -> HttpResponse:
    export.require_exporter(request.user)
    return _kick_off(request, repository.group_members(request.user, "all"))


@fhir_api.get("/Group/{group_id}/$export", include_in_schema=False)
def export_group(request: HttpRequest, group_id: str) -> HttpResponse:
    export.require_exporter(request.user)
    return _kick_off(request, repository.group_members(request.user, group_id))


@fhir_api.get("/$export-status/{job_id}", include_in_schema=False)
def export_status(request: HttpRequest, job_id: str) -> HttpResponse:
    job = jobs.export_job_get(actor=request.user, job_id=job_id)
    if job.status == ExportStatus.FAILED:
        return outcome(500, "exception", f"The export failed: {job.error}")
    if job.status == ExportStatus.CANCELLED:
        return outcome(404, "not-found", "This export was cancelled.")
    if job.status != ExportStatus.COMPLETED:
        response = fhir_response(single("information", "informational", "Still exporting."),
                                 202, Retry_After="2")
        response["X-Progress"] = job.progress or job.status
        return response
    files = f"{base_url(request)}$export-file/{job.pk}"
    manifest = {
        "transactionTime": job.created_at.isoformat(),
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [{"type": o["type"], "url": f"{files}/{o['file']}", "count": o["count"]}
                   for o in job.output],
        "error": [],
    }
    return HttpResponse(json.dumps(manifest), content_type="application/json")


@fhir_api.delete("/$export-status/{job_id}", include_in_schema=False)
def export_cancel(request: HttpRequest, job_id: str) -> HttpResponse:
    jobs.export_job_cancel(actor=request.user, job_id=job_id)
    return fhir_response(single("information", "informational", "Export cancelled."), 202)


@fhir_api.get("/$export-file/{job_id}/{name}", include_in_schema=False)
def export_file(request: HttpRequest, job_id: str, name: str) -> HttpResponse:
    job = jobs.export_job_get(actor=request.user, job_id=job_id)
    listed = {o["file"] for o in job.output} if job.status == ExportStatus.COMPLETED else set()
    if name not in listed:
        return outcome(404, "not-found", f"This export has no file {name!r}.")
    audit_record(actor=request.user, action=Action.EXPORT, object_type="bulk_export_file",
                 object_id=str(job.pk), outcome=Outcome.OK, detail={"file": name})
    return FileResponse((jobs.export_directory(job) / name).open("rb"),
                        content_type=export.NDJSON)


# --- import ------------------------------------------------------------------------------


@fhir_api.get("/", include_in_schema=False)
def base(request: HttpRequest) -> HttpResponse:
    return outcome(400, "not-supported", "Search one type at a time: /fhir/{type}?...; "
                                         "/fhir/metadata says what this server offers.")


@fhir_api.post("/", include_in_schema=False)
def import_bundle(request: HttpRequest) -> HttpResponse:
    """A transaction or collection Bundle: all of it, or nothing (an OperationOutcome naming
    each bad element)."""
    try:
        bundle = json.loads(request.body or b"null")
    except (ValueError, RecursionError):  # not JSON, not UTF-8, a number of 5000 digits, or
        # arrays nested deeper than Python's parser goes
        return outcome(400, "structure", "The body is not JSON that acuback can read.")
    try:
        result = importer.bundle_import(actor=request.user, bundle=bundle)
    except importer.ImportRefused as refused:
        return fhir_response(operation_outcome(refused.issues), 422)
    return fhir_response(import_response(result))


def import_response(result: importer.ImportResult) -> Json:
    entries: list[Json] = [{"response": {"status": "201 Created", "location": ref}}
                           for ref in result.created]
    entries += [{"response": {"status": "200 OK", "location": ref}} for ref in result.existing]
    bundle: Json = {"resourceType": "Bundle", "type": "transaction-response"}
    if entries:
        bundle["entry"] = entries
    if result.issues:
        bundle.setdefault("entry", []).append(
            {"response": {"status": "200 OK", "outcome": operation_outcome(result.issues)}})
    return bundle


# --- $everything, search, read ---------------------------------------------------------------


@fhir_api.get("/Patient/{patient_id}/$everything", include_in_schema=False)
def patient_everything(request: HttpRequest, patient_id: str) -> HttpResponse:
    resources = repository.everything(actor=request.user, patient_id=patient_id)
    base = base_url(request)
    return fhir_response({
        "resourceType": "Bundle", "type": "searchset", "total": len(resources),
        "entry": [{"fullUrl": f"{base}{r['resourceType']}/{r['id']}", "resource": r,
                   "search": {"mode": "match"}} for r in resources],
    })


@fhir_api.get("/{resource_type}", include_in_schema=False)
def search_type(request: HttpRequest, resource_type: str) -> HttpResponse:
    _known_type(resource_type)
    found = repository.search_type(actor=request.user, resource_type=resource_type,
                                   params=_params(request))
    return fhir_response(_searchset(request, found, resource_type))


@fhir_api.get("/Binary/{binary_id}", include_in_schema=False)
def binary(request: HttpRequest, binary_id: str) -> HttpResponse:
    """A report's PDF, drawn now (scoped and audited as the report page is): the PDF itself to
    `Accept: application/pdf`, else a Binary resource with the PDF in `data`."""
    found, visit_id = reports_fhir.binary_of(binary_id), reports_fhir.superbill_of(binary_id)
    if found is not None:
        document, episode_id = found
        report = report_for(actor=request.user, episode_id=episode_id, kind=document.kind,
                            audience=document.audience or Audience.PHYSICIAN)
        pdf, filename = report.pdf, report.filename
    elif visit_id is not None:
        pdf, filename = _superbill_pdf(request, visit_id)
    else:
        return outcome(404, "not-found", f"No Binary/{binary_id}: a report's Binary is named "
                                         "by its DocumentReference's content.attachment.url.")
    if reports_fhir.PDF in request.headers.get("Accept", ""):
        response = HttpResponse(pdf, content_type=reports_fhir.PDF)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
    return fhir_response({
        "resourceType": "Binary", "id": binary_id, "contentType": reports_fhir.PDF,
        "securityContext": {"reference": f"DocumentReference/{binary_id}"},
        "data": base64.b64encode(pdf).decode(),
    })


def _superbill_pdf(request: HttpRequest, visit_id: int) -> tuple[bytes, str]:
    """A signed visit's superbill, for clinicians (as every visit resource under /fhir)."""
    from acuback.accounts.models import CLINICAL_ROLES
    from acuback.billing import documents, selectors

    visit = selectors.billing_visit_get(actor=request.user, visit_id=visit_id,
                                        what="superbill", roles=CLINICAL_ROLES)
    if not visit.is_signed:
        raise NotFoundError(f"visit {visit_id} is not signed: it has no superbill yet")
    pdf = documents.superbill_pdf(selectors.superbill_of_visit(actor=request.user, visit=visit))
    audit_record(actor=request.user, action=Action.EXPORT, object_type="superbill_pdf",
                 object_id=visit.episode.patient_id, outcome=Outcome.OK,
                 clinic_id=visit.clinic_id, detail={"visit": visit.pk, "format": "fhir-binary"})
    return pdf, f"superbill-visit-{visit.pk}.pdf"


@fhir_api.get("/{resource_type}/{resource_id}", include_in_schema=False)
def read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    _known_type(resource_type)
    return fhir_response(repository.read(actor=request.user, resource_type=resource_type,
                                         resource_id=resource_id))

