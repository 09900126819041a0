"""The demo's logins: each opens with the password `acuback demo` prints, and with no other."""

from __future__ import annotations

import pytest

from acuback.accounts.models import User
from acuback.demo import DEMO_PASSWORD, STAFF

pytestmark = pytest.mark.django_db


def test_every_demo_login_opens_with_the_printed_password(demo_db: None) -> None:
    users = list(User.objects.all())
    assert len(users) == 2 * len(STAFF) + 1  # both clinics' staff and the patient
    for user in users:
        assert user.password.startswith("argon2$"), user.username
        assert user.check_password(DEMO_PASSWORD), user.username
        assert not user.check_password(DEMO_PASSWORD + "x"), user.username
