"""The Advance Beneficiary Notice of Noncoverage (ABN, form CMS-R-131): when one on file lets a
visit Medicare is expected to deny be billed with the GA modifier. Pure.

Sources: Medicare Claims Processing Manual (Pub. 100-04) chapter 30, section 50 and the ABN
form instructions:

- The notice is delivered, and signed, *before* the service it names.
- The patient chooses one option: 1, receive the service and have Medicare billed for an
  official decision (the claim carries GA); 2, receive it and not bill Medicare (the patient
  pays; no Medicare claim); 3, not receive it.
- One notice may cover a repetitive course of treatment when it names the services and the
  period of the course (section 50.14.3 as revised by Transmittal 10862, MM12242, 2021,
  which ended the old one-year limit). We record that period as `covers_until`, inclusive.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class AbnOption(StrEnum):
    BILL_MEDICARE = "bill_medicare"  # option 1
    DO_NOT_BILL = "do_not_bill"  # option 2
    DECLINED = "declined"  # option 3


OPTION_WORDS = {
    AbnOption.BILL_MEDICARE: "Option 1: wants the treatment, and Medicare billed for a decision",
    AbnOption.DO_NOT_BILL: "Option 2: wants the treatment, and Medicare not billed (pays it)",
    AbnOption.DECLINED: "Option 3: does not want the treatment",
}


def abn_covers(*, signed_on: dt.date, covers_until: dt.date, service_on: dt.date) -> bool:
    """True when a notice signed on `signed_on` for a course up to `covers_until` was given
    before, and still covers, a service on `service_on`."""
    return signed_on <= service_on <= covers_until
