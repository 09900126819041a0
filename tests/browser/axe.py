"""axe-core, the accessibility engine, over the page states the browser tests look at.

Issue 7 finding 7: every page state a browser test shows (each `shot()`, and the page as each
test leaves it) is checked by axe-core in Chromium; a serious or critical violation fails the
test (`tests.browser.conftest.no_serious_axe_violations`). Minor and moderate ones are written
to `/tmp/shots/axe.jsonl` with every state checked, for a person to read.

axe-core comes inside the `axe-playwright-python` wheel (pinned in pyproject.toml), so no
npm step is needed; it is injected through Playwright's evaluate, which the page's
Content-Security-Policy does not apply to.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe

BLOCKING = frozenset({"serious", "critical"})
# Pages that are not ours, whose markup we do not write: findings there are written to the
# report but fail nothing. Swagger UI (django-ninja serves it at /api/docs) has low-contrast
# text, nested buttons and no lang; Django's admin breadcrumbs are links told apart by colour
# alone. Everything else, the admin's other findings included, fails the test.
NOT_OURS: dict[str, frozenset[str] | None] = {  # path prefix -> rules not ours (None: all)
    "/api/docs": None,
    "/admin/": frozenset({"link-in-text-block"}),
}
REPORT = Path("/tmp/shots/axe.jsonl")  # noqa: S108 - for a person to look at

_AXE = Axe()
VIOLATIONS: list[str] = []  # the blocking ones of the running test, described


def violations(page: Any) -> list[dict[str, Any]]:  # noqa: ANN401 - a Playwright Page
    """Every axe-core violation on the page as it is now (WCAG 2 A/AA and best practices)."""
    return list(_AXE.run(page).response["violations"])


def check(page: Any, state: str) -> None:  # noqa: ANN401 - a Playwright Page
    """Check the page's current state; remember the blocking violations for the test to fail."""
    if page.is_closed() or not page.url.startswith("http"):
        return
    if "html" not in (page.evaluate("document.contentType") or ""):
        return  # a JSON answer or a PDF shown by Chromium: not a page of ours
    found = violations(page)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    with REPORT.open("a") as report:
        report.write(json.dumps({"state": state, "url": page.url, "violations": [
            {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in found]})
            + "\n")
    path = "/" + page.url.split("/", 3)[-1]
    exempt = next((rules for prefix, rules in NOT_OURS.items() if path.startswith(prefix)),
                  frozenset())
    for v in found:
        if v["impact"] in BLOCKING and not (exempt is None or v["id"] in exempt):
            targets = "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5])
            VIOLATIONS.append(f"{state} ({page.url}): {v['id']} [{v['impact']}] "
                              f"{v['help']} at {targets}")
