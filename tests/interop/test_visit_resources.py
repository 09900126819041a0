"""A visit in FHIR: Encounter, Procedure (SNOMED CT acupuncture, CPT, acupoint body sites), its
measurements as an Observation, the note and its amendments as DocumentReferences, the
signature as a Provenance, AdverseEvent, MedicationStatement; valid, linked, scoped."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import timezone

from acuback.visits.adverse import AdverseEventInput, adverse_event_record
from acuback.visits.inputs import PainkillerInput
from acuback.visits.models import Visit
from acuback.visits.painkillers import painkillers_record_intake
from acuback.visits.signing import visit_amend, visit_sign
from tests.interop import validators
from tests.interop.conftest import ClientFor, Json, entries, fhir_get
from tests.personas import PASSWORD, World, make_episode
from tests.visits.factories import LOT, ashi, charted, ready, signed, start
from tests.visits.factories import fill as fill_visit

VISIT_TYPES = ["Encounter", "Procedure", "Observation", "DocumentReference", "Provenance",
               "AdverseEvent", "MedicationStatement"]


@pytest.fixture
def treated(world: World) -> World:
    """Grace Hopper's episode: a signed visit (with an Ashi point, ibuprofen, an addendum and a
    bruise), intake painkillers, and a draft second visit."""
    episode = ready(world)
    visit = signed(world, painkillers_taken=True,
                   painkillers=[PainkillerInput("ibuprofen", Decimal(400), 3, 4)],
                   finger_floor_cm=Decimal("12.5"), slr_left_deg=60)
    visit_amend(actor=world.practitioner, visit=visit, kind="addendum",
                reason="Forgot to note", text="Patient felt warmth at BL23.")
    adverse_event_record(actor=world.practitioner, visit=visit, data=AdverseEventInput(
        kind="bleeding", severity="mild", serious=False, causality="certain",
        onset_at=timezone.now(), points=["BL40"], lots=[LOT]))
    painkillers_record_intake(actor=world.practitioner, episode=episode,
                              uses=[PainkillerInput("oxycodone", Decimal(10), 2, 7)])
    draft = start(world)
    fill_visit(world, draft, points=[*charted(draft).points, ashi()])
    return world


def _all(client_for: ClientFor, world: World) -> dict[str, list[Json]]:
    client = client_for("practitioner")
    return {t: entries(fhir_get(client, f"/fhir/{t}?patient={world.other_patient.pk}"))
            for t in VISIT_TYPES}


def test_it_passes_every_validator(client_for: ClientFor, treated: World) -> None:
    found = _all(client_for, treated)
    assert all(found[t] for t in VISIT_TYPES), {t: len(v) for t, v in found.items()}
    assert validators.problems([r for rs in found.values() for r in rs]) == {}


def test_it_codes_the_needling_in_snomed_and_cpt(client_for: ClientFor, treated: World) -> None:
    procedure = _all(client_for, treated)["Procedure"]
    done = next(p for p in procedure if p["status"] == "completed")
    codes = {(c["system"], c["code"]) for c in done["code"]["coding"]}
    assert ("http://snomed.info/sct", "44868003") in codes
    assert ("http://www.ama-assn.org/go/cpt", "97810") in codes
    sites = {c["code"] for s in done["bodySite"] for c in s.get("coding", [])}
    assert sites == {"BL23", "BL25", "BL40", "GV4"}
    assert all(c["system"] == "https://acuback.org/fhir/CodeSystem/acupoint"
               for s in done["bodySite"] for c in s.get("coding", []))


def test_it_sends_an_ashi_point_as_text(client_for: ClientFor, treated: World) -> None:
    draft = next(p for p in _all(client_for, treated)["Procedure"] if p["status"] != "completed")
    site = next(s for s in draft["bodySite"] if s["text"] == "Ashi: left PSIS (left)")
    assert "coding" not in site
    assert _extensions(site)["ashi-location"] == ["left PSIS"]
    assert _extensions(site)["point-side"] == ["left"]


def _extensions(element: Json) -> dict[str, list[object]]:
    """acuback's extensions of an element: name -> values (a complex one: its parts)."""
    found: dict[str, list[object]] = {}
    for ext in element.get("extension", []):
        name = ext["url"].rsplit("/", 1)[1]
        value = next((v for k, v in ext.items() if k.startswith("value")), None)
        found.setdefault(name, []).append(value if value is not None else {
            part["url"]: next(v for k, v in part.items() if k.startswith("value"))
            for part in ext["extension"]})
    return found


