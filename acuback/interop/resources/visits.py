"""A visit in FHIR: the Encounter (the visit), the Procedure (the needling session: SNOMED CT
acupuncture and the CPT codes billed, each point a bodySite in the acupoint CodeSystem), one
Observation of its measurements (pain before and after, mobility, needle counts), the visit
note as a DocumentReference with each amendment appending to or replacing it, a Provenance
for the signature, AdverseEvents linked to the Procedure, MedicationStatements for the
painkillers.

SNOMED CT 44868003 |Acupuncture (procedure)|: checked against the UK research code set of
acupuncture concepts (gm-sde, built from the SNOMED CT browser), where 231088001 is laser
acupuncture and 231102004 electrical stimulation of an acupuncture needle; DOMAIN.md 2.2.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from acuback.interop.resources.common import (
    CODE_SYSTEM,
    EXTENSION,
    SNOMED,
    Identities,
    Json,
    coding,
    concept,
    extension,
    reference,
    without_empty,
)
from acuback.interop.resources.terminology import ACUPOINT_SYSTEM
from acuback.visits.models import (
    AdverseEvent,
    Amendment,
    AmendmentKind,
    PainkillerUse,
    Visit,
    VisitStatus,
)

KIND_VISIT = "visit"
KIND_ADVERSE_EVENT = "adverse_event"
KIND_PAINKILLER = "painkiller"
KIND_AMENDMENT = "amendment"
CPT = "http://www.ama-assn.org/go/cpt"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
MEASURE_SYSTEM = f"{CODE_SYSTEM}/visit-measure"
SNOMED_ACUPUNCTURE = coding(SNOMED, "44868003", "Acupuncture")


def _in_error(visit: Visit) -> bool:
    return any(a.kind == AmendmentKind.ENTERED_IN_ERROR for a in visit.amendments.all())


def _ids(ids: Identities, kind: str, row: Any) -> list[Json]:
    return ids.identifiers(kind, row.clinic_id, row.pk)


def _period(visit: Visit) -> Json:
    period = {"start": visit.started_at.isoformat()}
    if visit.ended_at:
        period["end"] = visit.ended_at.isoformat()
    return period


def encounter(visit: Visit, ids: Identities) -> Json:
    status = ("entered-in-error" if _in_error(visit) else
              "finished" if visit.status == VisitStatus.SIGNED else "in-progress")
    return without_empty({
        "resourceType": "Encounter",
        "id": str(visit.pk),
        "meta": _meta(visit),
        "extension": [extension("visit-number", "Integer", visit.number),
                      *([extension("room", "String", visit.room)] if visit.room else [])],
        "identifier": _ids(ids, KIND_VISIT, visit),
        "status": status,
        "class": coding(ACT_CODE, "AMB", "ambulatory"),
        "subject": reference("Patient", visit.episode.patient_id),
        "episodeOfCare": [reference("EpisodeOfCare", visit.episode_id)],
        "participant": [{"individual": reference("Practitioner", visit.practitioner_id)}],
        "period": _period(visit),
        "reasonReference": [reference("Condition", visit.episode_id)],
        "serviceProvider": reference("Organization", visit.clinic_id),
    })


# The needling of one point (STRICTA 2b-2g), as extensions of its bodySite: the value type of
# each, and the VisitPoint field it carries. A value not recorded is left out.
POINT_EXTENSIONS = (
    ("point-side", "Code", "side"),
    ("ashi-location", "String", "ashi_location"),
    ("needle-depth-mm", "Decimal", "depth_mm"),
    ("needle-angle", "Code", "angle"),
    ("needle-diameter-mm", "Decimal", "gauge_mm"),
    ("needle-length-mm", "Integer", "length_mm"),
    ("needle-manufacturer", "String", "manufacturer"),
    ("needle-lot", "String", "lot"),
    ("stimulation", "Code", "stimulation"),
    ("estim-frequency-hz", "Decimal", "estim_hz"),
    ("estim-intensity-ma", "Decimal", "estim_ma"),
    ("electrode-pair", "Integer", "electrode_pair"),
    ("de-qi", "Boolean", "de_qi"),
    ("override-reason", "String", "override_reason"),
)
# The session's own details, as extensions of the Procedure (the Visit field each carries).
PROCEDURE_EXTENSIONS = (
    ("retention-minutes", "Integer", "retention_minutes"),
    ("minutes-without-estim", "Integer", "minutes_without_estim"),
    ("minutes-with-estim", "Integer", "minutes_with_estim"),
    ("needle-insertions", "Integer", "insertions"),
    ("needle-mismatch-reason", "Code", "needle_mismatch_reason"),
    ("needle-mismatch-note", "String", "needle_mismatch_note"),
    ("adjunct-note", "String", "adjunct_note"),
    ("cpt-rule-version", "String", "cpt_rule_version"),
)
# The visit note's parts, as extensions of its DocumentReference, so that an importer reads
# each part back whole (the attachment is the note as one text, for people).
NOTE_SECTIONS = (
    ("subjective", "Subjective"), ("objective", "Objective"), ("assessment", "Assessment"),
    ("plan_note", "Plan"), ("next_visit", "Next visit"),
)
NOTE_EXTENSION = "note-section-"
IMPORTED_TAG = coding(f"{CODE_SYSTEM}/record-origin", "imported", "Imported from another system")


def value_extensions(row: Any, table: tuple[tuple[str, str, str], ...]) -> list[Json]:
    """One extension per recorded value (None and "" are not recorded)."""
    found = []
    for name, value_type, field in table:
        value = getattr(row, field)
        if value is None or value == "":
            continue
        found.append(extension(name, value_type, _number(value) if value_type == "Decimal"
                               else value))
    return found


def _body_site(point: Any) -> Json:
    text = f"{point.label} ({point.side})"
    site: Json = {"extension": value_extensions(point, POINT_EXTENSIONS)}
    if point.code:  # an Ashi point has no code: its location is the text
        site["coding"] = [coding(ACUPOINT_SYSTEM, point.code)]
    site["text"] = text
    return site


def _cpt_lines(visit: Visit) -> list[Json]:
    """Every CPT line billed (Procedure.code holds the first as the procedure's code)."""
    return [{"url": f"{EXTENSION}/cpt-line", "extension": [
        {"url": "code", "valueCoding": coding(CPT, line["code"])},
        {"url": "units", "valueInteger": line["units"]}]}
        for line in (visit.cpt or {}).get("lines", [])]


def _meta(visit: Visit) -> Json | None:
    return {"tag": [IMPORTED_TAG]} if visit.imported_at else None


def procedure(visit: Visit, ids: Identities) -> Json:
    status = ("entered-in-error" if _in_error(visit) else
              "completed" if visit.status == VisitStatus.SIGNED else "in-progress")
    cpt = [coding(CPT, line["code"]) for line in (visit.cpt or {}).get("lines", [])[:1]]
    return without_empty({
        "resourceType": "Procedure",
        "id": str(visit.pk),
        "meta": _meta(visit),
        "extension": [*value_extensions(visit, PROCEDURE_EXTENSIONS),
                      *[extension("adjunct", "Code", a) for a in visit.adjuncts or []],
                      *_cpt_lines(visit)],
        "identifier": _ids(ids, KIND_VISIT, visit),
        "status": status,
        "code": {"coding": [SNOMED_ACUPUNCTURE, *cpt], "text": "Acupuncture"},
        "subject": reference("Patient", visit.episode.patient_id),
        "encounter": reference("Encounter", visit.pk),
        "performedPeriod": _period(visit),
        "performer": [{"actor": reference("Practitioner", visit.practitioner_id)}],
        "reasonReference": [reference("Condition", visit.episode_id)],
        "bodySite": [_body_site(p) for p in visit.points.all()],
    })


# (field, code in acuback's measure system, LOINC where one fits, UCUM unit)
MEASURES = (
    ("pain_before", "pain-before", "72514-3", "{score}"),
    ("pain_after", "pain-after", "72514-3", "{score}"),
    ("finger_floor_cm", "finger-floor-distance", None, "cm"),
    ("schober_cm", "modified-schober", None, "cm"),
    ("slr_left_deg", "straight-leg-raise-left", None, "deg"),
    ("slr_right_deg", "straight-leg-raise-right", None, "deg"),
    ("needles_in", "needles-inserted", None, "{needles}"),
    ("needles_out", "needles-removed", None, "{needles}"),
)


def _number(value: Any) -> int | float:
    return float(value) if isinstance(value, Decimal) else value


def visit_observation(visit: Visit, ids: Identities) -> Json:
    """What was measured at the visit; a measure not taken is left out (not asked is not 0)."""
    components = []
    for field, code, loinc, unit in MEASURES:
        value = getattr(visit, field)
        if value is None:
            continue
        codes = [coding(LOINC, loinc)] if loinc else []
        components.append({
            "code": {"coding": [*codes, coding(MEASURE_SYSTEM, code)],
                     "text": code.replace("-", " ")},
            "valueQuantity": {"value": _number(value), "system": UCUM, "code": unit,
                              "unit": unit.strip("{}")},
        })
    if visit.painkillers_taken is not None:
        components.append({"code": concept(MEASURE_SYSTEM, "painkillers-taken",
                                           text="painkillers taken in the last week"),
                           "valueBoolean": visit.painkillers_taken})
    return without_empty({
        "resourceType": "Observation",
        "id": f"visit-{visit.pk}",
        "extension": [*[extension("pain-region", "Code", r) for r in visit.pain_regions or []],
                      *([extension("pain-outline-version", "String",
                                   visit.pain_outline_version)]
                        if visit.pain_regions and visit.pain_outline_version else [])],
        "identifier": _ids(ids, KIND_VISIT, visit),
        "status": "entered-in-error" if _in_error(visit) else (
            "final" if visit.status == VisitStatus.SIGNED else "preliminary"),
        "category": [concept("http://terminology.hl7.org/CodeSystem/observation-category",
                             "procedure", "Procedure")],
        "code": concept(MEASURE_SYSTEM, "visit-measurements", text="visit measurements"),
        "subject": reference("Patient", visit.episode.patient_id),
        "encounter": reference("Encounter", visit.pk),
        "effectiveDateTime": visit.started_at.isoformat(),
        "partOf": [reference("Procedure", visit.pk)],
        "component": components,
        # obs-6: with no measure at all, say why there is no value.
        **({} if components else {"dataAbsentReason": concept(
            "http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-asked")}),
    })


def _text(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


def visit_note(visit: Visit, ids: Identities) -> Json:
    """The visit note (SOAP) as a document; amendments refer to it."""
    sections = [(field, label, getattr(visit, field)) for field, label in NOTE_SECTIONS]
    note = "\n\n".join(f"{label}: {text}" for _, label, text in sections if text)
    return without_empty({
        "resourceType": "DocumentReference",
        "id": f"visit-{visit.pk}",
        "extension": [extension(NOTE_EXTENSION + field.replace("_", "-"), "String", text)
                      for field, _, text in sections if text],
        "identifier": _ids(ids, KIND_VISIT, visit),
        "status": "entered-in-error" if _in_error(visit) else "current",
        "docStatus": "final" if visit.status == VisitStatus.SIGNED else "preliminary",
        "type": concept(LOINC, "11506-3", "Progress note"),
        "subject": reference("Patient", visit.episode.patient_id),
        "date": (visit.signed_at or visit.updated_at).isoformat(),
        "author": [reference("Practitioner", visit.practitioner_id)],
        "content": [{"attachment": {"contentType": "text/plain; charset=utf-8",
                                    "data": _text(note or "(no note)")}}],
        "context": {"encounter": [reference("Encounter", visit.pk)]},
    })


# An addendum or late entry adds to the note; a correction replaces part of it; an entry made
# in error replaces it with the statement that it was in error (FHIR document-relationship-type).
RELATION = {AmendmentKind.ADDENDUM: "appends", AmendmentKind.LATE_ENTRY: "appends",
            AmendmentKind.CORRECTION: "replaces", AmendmentKind.ENTERED_IN_ERROR: "replaces"}


def amendment_document(amendment: Amendment, ids: Identities) -> Json:
    visit = amendment.visit
    body = amendment.text or amendment.reason
    return without_empty({
        "resourceType": "DocumentReference",
        "id": f"amendment-{amendment.pk}",
        "extension": [
            *([extension("amendment-section", "Code", amendment.section)]
              if amendment.section else []),
            *([extension("late-entry-refers-to", "DateTime", amendment.refers_to.isoformat())]
              if amendment.refers_to else []),
        ],
        "identifier": ids.identifiers(KIND_AMENDMENT, visit.clinic_id, amendment.pk),
        "status": "current",
        "docStatus": "amended",
        "type": concept(f"{CODE_SYSTEM}/amendment-kind", amendment.kind,
                        amendment.get_kind_display()),
        "subject": reference("Patient", visit.episode.patient_id),
        "date": amendment.at.isoformat(),
        "author": [reference("Practitioner", amendment.author_id)],
        "description": amendment.reason,
        "relatesTo": [{"code": RELATION[AmendmentKind(amendment.kind)],
                       "target": {"reference": f"DocumentReference/visit-{visit.pk}"}}],
        "content": [{"attachment": {"contentType": "text/plain; charset=utf-8",
                                    "data": _text(body)}}],
        "context": {"encounter": [reference("Encounter", visit.pk)]},
    })


def signature_provenance(visit: Visit, ids: Identities) -> Json | None:
    """Who signed the visit and when; the signed content's SHA-256 is the signature data."""
    if visit.signed_at is None:
        return None
    who = reference("Practitioner", visit.signed_by_id)
    extensions = []
    if visit.imported_hash:  # what the source system signed, kept beside our own seal
        extensions.append(extension("source-signature", "String",
                                    f"sha256:{visit.imported_hash}"))
    if visit.imported_signer:
        extensions.append(extension("source-signer", "String", visit.imported_signer))
    return without_empty({
        "resourceType": "Provenance",
        "id": f"visit-{visit.pk}",
        "meta": _meta(visit),
        "extension": extensions,
        "target": [reference("Encounter", visit.pk), reference("Procedure", visit.pk),
                   {"reference": f"DocumentReference/visit-{visit.pk}"}],
        "recorded": visit.signed_at.isoformat(),
        "activity": concept("http://terminology.hl7.org/CodeSystem/v3-DocumentCompletion",
                            "LA", "legally authenticated"),
        "agent": [{"type": concept(
            "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "verifier",
            "Verifier"), "who": who}],
        "signature": [{
            "type": [coding("urn:iso-astm:E1762-95:2013", "1.2.840.10065.1.12.1.1",
                            "Author's Signature")],
            "when": visit.signed_at.isoformat(),
            "who": who,
            "sigFormat": "text/plain",
            "data": _text(f"sha256:{visit.content_hash}"),
        }],
    })


SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
AE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"


def adverse_event(event: AdverseEvent, ids: Identities) -> Json:
    extensions = [extension("adverse-event-reporter", "Code", event.reporter)]
    if event.in_error_at:
        extensions.append(extension("entered-in-error", "String", event.in_error_reason))
    if event.action:
        extensions.append(extension("adverse-event-action", "String", event.action))
    extensions += [extension("adverse-event-point", "String", p) for p in event.points or []]
    extensions += [extension("needle-lot", "String", lot) for lot in event.lots or []]
    if event.from_needle_count:
        extensions.append(extension("from-needle-count", "Boolean", True))
    return without_empty({
        "resourceType": "AdverseEvent",
        "id": str(event.pk),
        "extension": extensions,
        "identifier": _ids(ids, KIND_ADVERSE_EVENT, event)[0],
        "actuality": "actual",
        "event": concept(f"{CODE_SYSTEM}/adverse-event-type", event.kind,
                         event.get_kind_display(), text=event.description or None),
        "subject": reference("Patient", event.episode.patient_id),
        "encounter": reference("Encounter", event.visit_id),
        "date": event.onset_at.isoformat(),
        "recordedDate": event.recorded_at.isoformat(),
        "recorder": reference("Practitioner", event.recorded_by_id),
        "seriousness": concept(SERIOUSNESS, "serious" if event.serious else "non-serious",
                               "Serious" if event.serious else "Non-serious"),
        "severity": concept(SEVERITY, event.severity, event.get_severity_display()),
        "outcome": concept(AE_OUTCOME, event.outcome, event.get_outcome_display()),
        "suspectEntity": [{
            "instance": reference("Procedure", event.visit_id),
            "causality": [{"assessment": concept(f"{CODE_SYSTEM}/causality", event.causality,
                                                 event.get_causality_display())}],
        }],
    })


def medication_statement(use: PainkillerUse, ids: Identities) -> Json:
    dose: Json = {"value": _number(use.dose), "unit": use.unit}
    return without_empty({
        "resourceType": "MedicationStatement",
        "id": str(use.pk),
        "extension": [
            extension("days-taken-last-week", "Integer", use.days_last_week),
            extension("drug-class", "Code", use.drug_class),
            *([extension("mme-per-day", "Decimal", _number(use.mme_per_day))]
              if use.mme_per_day is not None else []),
        ],
        "identifier": _ids(ids, KIND_PAINKILLER, use),
        "status": "entered-in-error" if use.in_error_at else "active",
        "medicationCodeableConcept": concept(f"{CODE_SYSTEM}/analgesic", use.drug, use.name,
                                             text=use.name),
        "subject": reference("Patient", use.episode.patient_id),
        # At a visit, its Encounter; at intake (before care began), the episode.
        "context": reference("Encounter", use.visit_id) if use.visit_id
        else reference("EpisodeOfCare", use.episode_id),
        "dateAsserted": use.recorded_at.isoformat(),
        "dosage": [{"text": f"{use.dose:g} {use.unit} {use.times_a_day} times a day",
                    "timing": {"repeat": {"frequency": use.times_a_day, "period": 1,
                                          "periodUnit": "d"}},
                    "doseAndRate": [{"doseQuantity": dose}]}],
    })
