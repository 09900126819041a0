"""Durability: kill -9 the whole server while API writes are in flight, start it again, and every
write it acknowledged is there, audited, with the audit chain intact. On SQLite (WAL,
synchronous=FULL) and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.served import (
    Browser,
    Served,
    Template,
    Writers,
    install_facts,
    prepared_install,
    run_acuback,
)


@pytest.fixture
def env(template: Template, tmp_path: Path) -> Iterator[dict[str, str]]:
    with prepared_install(template, tmp_path, "durable") as environment:
        yield environment


def test_it_keeps_every_acknowledged_write_through_a_kill_9(env: dict[str, str],
                                                             template: Template) -> None:
    token = template.token
    server = Served(env, workers=3)
    server.start()
    try:
        with Writers(server.base, token) as writers:
            writers.wait_for(60)
            server.kill()  # master and workers at once, requests still in flight
        acked = dict(writers.acked)
        assert writers.errors == []
        server.start()
        assert Browser(server.base).get(f"/api/patients/{min(acked)}",
                                        Authorization=f"Bearer {token}").status == 200
    finally:
        server.stop()
    facts = install_facts(env)
    lost = {pk: name for pk, name in acked.items() if facts["patients"].get(pk) != name}
    assert lost == {}, f"{len(lost)} of {len(acked)} acknowledged writes lost"
    assert set(acked) <= set(facts["audited_creates"])
    verify = run_acuback(env, "audit", "verify")
    assert (verify.returncode, "chain intact" in verify.stdout) == (0, True), verify.stdout