def test_it_sends_all_the_needling(client_for: ClientFor, world: World) -> None:
    """Every STRICTA detail of each point and of the session, the note's parts, the pain
    drawing, every CPT line, and the adverse event's action, points and lots."""
    lumbar = ready(world, make_episode(world.practitioner, world.other_patient))  # e-stim allowed
    visit = start(world, lumbar)
    data = charted(visit)
    points = [replace(data.points[0], angle="oblique", stimulation="electrical",
                      estim_hz=Decimal("2.5"), estim_ma=Decimal("1.5"), electrode_pair=1),
              replace(data.points[1], stimulation="electrical", estim_hz=Decimal("2.5"),
                      electrode_pair=1, de_qi=False),
              *data.points[2:]]
    visit = fill_visit(world, visit, points=points, minutes_with_estim=15,
                       minutes_without_estim=25, retention_minutes=25, insertions=2,
                       adjuncts=["heat", "cupping"], adjunct_note="heat lamp 10 min",
                       pain_regions=["lower_back_left"], needles_out=data.needles_in - 1,
                       needle_mismatch_reason="found_outside", needle_mismatch_note="on floor",
                       objective="Tender L4.", next_visit="Same points.")
    visit = visit_sign(actor=world.practitioner, visit=visit, password=PASSWORD,
                       version=visit.version)
    adverse_event_record(actor=world.practitioner, visit=visit, data=AdverseEventInput(
        kind="bleeding", severity="mild", serious=False, causality="certain",
        onset_at=timezone.now(), action="Pressed for a minute.", points=["BL23"], lots=[LOT]))
    found = _all(client_for, world)
    assert validators.problems([r for rs in found.values() for r in rs]) == {}
    procedure = next(p for p in found["Procedure"] if p["id"] == str(visit.pk))
    first = _extensions(procedure["bodySite"][0])
    assert first == {"point-side": ["bilateral"], "needle-depth-mm": [25.0],
                     "needle-angle": ["oblique"], "needle-diameter-mm": [0.25],
                     "needle-length-mm": [40], "needle-manufacturer": ["Hwato"],
                     "needle-lot": [LOT], "stimulation": ["electrical"],
                     "estim-frequency-hz": [2.5], "estim-intensity-ma": [1.5],
                     "electrode-pair": [1], "de-qi": [True]}
    assert _extensions(procedure["bodySite"][1])["de-qi"] == [False]
    session = _extensions(procedure)
    assert session["retention-minutes"] == [25] and session["needle-insertions"] == [2]
    assert session["minutes-with-estim"] == [15] and session["minutes-without-estim"] == [25]
    assert session["needle-mismatch-reason"] == ["found_outside"]
    assert session["needle-mismatch-note"] == ["on floor"]
    assert sorted(session["adjunct"]) == ["cupping", "heat"]
    assert session["adjunct-note"] == ["heat lamp 10 min"]
    stored = Visit.objects.get(pk=visit.pk).cpt["lines"]
    assert len(stored) > 1  # needling with and without e-stim: more than one code
    assert session["cpt-line"] == [
        {"code": {"system": "http://www.ama-assn.org/go/cpt", "code": line["code"]},
         "units": line["units"]} for line in stored]
    encounter = next(e for e in found["Encounter"] if e["id"] == str(visit.pk))
    assert _extensions(encounter)["room"] == ["Room 2"]
    measures = next(o for o in found["Observation"] if o["id"] == f"visit-{visit.pk}")
    assert _extensions(measures)["pain-region"] == ["lower_back_left"]
    note = next(d for d in found["DocumentReference"] if d["id"] == f"visit-{visit.pk}")
    assert _extensions(note) == {"note-section-subjective": ["Back stiff in the mornings."],
                                 "note-section-objective": ["Tender L4."],
                                 "note-section-next-visit": ["Same points."]}
    event = next(a for a in found["AdverseEvent"] if a["encounter"]["reference"]
                 == f"Encounter/{visit.pk}" and a["event"]["coding"][0]["code"] == "bleeding")
    details = _extensions(event)
    assert details["adverse-event-action"] == ["Pressed for a minute."]
    assert details["adverse-event-point"] == ["BL23"] and details["needle-lot"] == [LOT]
    assert event["recorder"] == {"reference": f"Practitioner/{world.practitioner.pk}"}


