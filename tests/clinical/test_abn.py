"""When a signed ABN covers a service (Pub. 100-04 ch. 30 section 50)."""

from __future__ import annotations

import datetime as dt

import pytest

from acuback.clinical.abn import AbnOption, abn_covers

SIGNED, UNTIL = dt.date(2026, 4, 1), dt.date(2026, 6, 30)


@pytest.mark.parametrize(("day", "covered"), [
    (dt.date(2026, 3, 31), False),  # given after the service: too late
    (SIGNED, True), (UNTIL, True),  # both ends of the course it names
    (dt.date(2026, 7, 1), False),
])
def test_it_covers_services_from_its_signature_to_the_end_of_its_course(
        day: dt.date, covered: bool) -> None:
    assert abn_covers(signed_on=SIGNED, covers_until=UNTIL, service_on=day) is covered


def test_it_keeps_the_apps_option_values_equal_to_the_cores() -> None:
    from acuback.billing.models import AbnOption as Stored

    assert set(Stored.values) == {o.value for o in AbnOption}
