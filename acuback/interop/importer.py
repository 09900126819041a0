"""Import a FHIR Bundle (transaction or collection): validated first, then all or nothing,
through the same services as every other write path (so access, audit and locks apply).

- Idempotent by identifier: a record whose identifier the clinic already knows is not
  created again (its identifiers are kept in `ExternalIdentifier`). A patient who shares no
  identifier but is a likely duplicate (same names and date of birth, phone or e-mail) is
  imported, with a warning naming the existing record.
- References are resolved inside the Bundle (fullUrl or Type/id), or to the clinic's records.
- Scores are never taken from the file: acuback scores the answers, and an Observation whose
  value differs from that score is reported (a warning; the import still happens).
- Visits (acuback.interop.visit_import) through the visits app's import services: a signed
  visit arrives signed and locked, its source's hash kept beside our own seal.
- Appointments (acuback.interop.appointment_import) through the scheduling app's import
  service, after the visits they link to; past ones keep their status and times.
- Any error refuses the whole Bundle: nothing is written and every bad element is named.
- The form first (acuback.interop.shape): an element of a form FHIR does not give it (a list
  for a CodeableConcept) is refused by its path before any reader runs, as are two entries
  with one fullUrl (FHIR's bdl-7); the other entries are checked, that one once its form is
  right.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from acuback.accounts.access import AccessError, membership_of
from acuback.accounts.models import CLINICAL_ROLES, User
from acuback.assessments.services import assessment_record
from acuback.audit.models import Action, Outcome
from acuback.audit.services import audit_record
from acuback.clinical import instruments
from acuback.episodes.selectors import episode_get
from acuback.episodes.services import EpisodeInput, episode_create
from acuback.interop import (
    appointment_import,
    care_import,
    plan_import,
    screening_import,
    visit_import,
)
from acuback.interop.bundle import (
    Bundle,
    Entry,
    ImportResult,
    clinician,
    existing_episode,
    existing_patient,
    guarded,
    known_record,
    record_of,
    remember,
)
from acuback.interop.parsing import (
    Problems,
    episode_fields,
    medication_fields,
    patient_fields,
    response_fields,
)
from acuback.interop.resources import health, reports
from acuback.interop.resources.common import Kind
from acuback.interop.resources.outcome import Issue
from acuback.interop.resources.visits import KIND_PAINKILLER
from acuback.interop.shape import check_shape
from acuback.patients.models import Patient
from acuback.patients.selectors import patient_get
from acuback.patients.services import (
    LikelyDuplicate,
    PatientInput,
    health_history_of,
    health_history_write,
    patient_create,
)
from acuback.visits.inputs import PainkillerInput
from acuback.visits.painkillers import painkillers_record_intake

# Read for references, never written: the clinic's own directory is not imported.
DIRECTORY = {"Organization", "Practitioner", "PractitionerRole", "Questionnaire", "CodeSystem",
             "Group"}
IMPORTED = {"Patient", "Condition", "EpisodeOfCare", "QuestionnaireResponse", "Observation",
            "MedicationStatement", "DocumentReference", "Appointment", "Consent", "CarePlan",
            *visit_import.VISIT_TYPES}

class ImportRefused(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(f"{len(issues)} problem(s)")
        self.issues = issues


def _entries(bundle: object, problems: Problems) -> list[Entry]:
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        problems.error("Bundle", "send a Bundle resource.", "structure")
        return []
    if bundle.get("type") not in ("transaction", "collection"):
        problems.error("Bundle.type", "acuback imports a transaction or collection Bundle.",
                       "value")
    raw_entries = bundle.get("entry") or []
    if not isinstance(raw_entries, list):
        problems.error("Bundle.entry", "must be a JSON array of entries.", "structure")
        return []
    found: list[Entry] = []
    by_url: dict[str, int] = {}
    for index, raw in enumerate(raw_entries):
        resource = raw.get("resource") if isinstance(raw, dict) else None
        if not isinstance(resource, dict):
            problems.error(f"Bundle.entry[{index}]", "has no resource.", "required")
            continue
        entry = Entry(index, resource, str(raw.get("fullUrl", "")))
        if entry.full_url in by_url:  # FHIR's bdl-7: a fullUrl names one entry of a Bundle
            problems.error(f"Bundle.entry[{index}].fullUrl", f"{entry.full_url!r} is also the "
                           f"fullUrl of Bundle.entry[{by_url[entry.full_url]}]: each entry "
                           "needs its own.", "structure")
            continue
        if entry.full_url:
            by_url[entry.full_url] = index
        if not check_shape(resource, entry.where, problems):
            continue  # no reader sees an element of the wrong form
        if entry.type == "DocumentReference" and reports.is_report(resource):
            problems.append(Issue("information", "informational", "a report is drawn from "
                                  "the record when read: not imported.", entry.where))
            continue
        if entry.type not in IMPORTED | DIRECTORY:
            problems.error(f"{entry.where}.resourceType",
                           f"acuback cannot import {entry.type or 'this'} resources.",
                           "not-supported")
        found.append(entry)
    return found


def bundle_import(*, actor: User, bundle: object) -> ImportResult:
    membership = membership_of(actor)
    if membership is None or membership.role not in CLINICAL_ROLES:
        audit_record(actor=actor, action=Action.CREATE, object_type="fhir_import",
                     outcome=Outcome.DENIED)
        raise AccessError("only owners and practitioners may import records")
    problems = Problems()
    state = Bundle(actor, membership, _entries(bundle, problems))
    _check(state, problems)
    if not any(i.severity == "error" for i in problems):
        with transaction.atomic():
            _write(state, problems)
            if any(i.severity == "error" for i in problems):
                transaction.set_rollback(True)
    errors = [i for i in problems if i.severity == "error"]
    if errors:
        audit_record(actor=actor, action=Action.CREATE, object_type="fhir_import",
                     outcome=Outcome.INVALID,
                     detail={"errors": [f"{i.expression}: {i.diagnostics}" for i in errors][:50]})
        raise ImportRefused(errors)
    state.result.issues = list(problems)
    audit_record(actor=actor, action=Action.CREATE, object_type="fhir_import",
                 outcome=Outcome.OK, detail={"created": state.result.created,
                                             "existing": len(state.result.existing)})
    return state.result


# --- validate everything before writing anything ------------------------------------------


def _check(state: Bundle, problems: Problems) -> None:
    for entry in state.of_type("Patient"):
        patient_fields(entry.resource, entry.where, problems)
    for entry in state.of_type("Condition"):
        _patient_of(state, entry, "subject", problems)
        care = _care_of(state, entry)
        episode_fields(entry.resource, care.resource if care else None, entry.where, problems)
    for entry in state.of_type("EpisodeOfCare"):
        if _condition_of(state, entry) is None:
            problems.error(f"{entry.where}.diagnosis", "must refer to a Condition in this "
                                                       "Bundle (acuback needs its ICD-10-CM "
                                                       "code).", "required")
    for entry in _intake_statements(state, problems):
        medication_fields(entry.resource, entry.where, problems)
    for entry in _health_histories(state):
        _patient_of(state, entry, "subject", problems)
        health.health_answers(entry.resource, entry.where, problems)
    for entry in [*screening_import.screens(state), *screening_import.referrals(state)]:
        _patient_of(state, entry, "subject", problems)
    screening_import.check(state, problems)
    care_import.check(state, problems)
    plan_import.check(state, problems)
    visit_import.check_visits(state, problems)
    appointment_import.check_appointments(state, problems)
    for entry in state.of_type("QuestionnaireResponse"):
        _patient_of(state, entry, "subject", problems)
        fields = response_fields(entry.resource, entry.where, problems)
        if fields:
            _check_scorable(entry, fields, problems)
        if fields and not (state.target(fields["episode"], "EpisodeOfCare")
                           or existing_episode(state, fields["episode"])):
            problems.error(f"{entry.where}.extension", "must name its EpisodeOfCare "
                                                       "(workflow-episodeOfCare), in this "
                                                       "Bundle or of your clinic.", "required")


def _intake_statements(state: Bundle, problems: Problems) -> list[Entry]:
    """MedicationStatements of intake (context: an EpisodeOfCare); those of a visit (context:
    its Encounter) are imported with the visit."""
    found = []
    for entry in state.of_type("MedicationStatement"):
        context = (entry.resource.get("context") or {}).get("reference", "")
        if state.target(context, "Encounter"):
            continue
        if entry.resource.get("status") == "entered-in-error":
            problems.append(Issue("information", "informational",
                                  "a statement entered in error is not imported.", entry.where))
        elif state.target(context, "EpisodeOfCare") or existing_episode(state, context):
            found.append(entry)
        else:
            problems.append(Issue("information", "informational", "a statement whose "
                                  "context is neither an EpisodeOfCare nor an Encounter of "
                                  "this Bundle is not imported.", entry.where))
    return found


def _check_scorable(entry: Entry, fields: dict[str, Any], problems: Problems) -> None:
    """The core's own check of the answers, before anything is written."""
    try:
        result = instruments.score(fields["instrument"], fields["answers"])
    except instruments.AnswerError as exc:
        problems.error(f"{entry.where}.item", str(exc), "value")
        return
    if result.total is None:
        problems.error(f"{entry.where}.item", result.reason or "these answers cannot be scored",
                       "value")


