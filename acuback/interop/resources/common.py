"""What every resource builder shares: acuback's URLs, identifiers, references."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from acuback.accounts.models import Clinic
from acuback.assessments.fhir import EPISODE_OF_CARE
from acuback.clinical.instruments.fhir import BASE
from acuback.interop.models import ExternalIdentifier

Json = dict[str, Any]

FHIR_VERSION = "4.0.1"
SID = f"{BASE}/sid"
EXTENSION = f"{BASE}/StructureDefinition"
CODE_SYSTEM = f"{BASE}/CodeSystem"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
NPI = "http://hl7.org/fhir/sid/us-npi"
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition"


class Kind:
    """acuback's record kinds that carry an identifier of their own."""

    PATIENT = "patient"
    EPISODE = "episode"  # both the EpisodeOfCare and its Condition
    ASSESSMENT = "assessment"  # both the QuestionnaireResponse and its score Observation
    ALL = (PATIENT, EPISODE, ASSESSMENT)


def own_system(clinic_slug: str, kind: str) -> str:
    return f"{SID}/{clinic_slug}/{kind}"


@dataclass
class Identities:
    """Identifiers of the records being rendered: the one each record arrived with when it was
    imported, else acuback's own (clinic, kind, primary key). Loaded in one query per kind, so a
    bulk export stays one pass over each table."""

    slugs: dict[int, str]
    external: dict[tuple[str, int], list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, clinic_ids: Iterable[int], only: dict[str, list[int]] | None = None
             ) -> Identities:
        clinic_ids = set(clinic_ids)
        slugs = dict(Clinic.objects.filter(pk__in=clinic_ids).values_list("pk", "slug"))
        rows = ExternalIdentifier.objects.filter(clinic_id__in=clinic_ids)
        if only is not None:
            wanted = [(kind, ids) for kind, ids in only.items() if ids]
            if not wanted:
                return cls(slugs)
            from django.db.models import Q

            condition = Q()
            for kind, ids in wanted:
                condition |= Q(kind=kind, object_id__in=ids)
            rows = rows.filter(condition)
        external: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
        for kind, object_id, system, value in rows.order_by("pk").values_list(
                "kind", "object_id", "system", "value"):
            external[(kind, object_id)].append((system, value))
        return cls(slugs, dict(external))

    def identifiers(self, kind: str, clinic_id: int, pk: int) -> list[Json]:
        pairs = self.external.get((kind, pk)) or [(own_system(self.slugs[clinic_id], kind),
                                                    str(pk))]
        return [{"system": system, "value": value} for system, value in pairs]


def reference(resource_type: str, pk: object) -> Json:
    return {"reference": f"{resource_type}/{pk}"}


def episode_extension(episode_id: int) -> Json:
    """The episode a record belongs to, for resources without an episodeOfCare element of
    their own (the FHIR extensions pack's workflow-episodeOfCare)."""
    return {"url": EPISODE_OF_CARE, "valueReference": reference("EpisodeOfCare", episode_id)}


def coding(system: str, code: str, display: str | None = None) -> Json:
    found: Json = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(system: str, code: str, display: str | None = None, text: str | None = None) -> Json:
    found: Json = {"coding": [coding(system, code, display)]}
    if text:
        found["text"] = text
    return found


def extension(name: str, value_type: str, value: object) -> Json:
    return {"url": f"{EXTENSION}/{name}", f"value{value_type}": value}


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def fhir_text(value: str) -> str:
    """Text as a FHIR string: the only whitespace FHIR allows in one is space, tab, CR and LF
    (R4 `string` pattern), so other spaces (no-break space, thin space, ...) become a space."""
    if value.isascii():
        return value
    return "".join(" " if c.isspace() and c not in " \r\n\t" else c for c in value)


def without_empty(resource: Json) -> Json:
    """FHIR JSON has no empty strings, lists or objects, and no nulls: drop them."""
    return {k: v for k, v in resource.items() if v not in (None, "", [], {})}
