"""Consents (`Consent`) of a Bundle become consents through the patients app's own service
(`consent_record_imported`: same roles, audit and checks as a consent recorded by hand).

The consent's text is named by its version in acuback's consent-text system. A version acuback
does not hold is refused (an error naming the versions it holds): a consent is to a text whose
words can be shown, and a version we lack cannot be. When the file gives the SHA-256 of the
text signed, it must be that of our text of the version, or the Bundle is refused too.
"""

from __future__ import annotations

import hashlib

from acuback.interop.bundle import Bundle, Entry, existing_patient, guarded, known_record, remember
from acuback.interop.parsing import Problems, day, extension
from acuback.interop.resources.care import CONSENT_PREFIX, CONSENT_TEXT_SYSTEM, KIND_CONSENT
from acuback.patients.consent import VERSIONS, consent_text
from acuback.patients.models import ConsentMethod, Patient
from acuback.patients.services import consent_record_imported


def _version(entry: Entry) -> str | None:
    for coding in (entry.resource.get("policyRule") or {}).get("coding") or []:
        if isinstance(coding, dict) and coding.get("system") == CONSENT_TEXT_SYSTEM:
            return str(coding.get("code") or "")
    return None


def _patient_reference(entry: Entry) -> str | None:
    return (entry.resource.get("patient") or {}).get("reference")


def check(state: Bundle, problems: Problems) -> None:
    for entry in state.of_type("Consent"):
        reference = _patient_reference(entry)
        if state.target(reference, "Patient") is None and existing_patient(
                state, reference) is None:
            problems.error(f"{entry.where}.patient", f"{reference!r} is no Patient in this "
                                                     "Bundle or of your clinic.", "not-found")
        day(entry.resource.get("dateTime"), f"{entry.where}.dateTime", problems, required=True)
        version = _version(entry)
        if version not in VERSIONS:
            problems.error(f"{entry.where}.policyRule",
                           f"acuback holds the consent texts {', '.join(VERSIONS)} (coded in "
                           f"{CONSENT_TEXT_SYSTEM}); {version!r} is not one of them, so what "
                           "was agreed cannot be shown.", "not-supported")
            continue
        sha = extension(entry.resource, "consent-text-sha256")
        if sha and sha != hashlib.sha256(consent_text(version).encode()).hexdigest():
            problems.error(f"{entry.where}.extension", f"the text signed is not acuback's "
                                                       f"text {version} (its SHA-256 differs).",
                           "value")
        method = extension(entry.resource, "consent-method") or ConsentMethod.RECORDED
        if method not in ConsentMethod.values:
            problems.error(f"{entry.where}.extension", f"the consent-method must be one of "
                                                       f"{', '.join(ConsentMethod.values)}.",
                           "value")
        elif method == ConsentMethod.ELECTRONIC and not extension(entry.resource,
                                                                  "consent-signature"):
            problems.error(f"{entry.where}.extension", "an electronic consent needs the name "
                                                       "the patient signed with "
                                                       "(consent-signature).", "required")


def write(state: Bundle, problems: Problems) -> None:
    for entry in state.of_type("Consent"):
        guarded(state, entry, problems, _import_consent)


def _import_consent(state: Bundle, entry: Entry, problems: Problems) -> None:
    known = known_record(state, entry, KIND_CONSENT)
    if known is not None:
        state.result.existing.append(f"Consent/{CONSENT_PREFIX}{known}")
        return
    reference = _patient_reference(entry)
    target = state.target(reference, "Patient")
    patient = state.made.get(target.index) if target is not None else existing_patient(
        state, reference)
    if not isinstance(patient, Patient):
        return  # its patient's own entry failed, which refuses the Bundle anyway
    given_on = day(entry.resource.get("dateTime"), entry.where, problems, required=True)
    assert given_on is not None  # noqa: S101 - checked before writing
    consent = consent_record_imported(
        actor=state.actor, patient=patient, given_on=given_on, text_version=str(_version(entry)),
        method=str(extension(entry.resource, "consent-method") or ConsentMethod.RECORDED),
        signature=str(extension(entry.resource, "consent-signature") or ""),
        witness=str(extension(entry.resource, "consent-witness") or ""))
    remember(state, entry, KIND_CONSENT, consent, f"Consent/{CONSENT_PREFIX}{consent.pk}")
