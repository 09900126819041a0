"""A patient's phone number and e-mail address: checked, stored in one form, shown readably.

Phone numbers are parsed and checked by `phonenumbers` (Google's libphonenumber metadata): a
number written without a country code is read as one of the clinic's country
(`Clinic.region`, an ISO 3166 code, "US" by default). It is stored in E.164 ("+12025550123"),
one spelling per number, so that the same number typed two ways is recognised as the same;
pages show it in the clinic country's national format, or internationally when it is
another country's.

E-mail addresses are checked for syntax by `email-validator` (no look-up of the domain: a
registration must not depend on the network) and stored with the domain in lower case.
"""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "US"


def region_known(region: str) -> bool:
    return region in phonenumbers.SUPPORTED_REGIONS


def phone_normalised(text: str, region: str) -> str:
    """The number in E.164, "" for none; ValueError with a message a person can act on."""
    if not text.strip():
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("This is not a phone number: use digits, with the country code "
                         "(+44 ...) for a number abroad.") from exc
    if not phonenumbers.is_valid_number(number):
        where = "" if text.strip().startswith("+") else f" in {region}"
        raise ValueError(f"This is not a valid phone number{where}: check the digits, and "
                         "give the country code (+44 ...) for a number abroad.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_shown(stored: str, region: str) -> str:
    """A stored number as people read it: nationally when it is the clinic country's."""
    try:
        number = phonenumbers.parse(stored, region)
    except phonenumbers.NumberParseException:
        return stored  # kept from before numbers were checked: shown as it was typed
    own = phonenumbers.region_code_for_number(number) == region
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if own
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)


def email_normalised(text: str) -> str:
    """The address with its domain in lower case, "" for none; ValueError with a message."""
    if not text.strip():
        return ""
    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"This is not an e-mail address: {exc}") from exc
    return str(checked.normalized)