def _patient_of(state: Bundle, entry: Entry, element: str, problems: Problems) -> None:
    reference = (entry.resource.get(element) or {}).get("reference")
    if state.target(reference, "Patient") is None and existing_patient(state, reference) is None:
        problems.error(f"{entry.where}.{element}", f"{reference!r} is no Patient in this Bundle "
                                                   "or of your clinic.", "not-found")


def _condition_of(state: Bundle, care: Entry) -> Entry | None:
    for diagnosis in care.resource.get("diagnosis") or []:
        found = state.target((diagnosis.get("condition") or {}).get("reference"), "Condition")
        if found is not None:
            return found
    return None


def _care_of(state: Bundle, condition: Entry) -> Entry | None:
    for care in state.of_type("EpisodeOfCare"):
        if _condition_of(state, care) is condition:
            return care
    return None


# --- write, through the services ------------------------------------------------------------


def _write(state: Bundle, problems: Problems) -> None:
    for entry in state.of_type("Patient"):
        guarded(state, entry, problems, _import_patient)
    for entry in state.of_type("Condition"):
        guarded(state, entry, problems, _import_episode)
    for entry in state.of_type("QuestionnaireResponse"):
        guarded(state, entry, problems, _import_response)
    for entry in _intake_statements(state, Problems()):
        guarded(state, entry, problems, _import_painkiller)
    for entry in _health_histories(state):
        guarded(state, entry, problems, _import_health)
    # Screens before visits: a visit may be charted only on a screened episode.
    screening_import.write(state, problems)
    care_import.write(state, problems)
    plan_import.write(state, problems)  # after screens (its gate), before visits
    visit_import.write_visits(state, problems)
    appointment_import.write_appointments(state, problems)  # after visits: it links them
    for entry in state.of_type("Observation"):
        if not (health.is_health_history(entry.resource)
                or screening_import.is_screening_data(entry.resource)
                or visit_import.is_visit_measures(entry.resource)):
            _compare_score(state, entry, problems)
    for entry in state.of_type(*DIRECTORY):
        problems.append(Issue("information", "informational",
                              f"{entry.type} is read for references, not imported.",
                              entry.where))


