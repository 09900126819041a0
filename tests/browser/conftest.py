"""A real headless Chromium (the system one) driving the live Django server.

One browser per test module; each test gets a fresh context (cookies, storage) and
its own data from `build_world()`. Skips without /usr/bin/chromium, fails under CI=true.

Every browser test fails if Chromium reports a Content-Security-Policy violation on any page
it visited (inline script, style= attribute, eval, a resource from elsewhere): the console of
every context any test opens is watched (`CSP_VIOLATIONS`). Each also fails on a serious or
critical accessibility violation axe-core finds in a state it looked at: every `shot()` and the
page as the test leaves it (`tests.browser.axe`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import axe
from tests.conftest import require_service
from tests.personas import PASSWORD, World, build_world

# Playwright's sync API keeps an asyncio loop running in this thread; Django then refuses ORM
# calls from it (SynchronousOnlyOperation) unless told that this is safe, which it is here:
# the test code and the loop never touch the database at the same time.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps trying to reach hosts this network refuses.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for a person to look at
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}


CSP_VIOLATIONS: list[str] = []


def _record_csp_violation(message) -> None:  # noqa: ANN001 - a Playwright ConsoleMessage
    # Code the test itself runs through page.evaluate (axe-core's checks set inline styles on
    # elements they probe) has no source URL; the page's markup and scripts always have one.
    if "Content Security Policy" in message.text and message.location.get("url"):
        CSP_VIOLATIONS.append(f"{message.page.url if message.page else '?'}: {message.text}")


def _watch_every_context(browser) -> None:  # noqa: ANN001
    """Make each context this browser opens report CSP violations, whoever opens it."""
    new_context = browser.new_context

    def watched(*args: object, **kwargs: object) -> object:
        context = new_context(*args, **kwargs)
        context.on("console", _record_csp_violation)
        return context

    browser.new_context = watched


@pytest.fixture(autouse=True)
def no_csp_violations() -> Iterator[None]:
    """Torn down after the page fixture closed its context, so every message has arrived."""
    CSP_VIOLATIONS.clear()
    yield
    found = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.fixture(autouse=True)
def no_serious_axe_violations() -> Iterator[None]:
    """Torn down after the page fixture checked the last state."""
    axe.VIOLATIONS.clear()
    yield
    found = list(axe.VIOLATIONS)
    axe.VIOLATIONS.clear()
    assert not found, "serious accessibility violations (axe-core):\n" + "\n".join(found)


class _ServerRequests:
    """How many requests the live server is working on, from Django's own request signals.

    A browser that is closed stops waiting for its answers, but the server's thread goes on
    with the request (a search typed key by key leaves several); the database must not be
    flushed under it, or SQLite answers "database table is locked" in the teardown."""

    def __init__(self) -> None:
        self.busy = 0
        self.changed = threading.Condition()

    def started(self, **_: object) -> None:
        with self.changed:
            self.busy += 1

    def finished(self, **_: object) -> None:
        with self.changed:
            self.busy = max(0, self.busy - 1)
            self.changed.notify_all()

    def wait_until_quiet(self, timeout: float = 20.0, settle: float = 0.15) -> None:
        """Until no request has been running for `settle` seconds (a request the browser sent
        just before it closed may reach the server a moment later)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.changed:
                self.changed.wait_for(lambda: self.busy == 0,
                                      timeout=max(0.0, deadline - time.monotonic()))
            time.sleep(settle)
            with self.changed:
                if self.busy == 0:
                    return
        raise AssertionError(f"the live server still runs {self.busy} request(s) after "
                             f"{timeout:.0f} s")


SERVER_REQUESTS = _ServerRequests()


def _count_server_requests() -> None:
    from django.core.signals import request_finished, request_started

    request_started.connect(SERVER_REQUESTS.started, weak=False, dispatch_uid="browser-busy+")
    request_finished.connect(SERVER_REQUESTS.finished, weak=False, dispatch_uid="browser-busy-")


@pytest.fixture(autouse=True)
def quiet_server_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Torn down after the test's own fixtures and before the database is flushed: closes every
    browser context still open (a page that polls would go on asking) and waits until the live
    server has answered everything it was asked."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")  # so the flush comes after this teardown
    _count_server_requests()
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
    SERVER_REQUESTS.wait_until_quiet()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium per test module (a launch takes well under a second). Not session-scoped:
    Playwright's sync API keeps an asyncio loop running in this thread while it is open, so a
    module that starts its own Playwright, or any later test that runs an event loop, would
    fail while a session-wide browser is still up."""
    require_service(CHROMIUM.exists(), "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        _watch_every_context(launched)
        yield launched
        launched.close()


@pytest.fixture
def world(transactional_db: None, live_server: object) -> World:
    """The personas, committed so that the live server's thread sees them."""
    return build_world()


@pytest.fixture
def page(browser, live_server, request: pytest.FixtureRequest  # noqa: ANN001 - Playwright
         ) -> Iterator[object]:
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    # Generous: two test processes share CI's two cores with Chromium and the live server; a
    # real failure still fails, only later.
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    axe.check(page, f"{request.node.name}: last state")
    context.close()


def login(page, username: str) -> None:  # noqa: ANN001
    """Log in through the real login form and wait for the landing page."""
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def shot(page, name: str) -> None:  # noqa: ANN001
    """A screenshot to look at, and an accessibility check of this state."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    axe.check(page, name)


def overflows(page) -> bool:  # noqa: ANN001
    return bool(page.evaluate(
        "document.documentElement.scrollWidth > window.innerWidth"))
