"""Within one web or API request a read of a record is audited once; writes and refusals are
always recorded, and outside a request (CLI, services called directly) every read is."""

from __future__ import annotations

from acuback.audit.context import audit_context
from acuback.audit.models import Action, AuditEntry, Channel, Outcome
from acuback.audit.services import audit_record, audit_verify
from tests.personas import World


def _read(world: World, object_id: object, **extra: object) -> AuditEntry:
    return audit_record(actor=world.practitioner, action=Action.READ, object_type="patient",
                        object_id=object_id, outcome=Outcome.OK, **extra)  # type: ignore[arg-type]


def test_it_records_a_repeated_read_once_in_a_request(world: World) -> None:
    before = AuditEntry.objects.count()
    with audit_context(Channel.WEB, "127.0.0.1", request=True):
        first = _read(world, world.patient.pk)
        again = _read(world, world.patient.pk)
    assert again.pk == first.pk
    assert AuditEntry.objects.count() == before + 1


def test_it_records_reads_of_different_records_each(world: World) -> None:
    before = AuditEntry.objects.count()
    with audit_context(Channel.WEB, request=True):
        _read(world, world.patient.pk)
        _read(world, world.other_patient.pk)
        _read(world, world.patient.pk, detail={"ids": [1, 2]})
    assert AuditEntry.objects.count() == before + 3


def test_it_records_each_request_on_its_own(world: World) -> None:
    before = AuditEntry.objects.count()
    for _ in range(2):
        with audit_context(Channel.WEB, request=True):
            _read(world, world.patient.pk)
    assert AuditEntry.objects.count() == before + 2


def test_it_always_records_writes_and_refusals(world: World) -> None:
    before = AuditEntry.objects.count()
    with audit_context(Channel.WEB, request=True):
        for _ in range(2):
            audit_record(actor=world.practitioner, action=Action.UPDATE, object_type="patient",
                         object_id=world.patient.pk, outcome=Outcome.OK)
            audit_record(actor=world.practitioner, action=Action.READ, object_type="patient",
                         object_id=world.patient_b.pk, outcome=Outcome.NOT_FOUND)
    assert AuditEntry.objects.count() == before + 4


def test_it_records_every_read_outside_a_request(world: World) -> None:
    before = AuditEntry.objects.count()
    with audit_context(Channel.CLI):
        _read(world, world.patient.pk)
        _read(world, world.patient.pk)
    _read(world, world.patient.pk)
    assert AuditEntry.objects.count() == before + 3
    assert list(audit_verify()) == []


def test_it_leaves_one_health_history_read_for_its_edit_page(world: World, client_for) -> None:  # noqa: ANN001
    reads = AuditEntry.objects.filter(object_type="health_history", action=Action.READ)
    before = reads.count()
    page = client_for("practitioner").get(f"/patients/{world.patient.pk}/health/")
    assert page.status_code == 200
    assert reads.count() == before + 1


def test_it_writes_a_requests_held_reads_together_in_the_chain(
        world: World, django_assert_num_queries) -> None:  # noqa: ANN001
    before = AuditEntry.objects.count()
    with audit_context(Channel.WEB, request=True, hold_reads=True):
        for patient in (world.patient, world.other_patient, world.patient_b):
            _read(world, patient.pk)
        assert AuditEntry.objects.count() == before  # held until the request ends
        with django_assert_num_queries(0):
            _read(world, world.other_patient.pk)  # read again: the held entry, no query
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [e.object_id for e in entries] == [
        str(world.patient.pk), str(world.other_patient.pk), str(world.patient_b.pk)]
    assert list(audit_verify()) == []


def test_it_writes_held_reads_before_a_later_write(world: World) -> None:
    with audit_context(Channel.WEB, request=True, hold_reads=True):
        _read(world, world.patient.pk)
        audit_record(actor=world.practitioner, action=Action.UPDATE, object_type="patient",
                     object_id=world.patient.pk, outcome=Outcome.OK)
        last_two = list(AuditEntry.objects.order_by("-seq")[:2])
    assert [e.action for e in last_two] == [Action.UPDATE, Action.READ]
    assert list(audit_verify()) == []


def test_it_writes_a_page_requests_reads_when_it_ends(world: World, client_for) -> None:  # noqa: ANN001
    reads = AuditEntry.objects.filter(object_type="patient", action=Action.READ,
                                      object_id=str(world.patient.pk))
    before = reads.count()
    client = client_for("practitioner")
    assert client.get(f"/patients/{world.patient.pk}/").status_code == 200
    assert reads.count() == before + 1  # written when the request ended
