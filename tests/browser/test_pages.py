"""Every page at tablet size: it renders, has a heading, and never scrolls sideways.
The screenshots in /tmp/shots are for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, TABLET, login, overflows, shot
from tests.personas import World

pytestmark = pytest.mark.browser

PAGES = {
    "patient-list": ("owner", lambda w: "/patients/"),
    "patient-create": ("owner", lambda w: "/patients/new/"),
    "patient-detail": ("owner", lambda w: f"/patients/{w.patient.pk}/"),
    "patient-edit": ("owner", lambda w: f"/patients/{w.patient.pk}/edit/"),
    "health-edit": ("owner", lambda w: f"/patients/{w.patient.pk}/health/"),
    "consent-create": ("owner", lambda w: f"/patients/{w.patient.pk}/consent/"),
    "episode-create": ("owner", lambda w: f"/patients/{w.patient.pk}/episodes/new/"),
    "episode-detail": ("owner", lambda w: f"/episodes/{w.episode.pk}/"),
    "episode-edit": ("owner", lambda w: f"/episodes/{w.episode.pk}/edit/"),
    "audit-list": ("owner", lambda w: "/audit/"),
    "my-record": ("pt", lambda w: "/patients/me/"),
    "forbidden": ("desk", lambda w: f"/patients/{w.patient.pk}/health/"),
    "not-found": ("outsider", lambda w: f"/patients/{w.patient.pk}/"),
    "admin-index": ("owner", lambda w: "/admin/"),
    "admin-patients": ("owner", lambda w: "/admin/patients/patient/"),
    "admin-patient": ("owner", lambda w: f"/admin/patients/patient/{w.patient.pk}/change/"),
    "admin-audit": ("owner", lambda w: "/admin/audit/auditentry/"),
    "admin-users": ("owner", lambda w: "/admin/accounts/user/"),
    "staff-list": ("owner", lambda w: "/staff/"),
    "staff-invite": ("owner", lambda w: "/staff/invite/"),
    "staff-detail": ("owner", lambda w: f"/staff/{w.practitioner.pk}/"),
    "staff-credentials": ("owner", lambda w: f"/staff/{w.practitioner.pk}/credentials/"),
    "staff-tokens": ("owner", lambda w: "/staff/tokens/"),
    "account": ("prac", lambda w: "/account/"),
    "password-change": ("prac", lambda w: "/account/password/"),
    "portal-invite": ("desk", lambda w: f"/patients/{w.other_patient.pk}/"),
}


@pytest.mark.parametrize("name", PAGES)
def test_it_fits_every_page_on_a_tablet(page, world: World, name: str) -> None:
    username, path = PAGES[name]
    login(page, username)
    page.set_viewport_size(TABLET)
    page.goto(path(world))
    expect(page.locator("main h1")).to_be_visible()
    assert not overflows(page), f"{name} scrolls sideways at 768 px"
    shot(page, f"tablet-{name}")
    page.set_viewport_size(DESKTOP)
    shot(page, f"desktop-{name}")
