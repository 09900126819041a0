"""Who may reach what through the web pages: every persona against every page that touches
patient data (GET, and POST for the forms), with the expected answer of each cell by hand.

Targets of the id-bound pages, in this order in every row (as in test_api_matrix.py):
  A-own    clinic A's patient who has a portal login (`world.patient`) / their episode
  A-other  another clinic A patient (`world.other_patient`) / their episode
  B        clinic B's patient (`world.patient_b`) / their episode

Answers: a status code; LOGIN = redirected to the login page; LIST = redirected to the patient
list (staff opening the patients' own-record page); ME = redirected to the patient's own
record (a patient opening the staff start page); SAVED = the form was accepted and the page
redirects to the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from acuback.audit.models import AuditEntry
from acuback.episodes.models import Episode
from acuback.patients.models import Consent, HealthHistory, Patient
from acuback.visits.models import Amendment, Visit
from acuback.visits.services import visit_start
from tests.personas import PASSWORD, World
from tests.screening.factories import screen

PERSONAS = ["owner", "practitioner", "front_desk", "patient_user", "outsider",
            "outsider_owner", "anonymous"]
TARGETS = ["A-own", "A-other", "B"]
LOGIN, LIST, ME, SAVED, PORTAL = "login", "list", "me", "saved", "portal"
ANON3 = (LOGIN, LOGIN, LOGIN)

# (page, method) -> persona -> answer, or (A-own, A-other, B) for id-bound pages
MATRIX: dict[tuple[str, str], dict[str, Any]] = {
    ("home", "GET"): {
        "owner": 200, "practitioner": 200, "front_desk": 200, "patient_user": PORTAL,
        "outsider": 200, "outsider_owner": 200, "anonymous": LOGIN,
    },
    ("portal_home", "GET"): {
        "owner": 403, "practitioner": 403, "front_desk": 403, "patient_user": 200,
        "outsider": 403, "outsider_owner": 403, "anonymous": LOGIN,
    },
    # The pre-visit intake: the patient's own record only; staff have their own forms.
    **{(page, method): {
        "owner": 403, "practitioner": 403, "front_desk": 403,
        "patient_user": 200 if method == "GET" else SAVED,
        "outsider": 403, "outsider_owner": 403, "anonymous": LOGIN,
    } for page in ("portal_intake_contact", "portal_intake_health", "portal_intake_consent")
        for method in ("GET", "POST")},
    ("portal_intake", "GET"): {
        "owner": 403, "practitioner": 403, "front_desk": 403, "patient_user": 200,
        "outsider": 403, "outsider_owner": 403, "anonymous": LOGIN,
    },
    ("calendar", "GET"): {
        "owner": 200, "practitioner": 200, "front_desk": 200, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": LOGIN,
    },
    # Working hours are not patient data; every staff member sees the clinic's weeks (the
    # edit page's own matrix, owner/front desk/self, is in tests/scheduling/test_hours.py).
    ("hours_list", "GET"): {
        "owner": 200, "practitioner": 200, "front_desk": 200, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": LOGIN,
    },
    ("patient_list", "GET"): {
        "owner": 200, "practitioner": 200, "front_desk": 200, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": LOGIN,
    },
    ("patient_create", "GET"): {
        "owner": 200, "practitioner": 200, "front_desk": 200, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": LOGIN,
    },
    ("patient_create", "POST"): {
        "owner": SAVED, "practitioner": SAVED, "front_desk": SAVED, "patient_user": 403,
        "outsider": SAVED, "outsider_owner": SAVED, "anonymous": LOGIN,
    },
    ("my_record", "GET"): {
        "owner": LIST, "practitioner": LIST, "front_desk": LIST, "patient_user": 200,
        "outsider": LIST, "outsider_owner": LIST, "anonymous": LOGIN,
    },
    ("audit_list", "GET"): {
        "owner": 200, "practitioner": 403, "front_desk": 403, "patient_user": 403,
        "outsider": 403, "outsider_owner": 200, "anonymous": LOGIN,
    },
    ("patient_detail", "GET"): {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (200, 200, 404), "patient_user": (200, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200), "anonymous": ANON3,
    },
    ("patient_edit", "GET"): {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (200, 200, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200), "anonymous": ANON3,
    },
    ("patient_edit", "POST"): {
        "owner": (SAVED, SAVED, 404), "practitioner": (SAVED, SAVED, 404),
        "front_desk": (SAVED, SAVED, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, SAVED), "outsider_owner": (404, 404, SAVED), "anonymous": ANON3,
    },
    ("health_edit", "GET"): {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200), "anonymous": ANON3,
    },
    ("health_edit", "POST"): {
        "owner": (SAVED, SAVED, 404), "practitioner": (SAVED, SAVED, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, SAVED), "outsider_owner": (404, 404, SAVED), "anonymous": ANON3,
    },
    # A clinician confirms the answers the patient gave in the portal.
    ("health_confirm", "POST"): {
        "owner": (SAVED, SAVED, 404), "practitioner": (SAVED, SAVED, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, SAVED), "outsider_owner": (404, 404, SAVED), "anonymous": ANON3,
    },
    ("consent_create", "GET"): {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (200, 200, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200), "anonymous": ANON3,
    },
    ("consent_create", "POST"): {
        "owner": (SAVED, SAVED, 404), "practitioner": (SAVED, SAVED, 404),
        "front_desk": (SAVED, SAVED, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, SAVED), "outsider_owner": (404, 404, SAVED), "anonymous": ANON3,
    },
    ("episode_create", "GET"): {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200), "anonymous": ANON3,
    },
    ("episode_create", "POST"): {
        "owner": (SAVED, SAVED, 404), "practitioner": (SAVED, SAVED, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, SAVED), "outsider_owner": (404, 404, SAVED), "anonymous": ANON3,
    },
    ("episode_detail", "GET"): {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (200, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200), "anonymous": ANON3,
    },
    ("episode_edit", "GET"): {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200), "anonymous": ANON3,
    },
    ("episode_edit", "POST"): {
        "owner": (SAVED, SAVED, 404), "practitioner": (SAVED, SAVED, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, SAVED), "outsider_owner": (404, 404, SAVED), "anonymous": ANON3,
    },
    # Visits: rooms for all staff; content for clinicians; only the visit's own practitioner
    # (world.practitioner in A, outsider in B) writes or signs a draft; any clinician amends.
    ("visit_rooms", "GET"): {
        "owner": 200, "practitioner": 200, "front_desk": 200, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": LOGIN,
    },
    ("visit_unsigned", "GET"): {
        "owner": 200, "practitioner": 200, "front_desk": 403, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": LOGIN,
    },
    ("visit_lots", "GET"): {
        "owner": 200, "practitioner": 403, "front_desk": 403, "patient_user": 403,
        "outsider": 403, "outsider_owner": 200, "anonymous": LOGIN,
    },
    ("visit_episode", "GET"): {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200), "anonymous": ANON3,
    },
    ("visit_page", "GET"): {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200), "anonymous": ANON3,
    },
    ("visit_print", "GET"): {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200), "anonymous": ANON3,
    },
    ("visit_page", "POST"): {
        "owner": (403, 403, 404), "practitioner": (SAVED, SAVED, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, SAVED), "outsider_owner": (404, 404, 403), "anonymous": ANON3,
    },
    ("visit_sign", "POST"): {
        "owner": (403, 403, 404), "practitioner": (SAVED, SAVED, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, SAVED), "outsider_owner": (404, 404, 403), "anonymous": ANON3,
    },
    ("visit_amend", "POST"): {
        "owner": (SAVED, SAVED, 404), "practitioner": (SAVED, SAVED, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, SAVED), "outsider_owner": (404, 404, SAVED), "anonymous": ANON3,
    },
    # Outcomes are clinical: practitioners and owners; the patient's portal has its own view.
    ("outcome_episode", "GET"): {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200), "anonymous": ANON3,
    },
    ("outcome_report", "GET"): {
        "owner": (200, 200, 404), "practitioner": (200, 200, 404),
        "front_desk": (403, 403, 404), "patient_user": (403, 404, 404),
        "outsider": (404, 404, 200), "outsider_owner": (404, 404, 200), "anonymous": ANON3,
    },
    ("claims_ledger", "GET"): {
        "owner": 200, "practitioner": 200, "front_desk": 403, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": LOGIN,
    },
    # The cohort: owners their clinic, practitioners their own patients (docs/cohort.md).
    ("cohort_dashboard", "GET"): {
        "owner": 200, "practitioner": 200, "front_desk": 403, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": LOGIN,
    },
    ("cohort_download", "GET"): {
        "owner": 200, "practitioner": 200, "front_desk": 403, "patient_user": 403,
        "outsider": 200, "outsider_owner": 200, "anonymous": LOGIN,
    },
}
EPISODE_PAGES = {"episode_detail", "episode_edit", "outcome_episode", "outcome_report"}
VISIT_PAGES = {"visit_page", "visit_print", "visit_sign", "visit_amend"}
# Pages still being built are marked here, row by row: xfail(strict=True) so that the
# mark has to go the moment the page lands.
NOT_YET_BUILT: set[str] = set()


@dataclass(frozen=True)
class Cell:
    page: str
    method: str
    persona: str
    target: str | None
    expected: Any

    @property
    def id(self) -> str:
        return f"{self.page}-{self.method}-{self.persona}" + (
            f"-{self.target}" if self.target else "")


def _cells() -> list[Cell]:
    cells = []
    for (page, method), row in MATRIX.items():
        assert set(row) == set(PERSONAS), page  # the table misses no persona
        for persona in PERSONAS:
            answer = row[persona]
            if isinstance(answer, tuple):
                cells += [Cell(page, method, persona, t, a)
                          for t, a in zip(TARGETS, answer, strict=True)]
            else:
                cells.append(Cell(page, method, persona, None, answer))
    return cells


CELLS = _cells()


def _param(cell: Cell) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason="page not yet built")] if (
        cell.page in NOT_YET_BUILT) else []
    return pytest.param(cell, id=cell.id, marks=marks)


def _url(world: World, cell: Cell) -> str:
    if cell.target is None:
        return {"home": "/", "patient_list": "/patients/", "patient_create": "/patients/new/",
                "my_record": "/patients/me/", "audit_list": "/audit/",
                "visit_rooms": "/visits/rooms/", "visit_unsigned": "/visits/unsigned/",
                "visit_lots": "/visits/lots/?lot=LOT-1", "portal_home": "/portal/",
                "calendar": "/calendar/", "hours_list": "/calendar/hours/",
                "claims_ledger": "/outcomes/claims/",
                "cohort_dashboard": "/outcomes/cohort/",
                "cohort_download": "/outcomes/cohort/export.csv",
                "portal_intake": "/portal/before-your-visit/",
                "portal_intake_contact": "/portal/before-your-visit/contact/",
                "portal_intake_health": "/portal/before-your-visit/health/",
                "portal_intake_consent": "/portal/before-your-visit/consent/"}[cell.page]
    if cell.page == "visit_episode":
        return f"/visits/episode/{_cleared_episode(world, cell.target).pk}/"
    if cell.page in VISIT_PAGES:
        episode = _cleared_episode(world, cell.target)
        actor = world.outsider if cell.target == "B" else world.practitioner
        visit = visit_start(actor=actor, episode=episode, source="blank")
        suffix = {"visit_page": "", "visit_print": "print/", "visit_sign": "sign/",
                  "visit_amend": "amend/"}[cell.page]
        return f"/visits/{visit.pk}/{suffix}"
    if cell.page in EPISODE_PAGES:
        episode = {"A-own": world.episode, "A-other": world.other_episode,
                   "B": world.episode_b}[cell.target]
        if cell.page == "outcome_episode":
            return f"/outcomes/episodes/{episode.pk}/"
        if cell.page == "outcome_report":
            return f"/outcomes/episodes/{episode.pk}/progress.pdf?for=physician"
        return f"/episodes/{episode.pk}/" + ("edit/" if cell.page == "episode_edit" else "")
    patient = {"A-own": world.patient, "A-other": world.other_patient,
               "B": world.patient_b}[cell.target]
    suffix = {"patient_detail": "", "patient_edit": "edit/", "health_edit": "health/",
              "health_confirm": "health/confirm/",
              "consent_create": "consent/", "episode_create": "episodes/new/"}[cell.page]
    return f"/patients/{patient.pk}/{suffix}"


def _cleared_episode(world: World, target: str) -> Episode:
    """The target's episode, screened clear by its clinic's practitioner."""
    episode = {"A-own": world.episode, "A-other": world.other_episode,
               "B": world.episode_b}[target]
    screen(world.outsider if target == "B" else world.practitioner, episode)
    return episode


def _form(page: str) -> dict[str, str]:
    """Valid data for each form, so that only access decides the answer."""
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    patient = {"given_name": "Ada", "family_name": "Byron", "date_of_birth": "1970-05-17",
               "sex": "female", "practitioner_id": ""}
    episode = {"onset_date": "2026-01-05", "region": "lumbar", "side": "left",
               "radiation": "none", "icd10_code": "M54.59"}
    return {
        "patient_create": patient,
        "patient_edit": {**patient, "version": "1"},
        "health_edit": {"version": "2", "source": "patient", "anticoagulant": "yes",
                        "implanted_device": "none", "pregnant": "no", "skin_lesions": "no",
                        **dict.fromkeys(("bleeding_disorder", "needle_phobia",
                                         "immunosuppressed", "diabetes", "epilepsy",
                                         "metal_allergy"), "")},
        "consent_create": {"given_on": yesterday, "witness": "Sam"},
        "health_confirm": {"version": "2"},
        "portal_intake_contact": {"version": "1", "phone": "(202) 555-0142",
                                  "email": "ada@example.org", "address": "1 Main St"},
        "portal_intake_health": {"version": "2", "anticoagulant": "yes"},
        "portal_intake_consent": {"text_version": "acupuncture-v1", "agreed": "on",
                                  "signature": "Ada Lovelace"},
        "episode_create": episode,
        "episode_edit": {**episode, "status": "active", "version": "1"},
        "visit_page": {"version": "1", "started_at": timezone.localtime().strftime(
            "%Y-%m-%dT%H:%M"), "needles_in": "0", "needles_out": "0", "insertions": "1",
            "minutes_without_estim": "0", "minutes_with_estim": "0", "subjective": "Stiff"},
        "visit_sign": {"version": "1", "password": PASSWORD},
        "visit_amend": {"kind": "entered_in_error", "reason": "Started on the wrong patient"},
    }[page]


def visit(client: Client, world: World, cell: Cell, url: str = "", **extra: str) -> Any:
    url = url or _url(world, cell)
    if cell.method == "POST":
        return client.post(url, _form(cell.page), **extra)  # type: ignore[arg-type]
    return client.get(url, **extra)  # type: ignore[arg-type]


def answer(response: Any) -> Any:
    """The cell's answer, from the response."""
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith("/login/"):
        return LOGIN
    if location == "/patients/":
        return LIST
    if location == "/patients/me/":
        return ME
    if location == "/portal/":
        return PORTAL
    return SAVED


