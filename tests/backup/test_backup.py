"""`acuback backup` and `acuback restore`, for real, on SQLite and PostgreSQL: the round trip,
a backup taken while the server writes, and every refusal a careless or hostile restore meets."""

from __future__ import annotations

import json
import sqlite3
import stat
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from acuback.backup.archive import MANIFEST, Manifest, sha256_of, write_archive
from tests.served import (
    Served,
    Template,
    Writers,
    empty_install,
    install_facts,
    prepared_install,
    run_acuback,
    sqlite_copy,
)
from tests.test_settings import clean_env


@pytest.fixture
def source(template: Template, tmp_path: Path) -> Iterator[dict[str, str]]:
    """An install with a clinic, a practitioner and an API token, to back up."""
    with prepared_install(template, tmp_path / "source", "backup_source") as env:
        yield env


@pytest.fixture
def target(database_kind: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """An empty install to restore into."""
    with empty_install(database_kind, tmp_path / "target", "backup_target") as env:
        yield env


def _private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def _backup(env: dict[str, str], path: Path) -> dict[str, object]:
    done = run_acuback(env, "backup", str(path))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_it_round_trips_a_backup(source: dict[str, str], target: dict[str, str],
                                 tmp_path: Path) -> None:
    backup = tmp_path / "clinic.backup"
    written = _backup(source, backup)
    assert _private(backup)
    assert written["anchor"]["chain_seq"] >= 1
    restored = run_acuback(target, "restore", str(backup))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "intact" in restored.stdout
    assert install_facts(target) == install_facts(source)


def test_it_refuses_to_restore_over_data_unless_forced(source: dict[str, str],
                                                       tmp_path: Path) -> None:
    backup = tmp_path / "clinic.backup"
    _backup(source, backup)
    refused = run_acuback(source, "restore", str(backup))
    assert refused.returncode == 2
    assert "already holds data" in refused.stderr and "--force" in refused.stderr
    forced = run_acuback(source, "restore", "--force", str(backup))
    assert forced.returncode == 0, forced.stdout + forced.stderr


def test_it_restores_a_backup_taken_under_write_load(
        source: dict[str, str], target: dict[str, str], template: Template,
        tmp_path: Path) -> None:
    token = template.token
    backup = tmp_path / "busy.backup"
    server = Served(source, workers=2)
    server.start()
    try:
        with Writers(server.base, token) as writers:
            writers.wait_for(20)
            before = dict(writers.acked)
            done = run_acuback(source, "backup", str(backup))
            writers.wait_for(len(writers.acked) + 10)  # still writing after the copy
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr
    assert writers.errors == []
    restored = run_acuback(target, "restore", str(backup))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    patients = install_facts(target)["patients"]
    assert {pk: patients.get(pk) for pk in before} == before
    assert len(patients) < len(writers.acked)  # a copy of one moment, not of the end


# --- SQLite: files, and refusals that need no second database -----------------------------------


@pytest.fixture
def sqlite_template(install_template) -> Template:  # noqa: ANN001
    return install_template("sqlite")


def test_it_keeps_the_database_files_private(tmp_path: Path) -> None:
    """The files acuback itself creates in an empty data dir (migrating writes the database)."""
    assert run_acuback(clean_env(tmp_path), "manage", "migrate", "-v0").returncode == 0
    files = [tmp_path / name for name in ("acuback.sqlite3", "secret_key")]
    files += [p for p in tmp_path.glob("acuback.sqlite3-*")]
    assert files and all(_private(p) for p in files), {
        p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files}


def _small_backup(tmp_path: Path, template: Template) -> tuple[dict[str, str], Path]:
    env = sqlite_copy(template, tmp_path / "source")
    backup = tmp_path / "clinic.backup"
    _backup(env, backup)
    return env, backup


def _rewrite(backup: Path, tmp_path: Path, change_database=None, **manifest_changes) -> None:  # noqa: ANN001
    """Rebuild `backup` as a forger would: change the database, fix the checksum."""
    with tarfile.open(backup) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
        tar.extract(manifest["payload"], tmp_path, filter="data")
    payload = tmp_path / manifest["payload"]
    if change_database:
        change_database(payload)
    manifest.update(size=payload.stat().st_size, sha256=sha256_of(payload), **manifest_changes)
    write_archive(backup, payload, Manifest.parse(manifest))


def test_it_refuses_a_damaged_backup(tmp_path: Path, sqlite_template: Template) -> None:
    _, backup = _small_backup(tmp_path, sqlite_template)
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle of the database
    backup.write_bytes(bytes(data))
    target = clean_env(tmp_path / "target")
    refused = run_acuback(target, "restore", str(backup))
    assert (refused.returncode, "damaged" in refused.stderr) == (2, True), refused.stderr
    assert not (tmp_path / "target" / "acuback.sqlite3").stat().st_size


def test_it_fails_a_restore_whose_trail_was_cut_back(tmp_path: Path,
                                                     sqlite_template: Template) -> None:
    """A backup whose database lost its newest audit entries, checksum recomputed: the chain
    alone still verifies, the anchor recorded in the backup does not."""
    _, backup = _small_backup(tmp_path, sqlite_template)

    def cut(payload: Path) -> None:
        db = sqlite3.connect(payload)  # closed, not only committed: the WAL goes back in
        db.create_function("acuback_audit_guard_off", 0, lambda: 1)  # the forger's own
        with db:
            db.execute("DELETE FROM audit_auditentry WHERE chain_seq = "
                       "(SELECT max(chain_seq) FROM audit_auditentry)")
        db.close()

    _rewrite(backup, tmp_path, cut)
    target = clean_env(tmp_path / "target")
    restored = run_acuback(target, "restore", str(backup))
    assert restored.returncode == 1
    assert "the trail was cut back" in restored.stdout


def test_it_refuses_a_backup_of_the_other_database(tmp_path: Path,
                                                   sqlite_template: Template) -> None:
    _, backup = _small_backup(tmp_path, sqlite_template)
    _rewrite(backup, tmp_path, database="postgresql")
    target = clean_env(tmp_path / "target")
    refused = run_acuback(target, "restore", str(backup))
    assert (refused.returncode, "postgresql backup" in refused.stderr) == (2, True)


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar"
    junk.write_text("not a backup")
    refused = run_acuback(clean_env(tmp_path / "t"), "restore",
                          str(junk))
    assert (refused.returncode, "not an acuback backup" in refused.stderr) == (2, True)


def test_it_refuses_to_overwrite_a_backup_file(tmp_path: Path,
                                              sqlite_template: Template) -> None:
    env, backup = _small_backup(tmp_path, sqlite_template)
    again = run_acuback(env, "backup", str(backup))
    assert (again.returncode, "--overwrite" in again.stderr) == (2, True)
    assert run_acuback(env, "backup", "--overwrite", str(backup)).returncode == 0


def test_it_refuses_to_back_up_an_empty_install(tmp_path: Path) -> None:
    refused = run_acuback(clean_env(tmp_path), "backup",
                          str(tmp_path / "nothing.backup"))
    assert (refused.returncode, "no data" in refused.stderr) == (2, True)