def _import_patient(state: Bundle, entry: Entry, problems: Problems) -> None:
    known = known_record(state, entry, Kind.PATIENT)
    if known is not None:
        state.made[entry.index] = patient_get(actor=state.actor, patient_id=known)
        state.result.existing.append(f"Patient/{known}")
        return
    fields = patient_fields(entry.resource, entry.where, problems)
    fields["practitioner_id"] = _practitioner(state, entry, problems)
    data = PatientInput(**fields)
    try:
        patient = patient_create(actor=state.actor, data=data)
    except LikelyDuplicate as exc:
        # An import is one deliberate act over many records: a likely duplicate (no
        # identifier in common) is registered and named, for a person to check, rather than
        # refusing the whole Bundle. Importing the same Bundle again creates nothing new.
        problems.warn(entry.where, "likely the same person as " + ", ".join(
            f"Patient/{c.patient.pk} ({c.words})" for c in exc.candidates)
            + ": imported as a new patient; check, and merge by hand if it is the same person.")
        patient = patient_create(actor=state.actor, data=data, confirm_duplicate=True)
    remember(state, entry, Kind.PATIENT, patient)


def _practitioner(state: Bundle, entry: Entry, problems: Problems) -> int | None:
    """The practitioner of record, matched by NPI to a clinician of this clinic."""
    reference = ((entry.resource.get("generalPractitioner") or [{}])[0]).get("reference")
    if not reference:
        return None
    match = clinician(state, reference).user
    if match is None:
        problems.warn(f"{entry.where}.generalPractitioner",
                      "no clinician of your clinic has this practitioner's NPI: not kept.")
        return None
    return match.pk


def _patient_record(state: Bundle, reference: str | None) -> Patient:
    target = state.target(reference, "Patient")
    if target is not None:
        return record_of(state, target)
    found = existing_patient(state, reference)
    assert found is not None  # noqa: S101 - checked before writing
    return found