def _writes() -> tuple[object, ...]:
    """Everything a form here could change, in one comparable value."""
    return (Patient.objects.count(), Episode.objects.count(), Consent.objects.count(),
            Patient.objects.aggregate(v=Sum("version"))["v"],
            Episode.objects.aggregate(v=Sum("version"))["v"],
            HealthHistory.objects.filter(anticoagulant=True).count(),
            Visit.objects.aggregate(v=Sum("version"))["v"], Amendment.objects.count())


def test_it_covers_every_persona_and_page() -> None:
    assert {c.persona for c in CELLS} == set(PERSONAS)
    assert {page for page, _ in MATRIX} == {
        "home", "patient_list", "patient_create", "patient_detail", "patient_edit", "health_edit",
        "consent_create", "my_record", "episode_create", "episode_detail", "episode_edit",
        "audit_list", "visit_rooms", "visit_unsigned", "visit_lots", "visit_episode",
        "visit_page", "visit_print", "visit_sign", "visit_amend", "portal_home", "calendar",
        "hours_list", "outcome_episode", "outcome_report", "claims_ledger", "cohort_dashboard",
        "cohort_download", "portal_intake", "portal_intake_contact", "portal_intake_health",
        "portal_intake_consent", "health_confirm"}


@pytest.mark.parametrize("cell", [_param(c) for c in CELLS])
def test_it_answers_as_the_table_says(world: World, client_for, cell: Cell) -> None:  # noqa: ANN001
    response = visit(client_for(cell.persona), world, cell)
    assert answer(response) == cell.expected, response.content[:300]


