"""The portal's pre-visit intake, filled by the patient: contact details, the health history as
the patient (patient-reported, not yet confirmed; "Not sure" never read as no) and e-consent
with the text that was signed; a clinician confirms the answers on the chart. Each write goes
through the staff forms' services, audited and scoped to the patient's own record."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from acuback.accounts.access import Forbidden, NotFound
from acuback.accounts.models import Role, User
from acuback.accounts.services import member_create
from acuback.audit.models import AuditEntry
from acuback.episodes.models import Episode
from acuback.errors import InputError
from acuback.patients.consent import CURRENT_VERSION, consent_text
from acuback.patients.models import Consent, HealthHistory, Patient
from acuback.patients.services import (
    consent_sign,
    health_history_confirm,
    health_history_intake,
    health_history_write,
    patient_contact_update,
)
from acuback.plans.selectors import plan_proposal
from tests.personas import PASSWORD, World, make_episode, make_patient
from tests.screening.factories import screen

HEALTH = "/portal/before-your-visit/health/"
CONTACT = "/portal/before-your-visit/contact/"
CONSENT = "/portal/before-your-visit/consent/"


@dataclass
class Newcomer:
    """A patient of clinic A with a portal login whose history nobody has taken yet."""

    user: User
    patient: Patient
    episode: Episode
    client: Client


@pytest.fixture
def newcomer(world: World) -> Newcomer:
    patient = make_patient(world.practitioner, "Mary", "Somerville", asked=False)
    user = member_create(clinic=world.clinic_a, username="mary", password=PASSWORD,
                         role=Role.PATIENT)
    Patient.objects.filter(pk=patient.pk).update(user=user)
    patient.refresh_from_db()
    episode = make_episode(world.practitioner, patient)
    screen(world.practitioner, episode)
    client = Client()
    client.force_login(user)
    return Newcomer(user, patient, episode, client)


def _history(patient: Patient) -> HealthHistory:
    return HealthHistory.objects.get(patient=patient)


def _checked(page: str, name: str) -> str | None:
    """The value of the radio of that name the page has ticked."""
    import re
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page):
        if " checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def _send(n: Newcomer, **answers: str) -> object:
    return n.client.post(HEALTH, {"version": str(_history(n.patient).version), **answers})


# --- the health history, as the patient -------------------------------------------------------


def test_it_stores_the_patients_answers_as_patient_reported_and_unconfirmed(
        newcomer: Newcomer) -> None:
    response = _send(newcomer, anticoagulant="no", diabetes="yes", pregnant="no")
    assert response.status_code == 302 and response["Location"] == CONSENT
    health = _history(newcomer.patient)
    assert (health.anticoagulant, health.diabetes, health.pregnant) == (False, True, False)
    assert health.answered["anticoagulant"]["source"] == "patient"
    assert health.answered["anticoagulant"]["by"] == newcomer.user.pk
    assert sorted(health.unconfirmed) == ["anticoagulant", "diabetes", "pregnant"]
    assert health.versions.first().source == "patient"


def test_it_leaves_a_question_marked_not_sure_as_it_was_never_no(newcomer: Newcomer) -> None:
    _send(newcomer, anticoagulant="", epilepsy="", implanted_device="", skin_lesions="")
    health = _history(newcomer.patient)
    assert len(health.not_asked) == 10 and health.answered == {}
    assert health.versions.first().asked == []


def test_it_never_turns_a_clinicians_yes_into_no_when_the_patient_is_not_sure(
        world: World, newcomer: Newcomer) -> None:
    health_history_write(actor=world.practitioner, patient=newcomer.patient,
                         answers={"anticoagulant": True}, version=1, source="clinician")
    _send(newcomer, anticoagulant="", diabetes="no")
    health = _history(newcomer.patient)
    assert health.anticoagulant is True and health.confirmed("anticoagulant")


def test_it_keeps_a_confirmed_answer_confirmed_when_the_patient_says_the_same(
        world: World, newcomer: Newcomer) -> None:
    health_history_write(actor=world.practitioner, patient=newcomer.patient,
                         answers={"epilepsy": False}, version=1, source="clinician")
    _send(newcomer, epilepsy="no", diabetes="no")
    health = _history(newcomer.patient)
    assert health.confirmed("epilepsy") and health.answered["epilepsy"]["source"] == "clinician"
    assert not health.confirmed("diabetes")


def test_it_counts_a_patients_yes_at_once_and_a_patients_no_only_once_confirmed(
        world: World, newcomer: Newcomer) -> None:
    everything_no = {q: "no" for q in ("pregnant", "anticoagulant", "bleeding_disorder",
                                       "needle_phobia", "immunosuppressed", "diabetes",
                                       "epilepsy", "metal_allergy", "skin_lesions")}
    _send(newcomer, **{**everything_no, "anticoagulant": "yes", "implanted_device": "none"})
    proposal = plan_proposal(newcomer.episode, pattern=None, estim_requested=False)
    # The patient's "yes" to blood thinners counts: the prescriber excludes its points.
    assert any(c.kind == "anticoagulant" for c in proposal.prescription.contraindications)
    # Each unconfirmed "no" is not known yet: the plan is blocked on the deciding ones.
    assert "pregnancy" in proposal.blocking_questions
    assert "pregnancy" in proposal.unconfirmed_words and "pregnancy" not in proposal.not_asked

    health_history_confirm(actor=world.practitioner, patient=newcomer.patient,
                           version=_history(newcomer.patient).version)
    proposal = plan_proposal(newcomer.episode, pattern=None, estim_requested=False)
    assert proposal.blocking_questions == [] and proposal.unconfirmed_words == []
    assert _history(newcomer.patient).unconfirmed == []


def test_it_shows_the_chart_and_plan_what_is_not_yet_confirmed(
        world: World, newcomer: Newcomer, client_for) -> None:  # noqa: ANN001
    _send(newcomer, anticoagulant="no", diabetes="yes")
    clinician = client_for("practitioner")
    chart = clinician.get(reverse("patient_detail", args=[newcomer.patient.pk])).content.decode()
    banner = chart.split('data-testid="unconfirmed"')[1].split("</section>")[0]
    assert "Patient-reported, not yet confirmed: Blood thinners: No; Diabetes: Yes" in banner
    assert chart.count("Not yet confirmed</span>") == 2  # beside each of the two answers
    assert 'data-testid="safety-clear"' not in chart
    plan = clinician.get(reverse("plan_episode", args=[newcomer.episode.pk])).content.decode()
    assert "Patient-reported, not yet confirmed: blood thinners" in plan
    assert "No plan can be saved until" in plan

    response = clinician.post(reverse("health_confirm", args=[newcomer.patient.pk]),
                              {"version": str(_history(newcomer.patient).version)})
    assert response.status_code == 302
    chart = clinician.get(reverse("patient_detail", args=[newcomer.patient.pk])).content.decode()
    assert 'data-testid="unconfirmed"' not in chart


def test_it_refuses_a_stale_confirmation(world: World, newcomer: Newcomer) -> None:
    _send(newcomer, anticoagulant="no")
    seen = _history(newcomer.patient).version
    _send(newcomer, anticoagulant="yes")
    with pytest.raises(Exception, match="after you opened"):
        health_history_confirm(actor=world.practitioner, patient=newcomer.patient, version=seen)
    assert not _history(newcomer.patient).confirmed("anticoagulant")


def test_it_keeps_what_the_patient_typed_when_the_clinic_saved_meanwhile(
        world: World, newcomer: Newcomer) -> None:
    health_history_write(actor=world.practitioner, patient=newcomer.patient,
                         answers={"diabetes": True}, version=1, source="clinician")
    response = newcomer.client.post(HEALTH, {"version": "1", "epilepsy": "yes"})
    page = response.content.decode()
    assert response.status_code == 200 and "updated your health answers" in page
    assert _checked(page, "epilepsy") == "yes"
    assert _history(newcomer.patient).epilepsy is None


def test_it_refuses_a_patients_not_asked_through_the_service(newcomer: Newcomer) -> None:
    with pytest.raises(InputError):
        health_history_intake(actor=newcomer.user, patient=newcomer.patient,
                              answers={"anticoagulant": None}, version=1)


def test_it_keeps_the_intake_to_the_patients_own_record(world: World,
                                                        newcomer: Newcomer) -> None:
    with pytest.raises(NotFound):
        health_history_intake(actor=newcomer.user, patient=world.patient,
                              answers={"diabetes": True}, version=2)
    with pytest.raises(NotFound):
        consent_sign(actor=newcomer.user, patient=world.patient_b, text_version=CURRENT_VERSION,
                     signature="Hedy Lamarr", agreed=True)
    with pytest.raises(Forbidden):  # staff use the staff forms
        health_history_intake(actor=world.practitioner, patient=newcomer.patient,
                              answers={"diabetes": True}, version=1)
    with pytest.raises(NotFound):
        health_history_confirm(actor=world.outsider, patient=newcomer.patient, version=1)
    assert _history(world.patient).diabetes is False and _history(newcomer.patient).version == 1


def test_it_audits_each_intake_write_as_the_patient(newcomer: Newcomer) -> None:
    last = AuditEntry.objects.order_by("-seq").first().seq
    _send(newcomer, diabetes="yes")
    entry = AuditEntry.objects.get(seq__gt=last, action="update", object_type="health_history")
    assert entry.actor_id == newcomer.user.pk and entry.detail["source"] == "patient"
    assert entry.detail["confirmed"] is False


# --- contact details ----------------------------------------------------------------------------


def test_it_saves_the_patients_contact_details_and_nothing_else(newcomer: Newcomer) -> None:
    response = newcomer.client.post(CONTACT, {"version": "1", "phone": "(202) 555-0147",
                                              "email": "Mary@Example.org", "address": "2 Elm"})
    assert response.status_code == 302 and response["Location"] == HEALTH
    patient = Patient.objects.get(pk=newcomer.patient.pk)
    assert (patient.phone, patient.email, patient.address) == ("+12025550147",
                                                               "Mary@example.org", "2 Elm")
    assert (patient.given_name, patient.family_name, patient.version) == ("Mary", "Somerville", 2)


def test_it_shows_a_wrong_phone_beside_the_field_and_keeps_what_was_typed(
        newcomer: Newcomer) -> None:
    response = newcomer.client.post(CONTACT, {"version": "1", "phone": "abc",
                                              "email": "", "address": "2 Elm"})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_phone_error"' in page and "2 Elm" in page
    assert Patient.objects.get(pk=newcomer.patient.pk).version == 1


def test_it_refuses_contact_changes_to_anyone_but_the_patient(world: World,
                                                              newcomer: Newcomer) -> None:
    with pytest.raises(NotFound):
        patient_contact_update(actor=newcomer.user, patient=world.patient, email="", phone="",
                               address="x", version=1)
    with pytest.raises(Forbidden):
        patient_contact_update(actor=world.front_desk, patient=newcomer.patient, email="",
                               phone="", address="x", version=1)


# --- e-consent ----------------------------------------------------------------------------------


def test_it_records_an_e_consent_with_the_signed_texts_version_and_hash(
        newcomer: Newcomer, client_for) -> None:  # noqa: ANN001
    page = newcomer.client.get(CONSENT).content.decode()
    assert consent_text().split("\n")[0].lstrip("# ").strip() in page
    response = newcomer.client.post(CONSENT, {"text_version": CURRENT_VERSION, "agreed": "on",
                                              "signature": "  mary   somerville "})
    assert response.status_code == 302
    consent = Consent.objects.get(patient=newcomer.patient)
    assert consent.method == "electronic" and consent.signature == "mary somerville"
    assert consent.text_version == CURRENT_VERSION and consent.recorded_by == newcomer.user
    assert consent.text_sha256 == hashlib.sha256(consent_text().encode()).hexdigest()
    chart = client_for("practitioner").get(
        reverse("patient_detail", args=[newcomer.patient.pk])).content.decode()
    assert 'data-testid="e-consent"' in chart


@pytest.mark.parametrize(("agreed", "signature", "field"), [
    ("", "Mary Somerville", "agreed"), ("on", "Mary", "signature"),
    ("on", "", "signature")])
def test_it_refuses_a_consent_not_agreed_or_not_signed_with_the_name(
        newcomer: Newcomer, agreed: str, signature: str, field: str) -> None:
    response = newcomer.client.post(CONSENT, {"text_version": CURRENT_VERSION,
                                              "agreed": agreed, "signature": signature})
    assert response.status_code == 200 and f'id="id_{field}_error"' in response.content.decode()
    assert not Consent.objects.filter(patient=newcomer.patient).exists()


def test_it_refuses_an_unknown_consent_text(newcomer: Newcomer) -> None:
    with pytest.raises(InputError):
        consent_sign(actor=newcomer.user, patient=newcomer.patient, text_version="v0",
                     signature="Mary Somerville", agreed=True)


def test_it_pins_the_queries_of_the_health_page(newcomer: Newcomer,
                                                django_assert_max_num_queries) -> None:  # noqa: ANN001
    with django_assert_max_num_queries(16):
        assert newcomer.client.get(HEALTH).status_code == 200


def test_it_shows_on_the_portal_home_how_much_of_the_intake_is_done(newcomer: Newcomer) -> None:
    from acuback.patients.models import ImplantedDevice
    from acuback.portal.forms import IntakeHealthForm

    def card() -> str:
        page = newcomer.client.get(reverse("portal_home")).content.decode()
        return page.split('data-testid="portal-intake"')[1].split("</section>")[0]

    assert "0 of 3 steps done" in card() and "Fill in your details" in card()
    newcomer.client.post(CONTACT, {"version": "1", "phone": "(202) 555-0147", "email": "",
                                   "address": ""})
    assert "1 of 3 steps done" in card() and "Carry on" in card()
    answers = {name: "no" for name, field in IntakeHealthForm.base_fields.items()
               if name not in ("version", "pregnancy_weeks")
               and getattr(field, "choices", None) and any(v == "no" for v, _ in field.choices)}
    answers["implanted_device"] = ImplantedDevice.NONE
    assert _send(newcomer, **answers).status_code == 302
    assert "All answered" in newcomer.client.get("/portal/before-your-visit/").content.decode()
    assert "2 of 3 steps done" in card()
    newcomer.client.post(CONSENT, {"text_version": CURRENT_VERSION, "agreed": "on",
                                   "signature": "Mary Somerville"})
    assert "are all in" in card() and "steps done" not in card()
