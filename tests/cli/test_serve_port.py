"""`acuback serve` on a port that is taken says so and exits 2, before it migrates or claims to
serve; on an address it cannot use it says that."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from tests.test_settings import acuback


def test_it_exits_2_when_the_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        result = acuback(tmp_path, "serve", "--port", str(port))
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "serving on" not in result.stdout
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 30  # no retrying for seconds
    assert not (tmp_path / "acuback.sqlite3").exists()  # nothing migrated


def test_it_exits_2_for_an_address_it_cannot_find(tmp_path: Path) -> None:
    result = acuback(tmp_path, "serve", "--host", "no-such-host.invalid", "--port", "8123")
    assert result.returncode == 2
    assert "cannot find the address 'no-such-host.invalid'" in result.stderr