REFUSED = [c for c in CELLS if c.expected in (403, 404, LOGIN)]


@pytest.mark.parametrize("cell", [_param(c) for c in REFUSED if c.method == "POST"])
def test_it_writes_nothing_for_a_refused_form(world: World, client_for, cell: Cell) -> None:  # noqa: ANN001
    url = _url(world, cell)  # a visit page's draft is made here, before counting
    before = _writes()
    visit(client_for(cell.persona), world, cell, url)
    assert _writes() == before


@pytest.mark.parametrize("cell", [_param(c) for c in REFUSED if c.expected != LOGIN])
def test_it_audits_every_refusal_with_the_actor(world: World, client_for, cell: Cell) -> None:  # noqa: ANN001
    last = AuditEntry.objects.order_by("-seq").first().seq
    visit(client_for(cell.persona), world, cell, REMOTE_ADDR="192.0.2.44")
    outcome = {403: "denied", 404: "not_found"}[cell.expected]
    refused = AuditEntry.objects.filter(
        seq__gt=last, outcome=outcome, actor_id=world.persona(cell.persona).pk,
        channel="web", client_addr="192.0.2.44")
    assert refused.exists(), list(AuditEntry.objects.filter(seq__gt=last).values(
        "action", "object_type", "outcome", "actor_username"))


READ_PAGES = [c for c in CELLS if c.expected == 200 and c.target is not None]


@pytest.mark.parametrize("cell", [_param(c) for c in READ_PAGES])
def test_it_audits_every_page_that_shows_a_record(world: World, client_for, cell: Cell) -> None:  # noqa: ANN001
    last = AuditEntry.objects.order_by("-seq").first().seq
    visit(client_for(cell.persona), world, cell, REMOTE_ADDR="192.0.2.45")
    assert AuditEntry.objects.filter(
        seq__gt=last, action="read", outcome="ok", actor_id=world.persona(cell.persona).pk,
        channel="web", client_addr="192.0.2.45").exists()
