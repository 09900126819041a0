"""`acuback backup` shows its progress on stderr: a live bar on a terminal (here a real
pseudo-terminal) that reaches 100 %, and nothing that garbles what it prints when stderr is
not a terminal. stdout is the JSON a program reads either way."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.served import COMMAND_TIMEOUT, Template, prepared_install

ESCAPE = "\x1b"
STEPS = {"sqlite": ("Copying the database", "Checksum"), "postgres": ("Dumping tables", "Checksum")}


@pytest.fixture
def source(template: Template, tmp_path: Path) -> Iterator[dict[str, str]]:
    with prepared_install(template, tmp_path / "source", "backup_progress") as env:
        yield env


def _backup_on_a_terminal(env: dict[str, str], path: Path) -> tuple[int, str, str]:
    """Run `acuback backup` with stderr on a pseudo-terminal: (exit status, stdout, what the
    terminal showed)."""
    main, terminal = pty.openpty()
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "acuback", "backup", str(path)],
        env={**env, "TERM": "xterm-256color", "COLUMNS": "100"},
        stdout=subprocess.PIPE, stderr=terminal, text=True)
    os.close(terminal)
    shown = bytearray()
    deadline = time.monotonic() + COMMAND_TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(main, 65536)
                except OSError:  # the other end closed: the command is done with its stderr
                    break
                if not chunk:
                    break
                shown += chunk
            elif proc.poll() is not None:
                break
        stdout = proc.stdout.read() if proc.stdout else ""
        status = proc.wait(timeout=60)
    finally:
        os.close(main)
        if proc.poll() is None:
            proc.kill()
    return status, stdout, shown.decode(errors="replace")


def test_it_shows_the_progress_of_a_backup_on_a_terminal(
        source: dict[str, str], database_kind: str, tmp_path: Path) -> None:
    status, stdout, shown = _backup_on_a_terminal(source, tmp_path / "clinic.backup")
    assert status == 0, shown
    assert ESCAPE in shown  # drawn live, as a terminal shows it
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    for step in STEPS[database_kind]:
        assert re.search(re.escape(step) + r"\s+━+\s+100%", plain), plain[-2000:]
    assert json.loads(stdout)["backup"] == str(tmp_path / "clinic.backup")


def test_it_prints_clean_json_and_messages_without_a_terminal(
        source: dict[str, str], tmp_path: Path) -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "acuback", "backup", str(tmp_path / "clinic.backup")],
        env=source, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    assert ESCAPE not in done.stdout + done.stderr
    written = json.loads(done.stdout)  # all of stdout is the one JSON document
    assert set(written) == {"backup", "database", "size", "sha256", "anchor"}
    again = subprocess.run(  # noqa: S603 - a refusal's message, on its own on stderr
        [sys.executable, "-m", "acuback", "backup", str(tmp_path / "clinic.backup")],
        env=source, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False)
    assert (again.returncode, again.stdout) == (2, "")
    assert again.stderr.startswith("acuback backup: ") and ESCAPE not in again.stderr
