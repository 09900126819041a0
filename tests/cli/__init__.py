"""Tests of the `acuback` command, run for real as a subprocess."""

from __future__ import annotations

import subprocess
import sys


def acuback(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run `python -m acuback ARGS` with our own interpreter, text in and out."""
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "acuback", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
