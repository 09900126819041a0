"""Practitioner profiles refuse an NPI whose check digit is wrong."""

from __future__ import annotations

import pytest

from acuback.accounts.models import PractitionerProfile
from acuback.accounts.services import practitioner_profile_set
from acuback.errors import InputError
from tests.personas import World


def test_it_stores_a_valid_npi(world: World) -> None:
    practitioner_profile_set(user=world.outsider, licence_number="B-1", npi="1234567893")
    assert PractitionerProfile.objects.get(user=world.outsider).npi == "1234567893"


def test_it_refuses_a_wrong_check_digit(world: World) -> None:
    with pytest.raises(InputError) as caught:
        practitioner_profile_set(user=world.outsider, licence_number="B-1", npi="1234567890")
    assert list(caught.value.errors) == ["npi"]
    assert not PractitionerProfile.objects.filter(user=world.outsider).exists()


@pytest.mark.parametrize("npi", ["123456789", "12345678930", "abcdefghij"])
def test_it_refuses_an_npi_of_the_wrong_shape(world: World, npi: str) -> None:
    with pytest.raises(InputError):
        practitioner_profile_set(user=world.outsider, licence_number="B-1", npi=npi)


@pytest.mark.parametrize("npi", ["１２３４５６７８９３", "123456789²"])
def test_it_refuses_non_ascii_digits(world: World, npi: str) -> None:
    with pytest.raises(InputError):
        practitioner_profile_set(user=world.outsider, licence_number="B-1", npi=npi)


def test_it_allows_no_npi(world: World) -> None:
    practitioner_profile_set(user=world.outsider, licence_number="B-1")
    assert PractitionerProfile.objects.get(user=world.outsider).npi == ""


def test_it_keeps_the_old_npi_when_a_bad_one_is_refused(world: World) -> None:
    with pytest.raises(InputError):
        practitioner_profile_set(user=world.practitioner, licence_number="AC-1", npi="1234567894")
    assert PractitionerProfile.objects.get(user=world.practitioner).npi == "1234567893"
