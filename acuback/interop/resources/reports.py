"""An episode's PDF reports as DocumentReferences: the progress report for the patient, their
physician and their insurer, and, from visit 12 on, the re-assessment (acuback.outcomes.
reports); and each signed visit's superbill (acuback.billing). The billing audit pack is not
one: it is a bundle of these records over a period the reader chooses, not a document of its
own. Each points at its PDF as a Binary (`Binary/<the document's id>`), which /fhir
renders when asked: a report is drawn from the record as it stands, so an amendment or a new
visit shows in the next one read, and a bulk export stays fast (no PDF is drawn for it).

docStatus: preliminary while the episode is active (the next visit changes the report), final
once it is closed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from acuback.accounts.models import User
from acuback.clinical.outcomes import FIRST_REASSESSMENT_VISIT
from acuback.episodes.models import Episode, EpisodeStatus
from acuback.episodes.selectors import episode_queryset
from acuback.interop.resources.common import (
    CODE_SYSTEM,
    Identities,
    Json,
    Kind,
    coding,
    day,
    reference,
    without_empty,
)
from acuback.outcomes.reports import Audience, ReportKind
from acuback.visits.models import Visit, VisitStatus

REPORT_SYSTEM = f"{CODE_SYSTEM}/report-kind"
LOINC = "http://loinc.org"
# LOINC 34133-9 "Summary of episode note": a summary of the care over an episode.
LOINC_EPISODE_SUMMARY = coding(LOINC, "34133-9", "Summary of episode note")
PDF = "application/pdf"


@dataclass(frozen=True)
class ReportDocument:
    kind: str
    audience: str | None  # the progress report's reader; the re-assessment has one form

    @property
    def prefix(self) -> str:
        return f"{self.kind}-{self.audience}-" if self.audience else f"{self.kind}-"

    @property
    def title(self) -> str:
        label = ReportKind(self.kind).label
        return f"{label} for {Audience(self.audience).label}" if self.audience else label


DOCUMENTS = (
    *(ReportDocument(ReportKind.PROGRESS, a) for a in Audience.values),
    ReportDocument(ReportKind.REASSESSMENT, None),
)


def report_queryset(actor: User) -> QuerySet[Episode]:
    """The episodes whose reports the actor may see, with how many signed visits each has
    (the re-assessment exists from visit 12)."""
    return episode_queryset(actor).annotate(
        signed_visits=Count("visits", filter=Q(visits__status=VisitStatus.SIGNED)))


def binary_of(binary_id: str) -> tuple[ReportDocument, int] | None:
    """The report and episode a Binary id names (the longest prefix wins)."""
    for document in sorted(DOCUMENTS, key=lambda d: -len(d.prefix)):
        rest = binary_id.removeprefix(document.prefix)
        if rest != binary_id and rest.isdigit():
            return document, int(rest)
    return None


def renderer(document: ReportDocument):  # noqa: ANN201 - a Source's render callable
    def render(episode: Episode, ids: Identities) -> Json | None:
        if document.kind == ReportKind.REASSESSMENT and _signed_visits(episode) < \
                FIRST_REASSESSMENT_VISIT:
            return None
        return report_document(document, episode, ids)
    return render


def _signed_visits(episode: Episode) -> int:
    counted = getattr(episode, "signed_visits", None)
    if counted is None:
        counted = episode.visits.filter(status=VisitStatus.SIGNED).count()
    return int(counted)


def report_document(document: ReportDocument, episode: Episode, ids: Identities) -> Json:
    doc_id = f"{document.prefix}{episode.pk}"
    identifiers = ids.identifiers(Kind.EPISODE, episode.clinic_id, episode.pk)
    return without_empty({
        "resourceType": "DocumentReference",
        "id": doc_id,
        # The episode's identifier, in a system of its own per report: the report of that
        # episode wherever the episode travels.
        "identifier": [{"system": f"{i['system']}/{document.prefix.rstrip('-')}",
                        "value": i["value"]} for i in identifiers],
        "status": "current",
        "docStatus": "preliminary" if episode.status == EpisodeStatus.ACTIVE else "final",
        "type": {"coding": [LOINC_EPISODE_SUMMARY,
                            coding(REPORT_SYSTEM, document.kind, ReportKind(document.kind).label)],
                 "text": document.title},
        "subject": reference("Patient", episode.patient_id),
        "custodian": reference("Organization", episode.clinic_id),
        "description": document.title,
        "content": [{"attachment": {"contentType": PDF, "language": "en",
                                    "url": f"Binary/{doc_id}", "title": document.title}}],
        "context": {
            "period": without_empty({"start": day(episode.opened_on),
                                     "end": day(episode.closed_on)}),
            "related": [reference("EpisodeOfCare", episode.pk)],
        },
    })


SUPERBILL_PREFIX = "superbill-"


def superbill_document(visit: Visit, ids: Identities) -> Json | None:
    """A signed visit's superbill (its claim lines and payments), drawn when read."""
    if visit.signed_at is None:
        return None
    doc_id = f"{SUPERBILL_PREFIX}{visit.pk}"
    return without_empty({
        "resourceType": "DocumentReference",
        "id": doc_id,
        "identifier": [{"system": f"{i['system']}/superbill", "value": i["value"]}
                       for i in ids.identifiers("visit", visit.clinic_id, visit.pk)],
        "status": "current",
        "docStatus": "final",
        "type": {"coding": [coding(REPORT_SYSTEM, "superbill", "Superbill")],
                 "text": "Superbill"},
        "subject": reference("Patient", visit.episode.patient_id),
        "custodian": reference("Organization", visit.clinic_id),
        "description": "Superbill of the visit: its claim lines and payments",
        "content": [{"attachment": {"contentType": PDF, "language": "en",
                                    "url": f"Binary/{doc_id}", "title": "Superbill"}}],
        "context": {"encounter": [reference("Encounter", visit.pk)],
                    "related": [reference("EpisodeOfCare", visit.episode_id)]},
    })


def superbill_of(binary_id: str) -> int | None:
    rest = binary_id.removeprefix(SUPERBILL_PREFIX)
    return int(rest) if rest != binary_id and rest.isdigit() else None


def is_report(resource: Json) -> bool:
    return any(c.get("system") == REPORT_SYSTEM
               for c in (resource.get("type") or {}).get("coding") or [])
