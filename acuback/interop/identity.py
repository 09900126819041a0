"""Which record an identifier names: acuback's own (`<SID>/<clinic>/<kind>|<pk>`) or one a
record was imported with (`ExternalIdentifier`)."""

from __future__ import annotations

from acuback.accounts.models import Clinic
from acuback.interop.models import ExternalIdentifier
from acuback.interop.resources.common import SID


def _own(system: str | None, kind: str, value: str) -> tuple[str | None, int | None]:
    """(clinic slug, pk) when the identifier is one of acuback's own for this kind."""
    prefix = f"{SID}/"
    if system is None or not system.startswith(prefix) or not system.endswith(f"/{kind}"):
        return None, None
    slug = system[len(prefix):-len(kind) - 1]
    try:
        return slug, int(value)
    except ValueError:
        return None, None


def records_with_identifier(kind: str, system: str | None, value: str) -> list[int]:
    """Primary keys of the records of `kind` that carry the identifier (any clinic: the caller
    filters a scoped queryset with them)."""
    rows = ExternalIdentifier.objects.filter(kind=kind, value=value)
    if system is not None:
        rows = rows.filter(system=system)
    found = list(rows.values_list("object_id", flat=True))
    slug, pk = _own(system, kind, value)
    if pk is not None and not ExternalIdentifier.objects.filter(
            kind=kind, object_id=pk, clinic__slug=slug).exists():
        found.append(pk)
    elif system is None and value.isdigit():
        found.append(int(value))
    return found


def resolve(clinic: Clinic, kind: str, system: str, value: str) -> int | None:
    """The clinic's record this identifier names, if it has one."""
    row = ExternalIdentifier.objects.filter(clinic=clinic, kind=kind, system=system,
                                            value=value).first()
    if row is not None:
        return row.object_id
    slug, pk = _own(system, kind, value)
    if slug == clinic.slug and pk is not None:
        return pk
    return None


def remember(clinic: Clinic, kind: str, identifiers: list[tuple[str, str]], object_id: int
             ) -> None:
    """Keep the identifiers an imported record arrived with (not the clinic's own: those
    already name it)."""
    for system, value in identifiers:
        if _own(system, kind, value)[0] == clinic.slug:
            continue
        ExternalIdentifier.objects.get_or_create(
            clinic=clinic, kind=kind, system=system, value=value,
            defaults={"object_id": object_id},
        )