def _import_episode(state: Bundle, entry: Entry, problems: Problems) -> None:
    care = _care_of(state, entry)
    known = known_record(state, entry, Kind.EPISODE)
    if known is not None:
        state.made[entry.index] = episode_get(actor=state.actor, episode_id=known)
        state.result.existing.append(f"Condition/{known}")
    else:
        patient = _patient_record(state, (entry.resource.get("subject") or {}).get("reference"))
        fields = episode_fields(entry.resource, care.resource if care else None, entry.where,
                                problems)
        opened_on, closed_on = fields.pop("opened_on"), fields.pop("closed_on")
        episode = episode_create(actor=state.actor, patient=patient,
                                 data=EpisodeInput(**fields), opened_on=opened_on,
                                 closed_on=closed_on)
        remember(state, entry, Kind.EPISODE, episode)
    if care is not None:
        state.made[care.index] = state.made[entry.index]


def _import_response(state: Bundle, entry: Entry, problems: Problems) -> None:
    known = known_record(state, entry, Kind.ASSESSMENT)
    if known is not None:
        state.result.existing.append(f"QuestionnaireResponse/{known}")
        state.made[entry.index] = known
        return
    fields = response_fields(entry.resource, entry.where, problems)
    care = state.target(fields.pop("episode"), "EpisodeOfCare")
    episode = record_of(state, care) if care is not None else existing_episode(
        state, entry.resource.get("extension", [{}])[0].get("valueReference", {})
        .get("reference"))
    assessment = assessment_record(actor=state.actor, episode=episode, **fields)
    remember(state, entry, Kind.ASSESSMENT, assessment)


def _import_painkiller(state: Bundle, entry: Entry, problems: Problems) -> None:
    known = known_record(state, entry, KIND_PAINKILLER)
    if known is not None:
        state.result.existing.append(f"MedicationStatement/{known}")
        return
    fields = medication_fields(entry.resource, entry.where, problems)
    context = (entry.resource.get("context") or {}).get("reference")
    care = state.target(context, "EpisodeOfCare")
    episode = record_of(state, care) if care is not None else existing_episode(state, context)
    fields["dose"] = Decimal(str(fields["dose"]))
    (row,) = painkillers_record_intake(actor=state.actor, episode=episode,
                                       uses=[PainkillerInput(**fields)])
    remember(state, entry, KIND_PAINKILLER, row)


def _health_histories(state: Bundle) -> list[Entry]:
    return [e for e in state.of_type("Observation") if health.is_health_history(e.resource)]


def _import_health(state: Bundle, entry: Entry, problems: Problems) -> None:
    """The answers, each with who gave it; never over a history the clinic already took (its
    answers are newer than the file's or the file's patient is someone else's record)."""
    known = known_record(state, entry, health.KIND_HEALTH)
    if known is not None:
        state.result.existing.append(f"Observation/health-{known}")
        return
    patient = _patient_record(state, (entry.resource.get("subject") or {}).get("reference"))
    current = health_history_of(patient)
    if current.taken:
        problems.warn(entry.where, f"Patient/{patient.pk} already has a health history: "
                                   "the file's answers are not written over it.")
        return
    answers = health.health_answers(entry.resource, entry.where, problems)
    by_source: dict[tuple[str, bool], dict[str, Any]] = {}
    for key, (answer, source, confirmed) in answers.items():
        if key == "pregnancy_weeks":  # written with the question it depends on
            _, source, confirmed = answers.get("pregnant", (None, source, confirmed))
        by_source.setdefault((source, confirmed), {})[key] = answer
    for (source, confirmed), part in sorted(by_source.items()):
        current = health_history_write(actor=state.actor, patient=patient, answers=part,
                                       version=current.version, source=source,
                                       confirmed=confirmed)
    remember(state, entry, health.KIND_HEALTH, current)
    state.result.created[-1] = f"Observation/health-{current.pk}"


def _compare_score(state: Bundle, entry: Entry, problems: Problems) -> None:
    """acuback scored the answers itself; say so where the file's score differs."""
    derived = [d.get("reference") for d in entry.resource.get("derivedFrom") or []]
    response = next((state.target(r, "QuestionnaireResponse") for r in derived
                     if state.target(r, "QuestionnaireResponse")), None)
    if response is None or response.index not in state.made:
        problems.append(Issue("information", "informational", "an Observation not derived "
                              "from a QuestionnaireResponse in this Bundle is not imported.",
                              entry.where))
        return
    fields = response_fields(response.resource, response.where, Problems())
    ours = instruments.score(fields["instrument"], fields["answers"]).total
    theirs = (entry.resource.get("valueQuantity") or {}).get("value")
    if theirs is not None and ours is not None and abs(float(theirs) - float(ours)) > 1e-9:
        problems.warn(f"{entry.where}.valueQuantity.value",
                      f"the file says {theirs}; acuback scores these answers {ours} and "
                      "stored its own score.")
