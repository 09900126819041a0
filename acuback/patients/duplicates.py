"""Likely duplicates of a patient about to be registered: someone of the clinic with the same
names and date of birth, the same phone number or the same e-mail address.

Names are compared folded as search folds them (`acuback.patients.search.name_words`: case,
accents and apostrophes ignored), and "the same names" means every word of one name is a word
of the other ("Mary Shelley" and "Mary Wollstonecraft Shelley", born the same day, are likely
one person). Phone numbers (stored in E.164) and e-mail addresses are looked up in the search
terms the patient services keep (`PatientSearchTerm`), one index lookup each.

A warning, not a rule: twins share a birthday, a family shares a phone. The person registering
sees the candidates and may register a new patient anyway, deliberately.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from acuback.patients import search
from acuback.patients.models import Patient, PatientSearchTerm, TermKind


class Match(models.TextChoices):
    NAME_AND_BIRTH = "name_and_birth", "same names and date of birth"
    PHONE = "phone", "same phone number"
    EMAIL = "email", "same e-mail address"


@dataclass(frozen=True)
class Candidate:
    patient: Patient
    matches: tuple[Match, ...]

    @property
    def words(self) -> str:
        return ", ".join(m.label for m in self.matches)

    def as_json(self) -> dict[str, object]:
        return {"id": self.patient.pk, "given_name": self.patient.given_name,
                "family_name": self.patient.family_name,
                "date_of_birth": self.patient.date_of_birth.isoformat(),
                "matches": [m.value for m in self.matches]}


def likely_duplicates(*, clinic_id: int, given_name: str, family_name: str,
                      date_of_birth: dt.date, phone: str = "", email: str = "",
                      exclude: int | None = None) -> list[Candidate]:
    """The clinic's patients this one may be, by name order; `phone` in E.164."""
    found: dict[int, list[Match]] = {}
    words = set(search.name_words(f"{given_name} {family_name}"))
    same_day = Patient.objects.filter(clinic_id=clinic_id, date_of_birth=date_of_birth)
    for pk, given, family in same_day.values_list("pk", "given_name", "family_name"):
        theirs = set(search.name_words(f"{given} {family}"))
        if words and theirs and (words <= theirs or theirs <= words):
            found.setdefault(pk, []).append(Match.NAME_AND_BIRTH)
    terms = PatientSearchTerm.objects.filter(clinic_id=clinic_id)
    digits = search.phone_digits(phone)
    if len(digits) >= search.PHONE_MIN:
        for pk in terms.filter(kind=TermKind.PHONE, term=digits).values_list("patient_id",
                                                                             flat=True):
            found.setdefault(pk, []).append(Match.PHONE)
    if email.strip():
        for pk in terms.filter(kind=TermKind.EMAIL, term=email.strip().casefold()
                               ).values_list("patient_id", flat=True):
            found.setdefault(pk, []).append(Match.EMAIL)
    if exclude is not None:
        found.pop(exclude, None)
    patients = Patient.objects.filter(pk__in=found).order_by("family_name", "given_name", "pk")
    return [Candidate(p, tuple(dict.fromkeys(found[p.pk]))) for p in patients]
