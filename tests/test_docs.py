"""Documentation kept honest by tests: every command and setting is in the README."""

from __future__ import annotations

import re
from pathlib import Path

from acuback.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_it_documents_every_cli_command() -> None:
    missing = [name for name in COMMANDS if f"acuback {name}" not in README]
    assert missing == []


def test_it_documents_every_environment_setting() -> None:
    sources = [ROOT / "acuback" / "settings.py", ROOT / "acuback" / "config.py",
               ROOT / "acuback" / "cli" / "serve.py"]
    used = set()
    for source in sources:
        used |= set(re.findall(r"ACUBACK_[A-Z_]+", source.read_text(encoding="utf-8")))
    missing = sorted(name for name in used if f"`{name}`" not in README)
    assert missing == []


def test_it_shows_the_two_commands() -> None:
    assert "make run" in README and "make test" in README
