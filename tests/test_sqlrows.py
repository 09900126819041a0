"""acuback.sqlrows: `key`, and `instance`: a model row as Model.from_db gives it, made without
Model.__init__ when nothing could tell the difference."""

from __future__ import annotations

import datetime as dt

from django.db.models import signals

from acuback.accounts.models import User
from acuback.patients.models import Patient
from acuback.sqlrows import instance, key

NAMES = ("id", "clinic_id", "given_name", "family_name", "date_of_birth", "practitioner_id")
VALUES = (5, 1, "Ada", "Lovelace", dt.date(1815, 12, 10), None)


def _state(obj: object) -> dict[str, object]:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def test_it_makes_the_instance_from_db_makes() -> None:
    ours, django = instance(Patient, NAMES, VALUES), Patient.from_db("default", NAMES, VALUES)
    assert type(ours) is Patient and _state(ours) == _state(django)
    assert ours.get_deferred_fields() == django.get_deferred_fields() and "phone" in \
        ours.get_deferred_fields()
    assert (ours._state.adding, ours._state.db) == (False, "default")
    assert ours.pk == 5 and ours.practitioner is None


def test_it_makes_every_field_when_every_field_is_given() -> None:
    names = [f.attname for f in User._meta.concrete_fields]
    values = [getattr(User(id=3, username="lin"), name) for name in names]
    ours = instance(User, names, values)
    assert _state(ours) == _state(User.from_db("default", names, values))
    assert not ours.get_deferred_fields()


def test_it_goes_through_init_when_something_listens_for_it() -> None:
    seen: list[object] = []

    def listener(sender: type, instance: object, **kwargs: object) -> None:
        seen.append(instance)

    signals.post_init.connect(listener, sender=Patient)
    try:
        made = instance(Patient, NAMES, VALUES)
    finally:
        signals.post_init.disconnect(listener, sender=Patient)
    assert seen == [made]
    instance(Patient, NAMES, VALUES)
    assert seen == [made]


def test_a_key_is_an_id_in_the_64_bit_range_of_the_tables_ids() -> None:
    assert key("42") == 42
    assert key(7) == 7
    assert key(2**63 - 1) == 2**63 - 1
    assert key(-(2**63)) == -(2**63)
    for outside in (2**63, -(2**63) - 1, 10**30, "4.2", "12a", "", None):
        assert key(outside) is None, outside
