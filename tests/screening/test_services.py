"""Recording a red-flag screen and a referral outcome."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from acuback.accounts.access import Forbidden, NotFound
from acuback.audit.models import AuditEntry
from acuback.clinical import screening as rules
from acuback.episodes.models import EpisodeStatus
from acuback.errors import InputError
from acuback.screening.models import Decision, Referral, ReferralOutcome, Screening
from acuback.screening.services import age_on, referral_record, rules_version, screening_record
from tests.personas import World
from tests.screening.factories import CLEAR, EMERGENCY, ROUTINE, URGENT, answers, screen


def test_it_stores_answers_decision_and_why(world: World) -> None:
    s = screen(world.practitioner, world.episode, *URGENT)
    s.refresh_from_db()
    assert s.decision == Decision.URGENT
    assert s.answers == answers(*URGENT)
    assert s.fired_flags == ["history_of_cancer"]
    assert "possible malignancy" in s.fired[0]["why"]
    assert s.fired[0]["level"] == "urgent"
    assert s.action.startswith("Do not needle.")
    assert s.recorded_by == world.practitioner
    assert s.clinic_id == world.clinic_a.pk


def test_it_derives_the_age_from_the_date_of_birth_on_the_screening_date(world: World) -> None:
    s = screening_record(actor=world.practitioner, episode=world.episode, flags=answers(),
                         screened_on=dt.date(2020, 5, 16))
    assert s.age == 49  # born 17 May 1970: the day before the 50th birthday


def test_it_uses_the_derived_age_in_the_rules(world: World) -> None:
    # History of cancer is urgent only over 50 (AHCPR 1994): at 49 it is routine.
    s = screening_record(actor=world.practitioner, episode=world.episode,
                         flags=answers(*URGENT), screened_on=dt.date(2020, 5, 16))
    assert s.decision == Decision.ROUTINE


def test_it_counts_a_29_february_birthday_from_1_march() -> None:
    assert age_on(dt.date(2000, 2, 29), dt.date(2021, 2, 28)) == 20
    assert age_on(dt.date(2000, 2, 29), dt.date(2021, 3, 1)) == 21


def test_it_refuses_a_screening_date_after_today(world: World) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InputError) as err:
        screening_record(actor=world.practitioner, episode=world.episode, flags=answers(),
                         screened_on=tomorrow)
    assert "screened_on" in err.value.errors


def test_it_refuses_a_screen_with_an_unanswered_question(world: World) -> None:
    flags = answers()
    del flags["bowel_incontinence"]
    with pytest.raises(InputError) as err:
        screening_record(actor=world.practitioner, episode=world.episode, flags=flags)
    assert err.value.errors == {"bowel_incontinence": ["Answer yes or no."]}
    assert not Screening.objects.exists()


def test_it_refuses_an_answer_that_is_not_yes_or_no(world: World) -> None:
    flags: dict[str, object] = {**answers(), "fever": "maybe"}
    with pytest.raises(InputError) as err:
        screening_record(actor=world.practitioner, episode=world.episode, flags=flags)
    assert list(err.value.errors) == ["fever"]


def test_it_refuses_an_unknown_flag(world: World) -> None:
    with pytest.raises(InputError) as err:
        screening_record(actor=world.practitioner, episode=world.episode,
                         flags={**answers(), "headache": True})
    assert "headache" in err.value.message


@pytest.mark.parametrize(("yes", "nonspecific"), [(CLEAR, True), (ROUTINE, False),
                                                  (URGENT, False), (EMERGENCY, False),
                                                  (("thoracic_pain",), True)])
def test_it_stores_whether_the_pain_is_still_nonspecific(
    world: World, yes: tuple[str, ...], nonspecific: bool
) -> None:
    assert screen(world.practitioner, world.episode, *yes).nonspecific is nonspecific


def test_it_records_the_rules_version(world: World) -> None:
    s = screen(world.practitioner, world.episode)
    assert s.rules_version == rules_version()
    assert s.rules_version.startswith("screening.py@") and len(s.rules_version) == 25


def test_it_audits_the_screen_with_its_decision(world: World) -> None:
    s = screen(world.practitioner, world.episode, *EMERGENCY)
    entry = AuditEntry.objects.get(object_type="screening", action="create")
    assert entry.object_id == str(s.pk)
    assert entry.detail == {"episode": world.episode.pk, "decision": "emergency",
                            "fired": ["saddle_anaesthesia"]}


def test_it_lets_the_owner_screen(world: World) -> None:
    assert screen(world.owner, world.episode).decision == Decision.CLEAR


@pytest.mark.parametrize("persona", ["front_desk", "patient_user"])
def test_it_refuses_a_screen_by_a_non_clinician(world: World, persona: str) -> None:
    with pytest.raises(Forbidden):
        screen(getattr(world, persona), world.episode)
    assert AuditEntry.objects.filter(object_type="screening", outcome="denied").exists()


def test_it_refuses_a_screen_of_another_clinics_episode_as_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        screen(world.outsider, world.episode)
    assert not Screening.objects.exists()
    assert AuditEntry.objects.filter(object_type="screening", outcome="not_found").exists()


def test_it_keeps_the_core_decisions_and_the_stored_choices_equal() -> None:
    assert Decision.values == [d.value for d in rules.Decision]


# --- referral outcomes ---------------------------------------------------------------------


def test_it_records_a_referral_outcome_and_audits_it(world: World) -> None:
    s = screen(world.practitioner, world.episode, *URGENT)
    r = referral_record(actor=world.practitioner, screening=s,
                        outcome=ReferralOutcome.PATIENT_DECLINED, note="wants to wait")
    assert (r.outcome, r.note, r.recorded_by) == ("patient_declined", "wants to wait",
                                                  world.practitioner)
    entry = AuditEntry.objects.get(object_type="referral")
    assert entry.detail == {"episode": world.episode.pk, "screening": s.pk,
                            "outcome": "patient_declined", "blocking": True}


@pytest.mark.parametrize("outcome", ["referred_emergency", "referred_gp_urgent"])
def test_it_marks_the_episode_referred_out_on_referral(world: World, outcome: str) -> None:
    s = screen(world.practitioner, world.episode, *EMERGENCY)
    referral_record(actor=world.practitioner, screening=s, outcome=outcome)
    world.episode.refresh_from_db()
    assert world.episode.status == EpisodeStatus.REFERRED_OUT
    assert world.episode.closed_on is not None


def test_it_sets_a_referred_out_episode_back_to_active_when_cleared(world: World) -> None:
    s = screen(world.practitioner, world.episode, *URGENT)
    referral_record(actor=world.practitioner, screening=s, outcome="referred_gp_urgent")
    referral_record(actor=world.practitioner, screening=s, outcome="cleared_by_physician",
                    note="Dr Osler, MRI normal, 3 Mar")
    world.episode.refresh_from_db()
    assert world.episode.status == EpisodeStatus.ACTIVE
    assert world.episode.closed_on is None


def test_it_leaves_the_episode_active_when_the_patient_declines(world: World) -> None:
    s = screen(world.practitioner, world.episode, *URGENT)
    referral_record(actor=world.practitioner, screening=s, outcome="patient_declined")
    world.episode.refresh_from_db()
    assert world.episode.status == EpisodeStatus.ACTIVE


def test_it_audits_the_episode_status_change_too(world: World) -> None:
    s = screen(world.practitioner, world.episode, *URGENT)
    referral_record(actor=world.practitioner, screening=s, outcome="referred_gp_urgent")
    entry = AuditEntry.objects.filter(object_type="episode", action="update").get()
    assert entry.detail == {"fields": ["closed_on", "status"]}


def test_it_requires_a_note_for_a_clearance(world: World) -> None:
    s = screen(world.practitioner, world.episode, *URGENT)
    with pytest.raises(InputError) as err:
        referral_record(actor=world.practitioner, screening=s, outcome="cleared_by_physician",
                        note="   ")
    assert "note" in err.value.errors
    assert not Referral.objects.exists()


def test_it_refuses_a_referral_after_a_clear_screen(world: World) -> None:
    s = screen(world.practitioner, world.episode)
    with pytest.raises(InputError):
        referral_record(actor=world.practitioner, screening=s, outcome="referred_gp_urgent")


def test_it_refuses_an_unknown_referral_outcome(world: World) -> None:
    s = screen(world.practitioner, world.episode, *URGENT)
    with pytest.raises(InputError) as err:
        referral_record(actor=world.practitioner, screening=s, outcome="sent_home")
    assert "outcome" in err.value.errors


def test_it_refuses_a_referral_by_front_desk(world: World) -> None:
    s = screen(world.practitioner, world.episode, *URGENT)
    with pytest.raises(Forbidden):
        referral_record(actor=world.front_desk, screening=s, outcome="patient_declined")
    assert not Referral.objects.exists()