def test_it_measures_pain_before_and_after_and_the_needles(client_for: ClientFor,
                                                           treated: World) -> None:
    measures = next(o for o in _all(client_for, treated)["Observation"]
                    if o["id"].startswith("visit-") and o["status"] == "final")
    values = {c["code"]["coding"][-1]["code"]: c.get("valueQuantity", {}).get("value",
                                                                             c.get("valueBoolean"))
              for c in measures["component"]}
    assert values["pain-before"] == 6 and values["pain-after"] == 4
    visit = Visit.objects.get(pk=int(measures["id"].removeprefix("visit-")))
    assert values["needles-inserted"] == values["needles-removed"] == visit.needles_in == 7
    assert values["finger-floor-distance"] == 12.5 and values["painkillers-taken"] is True
    assert "modified-schober" not in values  # not measured is not zero


def test_it_links_the_amendment_to_the_signed_note(client_for: ClientFor,
                                                   treated: World) -> None:
    documents = _all(client_for, treated)["DocumentReference"]
    addendum = next(d for d in documents if d["id"].startswith("amendment-"))
    note = next(d for d in documents if d.get("docStatus") == "final")
    assert addendum["relatesTo"] == [{"code": "appends",
                                      "target": {"reference": f"DocumentReference/{note['id']}"}}]


def test_it_records_the_signature(client_for: ClientFor, treated: World) -> None:
    provenance = _all(client_for, treated)["Provenance"]
    assert len(provenance) == 1  # the draft is not signed
    assert provenance[0]["signature"][0]["who"] == {
        "reference": f"Practitioner/{treated.practitioner.pk}"}


def test_it_links_the_adverse_event_to_its_procedure(client_for: ClientFor,
                                                     treated: World) -> None:
    event = _all(client_for, treated)["AdverseEvent"][0]
    procedure = next(p for p in _all(client_for, treated)["Procedure"]
                     if p["status"] == "completed")
    assert event["suspectEntity"][0]["instance"] == {"reference": f"Procedure/{procedure['id']}"}
    assert event["severity"]["coding"][0]["code"] == "mild"


def test_it_lists_intake_and_visit_painkillers(client_for: ClientFor, treated: World) -> None:
    statements = _all(client_for, treated)["MedicationStatement"]
    names = sorted(s["medicationCodeableConcept"]["text"] for s in statements)
    assert len(names) == 2 and any("buprofen" in n for n in names)


def test_it_reads_each_visit_resource_by_id(client_for: ClientFor, treated: World) -> None:
    client = client_for("practitioner")
    for resource_type, resources in _all(client_for, treated).items():
        for resource in resources:
            assert fhir_get(client, f"/fhir/{resource_type}/{resource['id']}") == resource


@pytest.mark.parametrize(("persona", "status"), [("front_desk", 403), ("outsider", 404)])
def test_it_keeps_visit_content_from_others(client_for: ClientFor, treated: World,
                                            persona: str, status: int) -> None:
    client = client_for(persona)
    for resource_type, resources in _all(client_for, treated).items():
        fhir_get(client, f"/fhir/{resource_type}/{resources[0]['id']}", status)


def test_it_keeps_visit_content_from_the_patient(client_for: ClientFor, treated: World) -> None:
    fhir_get(client_for("patient_user"), "/fhir/Encounter", 403)


def test_it_exports_the_visits_in_bulk(client_for: ClientFor, treated: World) -> None:
    from tests.interop.test_bulk_export import _kick_off, _manifest

    client = client_for("owner")
    manifest = _manifest(client, _kick_off(client, "/fhir/$export"))
    counts = {o["type"]: o["count"] for o in manifest["output"]}
    assert counts["Encounter"] == counts["Procedure"] == 2
    # The notes and the addendum; the signed visit's superbill; three progress reports of each
    # of the clinic's two episodes.
    assert counts["Provenance"] == 1 and counts["DocumentReference"] == 3 + 1 + 3 * 2
