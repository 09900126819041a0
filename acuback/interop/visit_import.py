"""Visits from a FHIR Bundle: each Encounter, with the Procedure, Observation, note, Provenance,
MedicationStatements, amendments and AdverseEvents that refer to it, becomes one visit written
by the visits app's own import services (acuback.visits.imports: the same checks, audit and
clinic scoping as a visit charted here).

- A signed visit (a Provenance targets it) arrives signed and locked: signed_at from the file,
  the signer the clinician of this clinic with the signer's NPI (else the importing user, with
  the source's signer named on the visit), the source's hash kept beside our own seal.
- A visit whose identifier the clinic knows is never written again; its amendments and adverse
  events the clinic does not know yet are added (each is idempotent by its own identifier).
- CPT lines are derived by acuback from the minutes, like scores: a file whose lines differ is
  reported (a warning).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from acuback.interop.bundle import (
    Bundle,
    Entry,
    clinician,
    existing_episode,
    guarded,
    known_record,
    record_of,
    remember,
)
from acuback.interop.parsing import Problems, extension, instant, medication_fields
from acuback.interop.resources.common import CODE_SYSTEM, EXTENSION, Json
from acuback.interop.resources.terminology import ACUPOINT_SYSTEM
from acuback.interop.resources.visits import (
    CPT,
    KIND_ADVERSE_EVENT,
    KIND_AMENDMENT,
    KIND_PAINKILLER,
    KIND_VISIT,
    MEASURE_SYSTEM,
    MEASURES,
    NOTE_EXTENSION,
    NOTE_SECTIONS,
    POINT_EXTENSIONS,
    PROCEDURE_EXTENSIONS,
)
from acuback.visits.adverse import AdverseEventInput
from acuback.visits.imports import (
    SourceSignature,
    adverse_event_record_imported,
    amendment_record_imported,
    visit_record_imported,
)
from acuback.visits.inputs import PainkillerInput, PointInput, VisitInput
from acuback.visits.models import AdverseEvent, Visit

VISIT_TYPES = {"Encounter", "Procedure", "Provenance", "AdverseEvent"}
NOTE_TYPE = "11506-3"  # LOINC Progress note: the visit note's DocumentReference


@dataclass
class VisitEntries:
    """An Encounter and the entries that refer to it."""

    encounter: Entry
    procedure: Entry | None = None
    measures: Entry | None = None
    note: Entry | None = None
    provenance: Entry | None = None
    painkillers: list[Entry] = field(default_factory=list)
    amendments: list[Entry] = field(default_factory=list)
    events: list[Entry] = field(default_factory=list)


def _ref(node: Any) -> str:
    return str((node or {}).get("reference") or "") if isinstance(node, dict) else ""


def is_visit_measures(resource: Json) -> bool:
    return any(c.get("system") == MEASURE_SYSTEM and c.get("code") == "visit-measurements"
               for c in (resource.get("code") or {}).get("coding") or [])


def is_amendment(resource: Json) -> bool:
    return bool(resource.get("relatesTo")) and resource.get("docStatus") == "amended"


def grouped(state: Bundle) -> list[VisitEntries]:
    """Each Encounter of the Bundle with its parts, in the order the visits happened."""
    visits = {e.index: VisitEntries(e) for e in state.of_type("Encounter")}

    def of(reference: str) -> VisitEntries | None:
        found = state.target(reference, "Encounter")
        return visits.get(found.index) if found is not None else None

    for entry in state.entries:
        r = entry.resource
        if entry.type == "Procedure" and (v := of(_ref(r.get("encounter")))):
            v.procedure = entry
        elif entry.type == "Observation" and is_visit_measures(r) and (
                v := of(_ref(r.get("encounter")))):
            v.measures = entry
        elif entry.type == "DocumentReference" and (v := of(next(
                iter(_ref(e) for e in (r.get("context") or {}).get("encounter") or []), ""))):
            if is_amendment(r):
                v.amendments.append(entry)
            else:
                v.note = entry
        elif entry.type == "Provenance" and (v := next(
                (of(_ref(t)) for t in r.get("target") or [] if of(_ref(t))), None)):
            v.provenance = entry
        elif entry.type == "MedicationStatement" and (v := of(_ref(r.get("context")))):
            v.painkillers.append(entry)
        elif entry.type == "AdverseEvent" and (v := of(_ref(r.get("encounter")))):
            v.events.append(entry)
    return sorted(visits.values(), key=lambda v: str(
        (v.encounter.resource.get("period") or {}).get("start", "")))


def parts_of_visits(state: Bundle) -> set[int]:
    """Indexes of the entries a visit takes (so nothing else imports them)."""
    found: set[int] = set()
    for v in grouped(state):
        found |= {e.index for e in (v.encounter, v.procedure, v.measures, v.note, v.provenance,
                                    *v.painkillers, *v.amendments, *v.events) if e is not None}
    return found


# --- reading ------------------------------------------------------------------------------


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal("NaN")  # refused by the visit's own range checks


def _values(element: Json, table: tuple[tuple[str, str, str], ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value_type, field_name in table:
        value = extension(element, name)
        if value is not None:
            found[field_name] = _decimal(value) if value_type == "Decimal" else value
    return found


def _all(element: Json, name: str) -> list[Any]:
    url = f"{EXTENSION}/{name}"
    return [next((v for k, v in e.items() if k.startswith("value")), None)
            for e in element.get("extension") or [] if e.get("url") == url]


def _point(site: Json) -> PointInput:
    values = _values(site, POINT_EXTENSIONS)
    code = next((c.get("code", "") for c in site.get("coding") or []
                 if c.get("system") == ACUPOINT_SYSTEM), "")
    side = values.pop("side", "")
    if not code and "ashi_location" not in values:  # an Ashi point from elsewhere: its text
        values["ashi_location"] = str(site.get("text", "")).removeprefix("Ashi: ")
    return PointInput(code=code, side=side, **values)


def _measures(resource: Json | None) -> dict[str, Any]:
    if resource is None:
        return {}
    by_code = {code: field_name for field_name, code, _, _ in MEASURES}
    found: dict[str, Any] = {"pain_regions": [str(r) for r in _all(resource, "pain-region")]}
    for component in resource.get("component") or []:
        code = next((c.get("code") for c in (component.get("code") or {}).get("coding") or []
                     if c.get("system") == MEASURE_SYSTEM), None)
        if code == "painkillers-taken":
            found["painkillers_taken"] = component.get("valueBoolean")
        elif code in by_code:
            value = (component.get("valueQuantity") or {}).get("value")
            decimal = by_code[code] in ("finger_floor_cm", "schober_cm")
            found[by_code[code]] = _decimal(value) if decimal else value
    return found


def _note(resource: Json | None) -> dict[str, str]:
    if resource is None:
        return {}
    return {name: str(extension(resource, NOTE_EXTENSION + name.replace("_", "-")) or "")
            for name, _ in NOTE_SECTIONS}


def _painkiller(entry: Entry, problems: Problems) -> PainkillerInput | None:
    fields = medication_fields(entry.resource, entry.where, problems)
    if fields["dose"] is None or fields["times_a_day"] is None or fields["days_last_week"] is None:
        return None
    return PainkillerInput(drug=fields["drug"], dose=Decimal(str(fields["dose"])),
                           times_a_day=fields["times_a_day"],
                           days_last_week=fields["days_last_week"], name=fields["name"])


def visit_input(v: VisitEntries, problems: Problems) -> VisitInput:
    encounter = v.encounter.resource
    period = encounter.get("period") or {}
    procedure = v.procedure.resource if v.procedure else {}
    values: dict[str, Any] = {
        "started_at": instant(period.get("start"), f"{v.encounter.where}.period.start",
                              problems, required=True),
        "ended_at": instant(period.get("end"), f"{v.encounter.where}.period.end", problems,
                            required=False),
        "room": str(extension(encounter, "room") or ""),
        **{k: val for k, val in _values(procedure, PROCEDURE_EXTENSIONS).items()
           if k != "cpt_rule_version"},
        "adjuncts": [str(a) for a in _all(procedure, "adjunct")],
        "points": [_point(site) for site in procedure.get("bodySite") or []],
        **_measures(v.measures.resource if v.measures else None),
        **_note(v.note.resource if v.note else None),
    }
    values["painkillers"] = [p for e in v.painkillers
                             if e.resource.get("status") != "entered-in-error"
                             and (p := _painkiller(e, problems)) is not None]
    return VisitInput(**values)


def source_hash(provenance: Json) -> str:
    """The SHA-256 the source sealed, from Provenance.signature.data ("sha256:<hex>", base64)
    or acuback's source-signature extension."""
    for signature in provenance.get("signature") or []:
        try:
            text = base64.b64decode(str(signature.get("data", "")), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            continue
        if text.startswith("sha256:") and len(text) == 71:
            return text[7:]
    own = str(extension(provenance, "source-signature") or "")
    return own[7:] if own.startswith("sha256:") else ""


def _cpt_lines(procedure: Json) -> list[tuple[str, int]]:
    lines = []
    for ext in procedure.get("extension") or []:
        if ext.get("url") != f"{EXTENSION}/cpt-line":
            continue
        parts = {p.get("url"): p for p in ext.get("extension") or []}
        code = (parts.get("code") or {}).get("valueCoding", {})
        if code.get("system") == CPT:
            lines.append((str(code.get("code")), int((parts.get("units") or {}).get(
                "valueInteger", 0))))
    return lines


# --- checking before anything is written --------------------------------------------------


def check_visits(state: Bundle, problems: Problems) -> None:
    for v in grouped(state):
        where = v.encounter.where
        care = _ref(next(iter(v.encounter.resource.get("episodeOfCare") or []), {}))
        if not (state.target(care, "EpisodeOfCare") or existing_episode(state, care)):
            problems.error(f"{where}.episodeOfCare", "must refer to an EpisodeOfCare in this "
                                                     "Bundle or of your clinic.", "required")
        if v.procedure is None:
            problems.error(where, "a visit needs its Procedure (the needling session) in the "
                                  "Bundle.", "required")
        visit_input(v, problems)
        if v.provenance is not None:
            recorded = v.provenance.resource.get("recorded")
            instant(recorded, f"{v.provenance.where}.recorded", problems, required=True)
        for entry in v.amendments:
            instant(entry.resource.get("date"), f"{entry.where}.date", problems, required=True)
        for entry in v.events:
            _event_input(entry, problems)
    taken = parts_of_visits(state)
    for entry in state.of_type(*VISIT_TYPES - {"Encounter"}, "DocumentReference"):
        if entry.index not in taken:
            problems.error(entry.where, f"this {entry.type} refers to no Encounter in the "
                                        "Bundle.", "not-found")


# --- writing ------------------------------------------------------------------------------


def write_visits(state: Bundle, problems: Problems) -> None:
    for v in grouped(state):
        guarded(state, v.encounter, problems, lambda s, e, p, v=v: _import_visit(s, v, p))


def _episode(state: Bundle, v: VisitEntries) -> Any:
    care = _ref(next(iter(v.encounter.resource.get("episodeOfCare") or []), {}))
    target = state.target(care, "EpisodeOfCare")
    return record_of(state, target) if target is not None else existing_episode(state, care)


def _person(state: Bundle, reference: str, where: str, problems: Problems, what: str
            ) -> tuple[Any, str]:
    """(the clinician of this clinic with the NPI, else the importing user; the file's name
    for them when not matched)."""
    found = clinician(state, reference)
    if found.user is not None:
        return found.user, ""
    problems.warn(where, f"no clinician of your clinic has the NPI of {found.words}: the "
                         f"{what} is recorded as yours, naming them.")
    return state.actor, found.words


def _import_visit(state: Bundle, v: VisitEntries, problems: Problems) -> None:
    pk = known_record(state, v.encounter, KIND_VISIT)
    if pk is not None:
        visit = Visit.objects.get(pk=pk, clinic=state.membership.clinic)
        state.made[v.encounter.index] = visit  # for an appointment that links to it
        state.result.existing.append(f"Encounter/{pk}")
    else:
        visit = _new_visit(state, v, problems)
    for entry in sorted(v.amendments, key=lambda e: str(e.resource.get("date", ""))):
        _import_amendment(state, visit, entry, problems)
    for entry in v.events:
        _import_event(state, visit, entry, problems)


def _new_visit(state: Bundle, v: VisitEntries, problems: Problems) -> Visit:
    data = visit_input(v, problems)
    encounter = v.encounter.resource
    who = _ref(next(iter(encounter.get("participant") or []), {}).get("individual"))
    practitioner, _ = _person(state, who, f"{v.encounter.where}.participant", problems, "visit")
    signature = None
    if v.provenance is not None:
        provenance = v.provenance.resource
        signed = (provenance.get("signature") or [{}])[0]
        signer_ref = _ref(signed.get("who")) or _ref(
            next(iter(provenance.get("agent") or []), {}).get("who"))
        signer, words = _person(state, signer_ref, f"{v.provenance.where}.signature",
                                problems, "signature")
        signed_at = instant(provenance.get("recorded"), f"{v.provenance.where}.recorded",
                            Problems(), required=True)
        assert signed_at is not None  # noqa: S101 - checked before writing
        signature = SourceSignature(signed_at=signed_at, signer=signer,
                                    source_hash=source_hash(provenance), source_signer=words)
    recorded = visit_record_imported(actor=state.actor, episode=_episode(state, v),
                                     practitioner=practitioner, data=data, signature=signature)
    visit = recorded.visit
    for name, messages in recorded.cautions.items():
        for message in messages:
            problems.warn(f"{v.procedure.where if v.procedure else v.encounter.where} ({name})",
                          f"recorded as it happened, though {message[:1].lower()}{message[1:]}")
    remember(state, v.encounter, KIND_VISIT, visit)
    for entry in (v.procedure, v.measures, v.note, v.provenance):
        if entry is not None:
            state.made[entry.index] = visit
    for entry, row in zip([e for e in v.painkillers
                           if e.resource.get("status") != "entered-in-error"],
                          visit.painkillers.all(), strict=False):
        remember(state, entry, KIND_PAINKILLER, row)
    number = encounter_number(encounter)
    if number is not None and number != visit.number:
        problems.warn(f"{v.encounter.where}.extension", f"visit {number} of the file is "
                                                        f"visit {visit.number} here.")
    theirs = _cpt_lines(v.procedure.resource) if v.procedure else []
    ours = [(line["code"], line["units"]) for line in (visit.cpt or {}).get("lines", [])]
    if theirs and theirs != ours:
        problems.warn(f"{v.procedure.where}.extension" if v.procedure else v.encounter.where,
                      f"the file bills {theirs}; acuback derives {ours} from the minutes and "
                      "stored its own.")
    return visit


def encounter_number(encounter: Json) -> int | None:
    value = extension(encounter, "visit-number")
    return value if isinstance(value, int) else None


def _text(resource: Json) -> str:
    attachment = ((resource.get("content") or [{}])[0]).get("attachment") or {}
    try:
        return base64.b64decode(str(attachment.get("data", ""))).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ""


def _import_amendment(state: Bundle, visit: Visit, entry: Entry, problems: Problems) -> None:
    if known_record(state, entry, KIND_AMENDMENT) is not None:
        state.result.existing.append(f"DocumentReference/{entry.resource.get('id')}")
        return
    r = entry.resource
    kind = next((c.get("code") for c in (r.get("type") or {}).get("coding") or []
                 if c.get("system") == f"{CODE_SYSTEM}/amendment-kind"), "")
    reason, body = str(r.get("description", "")), _text(r)
    # An entry in error may have no text of its own: its document then says why.
    text = "" if kind == "entered_in_error" and body == reason else body
    author, _ = _person(state, _ref(next(iter(r.get("author") or []), {})),
                        f"{entry.where}.author", problems, "amendment")
    at = instant(r.get("date"), f"{entry.where}.date", problems, required=True)
    assert at is not None  # noqa: S101 - checked before writing
    amendment = amendment_record_imported(
        actor=state.actor, visit=visit, kind=str(kind), reason=reason, text=text,
        section=str(extension(r, "amendment-section") or ""),
        refers_to=instant(extension(r, "late-entry-refers-to"), f"{entry.where}.extension",
                          problems, required=False),
        author=author, at=at)
    remember(state, entry, KIND_AMENDMENT, amendment, f"DocumentReference/amendment-"
                                                       f"{amendment.pk}")


def _code(concept: Any) -> str:
    return str(next(iter((concept or {}).get("coding") or []), {}).get("code", ""))


def _event_input(entry: Entry, problems: Problems) -> AdverseEventInput | None:
    r = entry.resource
    onset = instant(r.get("date"), f"{entry.where}.date", problems, required=True)
    instant(r.get("recordedDate"), f"{entry.where}.recordedDate", problems, required=True)
    if onset is None:
        return None
    causality = next(iter((next(iter(r.get("suspectEntity") or []), {})).get("causality")
                          or []), {}).get("assessment")
    return AdverseEventInput(
        kind=_code(r.get("event")), severity=_code(r.get("severity")),
        serious=_code(r.get("seriousness")) == "serious", causality=_code(causality),
        onset_at=onset, reporter=str(extension(r, "adverse-event-reporter") or "practitioner"),
        action=str(extension(r, "adverse-event-action") or ""),
        outcome=_code(r.get("outcome")) or "unknown",
        description=str((r.get("event") or {}).get("text", "")),
        points=[str(p) for p in _all(r, "adverse-event-point")],
        lots=[str(lot) for lot in _all(r, "needle-lot")])


def _import_event(state: Bundle, visit: Visit, entry: Entry, problems: Problems) -> None:
    if known_record(state, entry, KIND_ADVERSE_EVENT) is not None:
        state.result.existing.append(f"AdverseEvent/{entry.resource.get('id')}")
        return
    data = _event_input(entry, problems)
    recorded_at = instant(entry.resource.get("recordedDate"), f"{entry.where}.recordedDate",
                          problems, required=True)
    assert data is not None and recorded_at is not None  # noqa: S101 - checked before writing
    recorder, _ = _person(state, _ref(entry.resource.get("recorder")),
                          f"{entry.where}.recorder", problems, "adverse event")
    event: AdverseEvent = adverse_event_record_imported(
        actor=state.actor, visit=visit, data=data, recorded_by=recorder,
        recorded_at=recorded_at,
        from_needle_count=extension(entry.resource, "from-needle-count") is True,
        in_error_reason=str(extension(entry.resource, "entered-in-error") or ""))
    remember(state, entry, KIND_ADVERSE_EVENT, event)

