"""The backup file: a tar of a manifest and one payload, written privately and atomically."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from acuback.config import PRIVATE

FORMAT = "acuback-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20

Progress = Callable[[int, int], None]  # (done, total)


def no_progress(done: int, total: int) -> None:
    """The default progress callback: nothing to show."""


class BackupError(Exception):
    """A backup that cannot be made, read or restored; the message says why, for the user."""


@dataclass(frozen=True)
class Manifest:
    database: str  # "sqlite" or "postgresql"
    payload: str  # the member holding the database
    size: int
    sha256: str
    anchor: dict[str, Any]  # acuback.audit.services.Anchor.as_dict()
    created_at: str
    acuback_version: str
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @classmethod
    def parse(cls, data: object) -> Manifest:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError("this is not an acuback backup (no acuback manifest)")
        if data.get("format_version") != FORMAT_VERSION:
            raise BackupError(f"backup format version {data.get('format_version')!r} is not "
                              f"one this acuback reads ({FORMAT_VERSION})")
        try:
            return cls(**{key: data[key] for key in cls.__dataclass_fields__})
        except KeyError as exc:
            raise BackupError(f"the backup's manifest lacks {exc.args[0]!r}") from exc


def private_create(path: Path) -> int:
    """A new file only its owner can read, from the first byte; a stale one is replaced."""
    path.unlink(missing_ok=True)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)


def sha256_of(path: Path, progress: Progress = no_progress) -> str:
    digest, total, done = hashlib.sha256(), path.stat().st_size, 0
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            done += len(chunk)
            progress(done, total)
    return digest.hexdigest()


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_archive(target: Path, payload: Path, manifest: Manifest) -> None:
    """Write the backup beside `target` and rename it into place once it is on disk, so a
    backup interrupted half-way never looks like a whole one."""
    partial = target.with_name(f".{target.name}.partial")
    with os.fdopen(private_create(partial), "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            text = json.dumps(asdict(manifest), indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(text), PRIVATE, int(time.time())
            tar.addfile(info, io.BytesIO(text))
            info = tar.gettarinfo(str(payload), arcname=manifest.payload)
            info.mode, info.uid, info.gid, info.uname, info.gname = PRIVATE, 0, 0, "", ""
            with payload.open("rb") as data:
                tar.addfile(info, data)
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(partial, target)
    _fsync_folder(target.parent)


def _open(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, mode="r:")
    except FileNotFoundError as exc:
        raise BackupError(f"{archive}: no such file") from exc
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{archive} is not an acuback backup ({exc})") from exc


def read_manifest(archive: Path) -> Manifest:
    with _open(archive) as tar:
        try:
            member = tar.extractfile(MANIFEST)
        except KeyError as exc:
            raise BackupError(f"{archive} is not an acuback backup (no manifest)") from exc
        if member is None:
            raise BackupError(f"{archive}: the manifest is not a file")
        try:
            return Manifest.parse(json.loads(member.read()))
        except ValueError as exc:
            raise BackupError(f"{archive}: the manifest is not JSON ({exc})") from exc


def extract_payload(archive: Path, manifest: Manifest, dest: Path,
                    progress: Progress = no_progress) -> None:
    """Copy the payload out to `dest` (private), checking its size and SHA-256 on the way."""
    digest, done = hashlib.sha256(), 0
    with _open(archive) as tar:
        try:
            member = tar.extractfile(manifest.payload)
        except KeyError as exc:
            raise BackupError(f"{archive} lacks its database ({manifest.payload})") from exc
        if member is None:
            raise BackupError(f"{archive}: {manifest.payload} is not a file")
        with os.fdopen(private_create(dest), "wb") as out:
            while chunk := member.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                done += len(chunk)
                progress(done, manifest.size)
            out.flush()
            os.fsync(out.fileno())
    if (done, digest.hexdigest()) != (manifest.size, manifest.sha256):
        dest.unlink()
        raise BackupError(f"{archive} is damaged: its database does not match the checksum "
                          "recorded when it was made")
