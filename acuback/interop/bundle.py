"""What an import keeps while it reads one Bundle: its entries, the references between them,
the records made from them, and the helpers every kind of entry's import shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from acuback.accounts.access import AccessError
from acuback.accounts.models import CLINICAL_ROLES, Membership, User
from acuback.episodes.models import Episode
from acuback.episodes.selectors import episode_get
from acuback.errors import ConflictError, InputError
from acuback.interop import identity
from acuback.interop.parsing import Problems, identifiers
from acuback.interop.resources.common import NPI, Json
from acuback.interop.resources.outcome import Issue
from acuback.patients.models import Patient
from acuback.patients.selectors import patient_get


@dataclass
class Entry:
    index: int
    resource: Json
    full_url: str

    @property
    def where(self) -> str:
        return f"Bundle.entry[{self.index}].resource"

    @property
    def type(self) -> str:
        return str(self.resource.get("resourceType", ""))

    @property
    def key(self) -> str:
        return f"{self.type}/{self.resource.get('id', '')}"


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)  # "Patient/12", ...
    existing: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # warnings and information


class Bundle:
    def __init__(self, actor: User, membership: Membership, entries: list[Entry]) -> None:
        self.actor, self.membership, self.entries = actor, membership, entries
        self.by_ref = {e.full_url: e for e in entries if e.full_url}
        self.by_ref |= {e.key: e for e in entries if e.resource.get("id")}
        self.made: dict[int, Any] = {}  # entry index -> the acuback record
        self.result = ImportResult()

    def target(self, reference: str | None, resource_type: str) -> Entry | None:
        if not reference:
            return None
        entry = self.by_ref.get(reference) or next(
            (e for url, e in self.by_ref.items() if url.endswith(f"/{reference}")), None)
        return entry if entry is not None and entry.type == resource_type else None

    def of_type(self, *types: str) -> list[Entry]:
        return [e for e in self.entries if e.type in types]


def existing_patient(state: Bundle, reference: str | None) -> Patient | None:
    if not reference or not reference.startswith("Patient/"):
        return None
    try:
        return patient_get(actor=state.actor, patient_id=reference.split("/", 1)[1])
    except AccessError:
        return None


def existing_episode(state: Bundle, reference: str | None) -> Episode | None:
    if not reference or not reference.startswith("EpisodeOfCare/"):
        return None
    try:
        return episode_get(actor=state.actor, episode_id=reference.split("/", 1)[1])
    except AccessError:
        return None


class NotImported(Exception):
    """An entry needs the record of another that was not imported (refused, its error named
    there): the entry is refused too, rather than written without it."""

    def __init__(self, target: Entry) -> None:
        super().__init__(target.where)
        self.target = target


def record_of(state: Bundle, target: Entry) -> Any:
    """The record this import made from `target`, an entry another refers to."""
    if target.index not in state.made:
        raise NotImported(target)
    return state.made[target.index]


def guarded(state: Bundle, entry: Entry, problems: Problems,
            write: Callable[[Bundle, Entry, Problems], None]) -> None:
    """One entry in its own savepoint, so every entry's errors are collected."""
    try:
        with transaction.atomic():
            write(state, entry, problems)
    except InputError as exc:
        for name, messages in exc.errors.items():
            for message in messages:
                problems.error(f"{entry.where}" + ("" if name == "__all__" else f" ({name})"),
                               message)
    except AccessError as exc:
        problems.error(entry.where, str(exc) or "not allowed", "forbidden")
    except ConflictError as exc:  # a visit the screen does not allow, a locked record, ...
        problems.error(entry.where, str(exc), "conflict")
    except NotImported as exc:
        problems.error(entry.where, f"refers to {exc.target.where} ({exc.target.key}), which "
                                    "was not imported.", "not-found")


def known_record(state: Bundle, entry: Entry, kind: str) -> int | None:
    clinic = state.membership.clinic
    for system, value in identifiers(entry.resource):
        found = identity.resolve(clinic, kind, system, value)
        if found is not None:
            return found
    return None


def remember(state: Bundle, entry: Entry, kind: str, record: Any, name: str = "") -> None:
    """Keep the identifiers `entry` arrived with for `record`, and count it created (as
    `name`, default Type/pk)."""
    state.made[entry.index] = record
    identity.remember(state.membership.clinic, kind, identifiers(entry.resource), record.pk)
    state.result.created.append(name or f"{entry.type}/{record.pk}")


@dataclass(frozen=True)
class Clinician:
    """A Practitioner the file names, and the clinician of this clinic with their NPI."""

    user: User | None
    words: str  # the file's name for them, with the NPI: "Pat Lin (NPI 1234567893)"


def clinician(state: Bundle, reference: str | None) -> Clinician:
    practitioner = state.target(reference, "Practitioner")
    if practitioner is None:
        return Clinician(None, reference or "someone unnamed")
    npis = [v for s, v in identifiers(practitioner.resource) if s == NPI]
    match = Membership.objects.filter(
        clinic=state.membership.clinic, role__in=CLINICAL_ROLES,
        user__practitioner__npi__in=npis).select_related("user").first() if npis else None
    name = (practitioner.resource.get("name") or [{}])[0]
    words = name.get("text") or " ".join([*name.get("given", []), name.get("family", "")])
    words = (words.strip() or reference or "someone unnamed") + (
        f" (NPI {npis[0]})" if npis else "")
    return Clinician(match.user if match else None, words)
