"""Documentation kept honest by tests: every command and setting is in the README, the docs
folder describes what it promises, and nothing a user reads points outside the repository
(a clone has nothing beside it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from acuback.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
READ_BY_USERS = [ROOT / "README.md", *DOCS]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_it_documents_every_cli_command() -> None:
    missing = [name for name in COMMANDS if f"acuback {name}" not in README]
    assert missing == []


@pytest.mark.parametrize("words", ["acuback token list", "acuback token revoke",
                                   "--expires", "acuback instruments template"])
def test_it_documents_the_subcommands(words: str) -> None:
    assert words in README


def test_it_documents_every_environment_setting() -> None:
    used = set()
    for source in (ROOT / "acuback").rglob("*.py"):
        used |= set(re.findall(r"ACUBACK_[A-Z_]+", source.read_text(encoding="utf-8")))
    assert len(used) > 10
    missing = sorted(name for name in used if f"`{name}`" not in README)
    assert missing == []


def test_it_shows_the_two_commands() -> None:
    assert "make run" in README and "make test" in README


def test_it_says_how_to_stop_the_server_and_start_the_demo_afresh() -> None:
    assert "Ctrl+C" in README and "rm -rf var" in README


def test_it_has_the_docs_the_readme_promises() -> None:
    names = {page.name for page in DOCS}
    assert {"README.md", "architecture.md", "clinical-rules.md", "security.md",
            "api.md"} <= names
    for name in names - {"README.md"}:
        assert f"docs/{name}" in README or f"({name})" in (ROOT / "docs/README.md").read_text()


@pytest.mark.parametrize("page", READ_BY_USERS, ids=lambda p: p.name)
def test_it_points_nowhere_outside_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "../shared" not in text and "/work/" not in text
    for target in LINK.findall(text):
        if target.startswith(("http://", "https://", "mailto:", "#")):
            continue
        resolved = (page.parent / target.split("#")[0]).resolve()
        assert ROOT in resolved.parents or resolved == ROOT, f"{page.name}: {target}"
        assert resolved.exists(), f"{page.name} links to a missing {target}"


def test_it_names_every_app_in_the_architecture() -> None:
    from django.conf import settings

    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    apps = [a.split(".")[1] for a in settings.INSTALLED_APPS
            if a.startswith("acuback.") and not a.endswith("AdminConfig")]
    missing = [app for app in apps if app not in architecture]
    assert missing == []


def test_it_names_every_instrument_in_the_clinical_rules() -> None:
    from acuback.clinical.instruments.registry import INSTRUMENTS

    rules = (ROOT / "docs" / "clinical-rules.md").read_text(encoding="utf-8")
    missing = [name for name in INSTRUMENTS if f"`{name}`" not in rules]
    assert missing == []
