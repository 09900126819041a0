"""Signing (password again, needle count), the lock on every later write, amendments, the
tamper flag, and nothing clinical deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from acuback.accounts.access import Forbidden
from acuback.audit.models import AuditEntry
from acuback.errors import ConflictError, InputError
from acuback.visits.access import VisitLocked
from acuback.visits.content import visit_hash, visit_integrity
from acuback.visits.models import AdverseEvent, Amendment, LockedRecordError, Visit, VisitPoint
from acuback.visits.services import visit_count, visit_timer_start, visit_update
from acuback.visits.signing import visit_amend, visit_sign
from tests.personas import PASSWORD, World
from tests.visits.factories import LOT, charted, fill, ready, signed, start


@pytest.fixture
def episode(world: World):  # noqa: ANN201
    return ready(world)


def sign(world: World, visit: Visit, password: str = PASSWORD) -> Visit:
    return visit_sign(actor=world.practitioner, visit=visit, password=password,
                      version=visit.version)


def test_it_signs_and_stores_the_content_hash(world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    assert (visit.status, visit.signed_by, visit.ended_at is not None) == (
        "signed", world.practitioner, True)
    assert visit.content_hash == visit_hash(visit) and visit_integrity(visit).ok


def test_it_refuses_to_sign_with_a_wrong_password(world: World, episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world))
    with pytest.raises(InputError) as caught:
        sign(world, visit, "not-my-password")
    assert "password" in caught.value.errors
    visit.refresh_from_db()
    assert visit.status == "draft"
    assert AuditEntry.objects.filter(action="login", outcome="denied",
                                     actor_id=world.practitioner.pk).exists()


def test_it_counts_wrong_signing_passwords_towards_the_lockout(world: World, episode,  # noqa: ANN001
                                                                settings) -> None:  # noqa: ANN001
    visit = fill(world, start(world))
    for _ in range(settings.LOCKOUT_THRESHOLD):
        with pytest.raises(InputError):
            sign(world, visit, "wrong")
    with pytest.raises(InputError):  # locked now: even the right one is refused
        sign(world, visit)


def test_it_refuses_to_sign_while_the_needle_counts_differ(world: World, episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world), needles_out=5)
    with pytest.raises(InputError) as caught:
        sign(world, visit)
    assert "Count again" in caught.value.errors["needles"][0]
    assert Visit.objects.get(pk=visit.pk).status == "draft"


def test_it_signs_a_mismatch_found_outside_without_an_adverse_event(world: World,
                                                                    episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world), needles_out=6, needle_mismatch_reason="found_outside")
    assert sign(world, visit).is_signed
    assert not AdverseEvent.objects.exists()


def test_it_files_a_retained_needle_event_when_a_needle_may_be_left_in(world: World,
                                                                      episode) -> None:  # noqa: ANN001
    visit = sign(world, fill(world, start(world), needles_out=6,
                             needle_mismatch_reason="not_found"))
    event = AdverseEvent.objects.get()
    assert (event.kind, event.visit_id, event.from_needle_count, event.lots) == (
        "retained_needle", visit.pk, True, [LOT])
    assert "1 unaccounted" in event.description


def test_it_locks_a_signed_visit_against_updates(world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    with pytest.raises(VisitLocked):
        visit_update(actor=world.practitioner, visit=visit, data=charted(visit),
                     version=visit.version)
    assert Visit.objects.get(pk=visit.pk).content_hash == visit.content_hash
    assert AuditEntry.objects.filter(object_type="visit", outcome="denied",
                                     detail__why="locked").exists()


@pytest.mark.parametrize("write", ["count", "timer", "sign"])
def test_it_locks_a_signed_visit_against_every_other_write(world: World, episode,  # noqa: ANN001
                                                           write: str) -> None:
    visit = signed(world)
    with pytest.raises(VisitLocked):
        if write == "count":
            visit_count(actor=world.practitioner, visit=visit, which="out", delta=1,
                        seen_version=visit.version)
        elif write == "timer":
            visit_timer_start(actor=world.practitioner, visit=visit, minutes=10)
        else:
            sign(world, visit)


def test_it_refuses_a_write_that_races_a_signature(world: World, episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world))
    stale = Visit.objects.get(pk=visit.pk)  # read before signing, still "draft" in memory
    sign(world, visit)
    with pytest.raises(VisitLocked):
        visit_update(actor=world.practitioner, visit=stale, data=charted(stale),
                     version=stale.version)


def test_it_refuses_save_and_delete_below_the_services(world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    visit.subjective = "rewritten"
    with pytest.raises(LockedRecordError):
        visit.save()
    with pytest.raises(LockedRecordError):
        visit.delete()
    with pytest.raises(LockedRecordError):
        VisitPoint.objects.filter(visit=visit).first().delete()


def test_it_lets_only_the_visits_practitioner_sign(world: World, episode) -> None:  # noqa: ANN001
    visit = fill(world, start(world))
    with pytest.raises(Forbidden):
        visit_sign(actor=world.owner, visit=visit, password=PASSWORD, version=visit.version)


def test_it_flags_a_signed_visit_whose_stored_content_changed(world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    Visit.objects.filter(pk=visit.pk).update(subjective="quietly rewritten")
    integrity = visit_integrity(Visit.objects.get(pk=visit.pk))
    assert not integrity.ok and "no longer matches" in integrity.problems[0]


def test_it_flags_a_changed_point_of_a_signed_visit(world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    VisitPoint.objects.filter(visit=visit).update(lot="OTHER-LOT")
    assert not visit_integrity(Visit.objects.get(pk=visit.pk)).ok


def amend(world: World, visit: Visit, **kwargs: object) -> Amendment:
    kwargs.setdefault("kind", "addendum")
    kwargs.setdefault("reason", "Patient called back")
    kwargs.setdefault("text", "Soreness gone next morning.")
    return visit_amend(actor=world.practitioner, visit=visit, **kwargs)


def test_it_adds_an_addendum_beside_the_original(world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    addendum = amend(world, visit)
    fresh = Visit.objects.get(pk=visit.pk)
    assert (addendum.author, addendum.kind) == (world.practitioner, "addendum")
    assert fresh.subjective == visit.subjective and fresh.content_hash == visit.content_hash
    assert visit_integrity(fresh).ok


def test_it_lets_a_colleague_add_an_addendum_under_their_own_name(world: World,
                                                                  episode) -> None:  # noqa: ANN001
    addendum = visit_amend(actor=world.owner, visit=signed(world), kind="addendum",
                           reason="covering", text="Seen in the corridor, walking well.")
    assert addendum.author == world.owner


def test_it_needs_a_reason_and_text(world: World, episode) -> None:  # noqa: ANN001
    with pytest.raises(InputError) as caught:
        amend(world, signed(world), reason=" ", text="")
    assert {"reason", "text"} <= set(caught.value.errors)


def test_it_needs_the_section_a_correction_replaces(world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    with pytest.raises(InputError):
        amend(world, visit, kind="correction")
    correction = amend(world, visit, kind="correction", section="objective",
                       text="Tender at L4-L5, not L3-L4.")
    assert correction.section == "objective"


def test_it_needs_when_a_late_entry_happened(world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    with pytest.raises(InputError):
        amend(world, visit, kind="late_entry")
    entry = amend(world, visit, kind="late_entry",
                  refers_to=timezone.now() - dt.timedelta(hours=1))
    assert entry.refers_to is not None


def test_it_refuses_an_addendum_to_a_draft(world: World, episode) -> None:  # noqa: ANN001
    with pytest.raises(InputError):
        amend(world, start(world))


def test_it_marks_a_visit_entered_in_error_and_keeps_it(world: World, episode) -> None:  # noqa: ANN001
    visit = signed(world)
    amend(world, visit, kind="entered_in_error", reason="Charted on the wrong patient", text="")
    assert Visit.objects.filter(pk=visit.pk).exists()
    with pytest.raises(ConflictError):
        amend(world, visit, kind="entered_in_error", reason="again", text="")


def test_it_locks_a_draft_marked_entered_in_error(world: World, episode) -> None:  # noqa: ANN001
    visit = start(world)
    amend(world, visit, kind="entered_in_error", reason="Started by mistake", text="")
    with pytest.raises(VisitLocked):
        fill(world, visit)


def test_it_refuses_to_change_or_delete_an_amendment(world: World, episode) -> None:  # noqa: ANN001
    addendum = amend(world, signed(world))
    addendum.text = "changed"
    with pytest.raises(LockedRecordError):
        addendum.save()
    with pytest.raises(LockedRecordError):
        addendum.delete()


def test_it_flags_an_amendment_changed_in_the_database(world: World, episode) -> None:  # noqa: ANN001
    addendum = amend(world, signed(world))
    Amendment.objects.filter(pk=addendum.pk).update(text="something else")
    integrity = visit_integrity(Visit.objects.get(pk=addendum.visit_id))
    assert not integrity.ok and "addendum" in integrity.problems[0]
