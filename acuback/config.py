"""Typed readers for the environment. They fail loudly: a clinic must never run on a guess."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """A setting is present but unusable."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_str(name: str, default: str | None = None) -> str | None:
    raw = os.environ.get(name)
    return default if raw is None or raw.strip() == "" else raw.strip()


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """ACUBACK_DATA_DIR (default ./var): the SQLite database and the generated secret key.
    Created readable by its owner only; an existing folder keeps the permissions it has."""
    path = Path(env_str("ACUBACK_DATA_DIR", "var") or "var").resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


PRIVATE = 0o600


def private_file(path: Path) -> Path:
    """Make `path` a file only its owner can read (patient data, a secret): create it empty with
    mode 0600 if it is missing, and take group and other permissions off one that has them.

    SQLite creates its -wal and -shm files with the database file's permissions, so an SQLite
    database created here keeps them private too."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(PRIVATE)
    return path


def sqlite_private(database: Path) -> Path:
    """The SQLite database and whatever -wal/-shm files exist beside it, made private."""
    private_file(database)
    for suffix in ("-wal", "-shm"):
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            private_file(companion)
    return database


def secret_key(debug: bool, production: bool) -> str:
    """ACUBACK_SECRET_KEY, or in the embedded default a key generated once into the data dir.

    Production (a PostgreSQL deployment) must set the key explicitly: a key that lives beside
    the data would be lost or leaked with it.
    """
    explicit = env_str("ACUBACK_SECRET_KEY")
    if explicit:
        if len(explicit) < 50:
            raise ConfigError("ACUBACK_SECRET_KEY must be at least 50 characters long")
        return explicit
    if production:
        raise ConfigError("ACUBACK_SECRET_KEY is required when ACUBACK_DATABASE_URL is set")
    key_file = data_dir() / "secret_key"
    if not key_file.exists():
        _create_key_file(key_file)
    key = private_file(key_file).read_text().strip()
    if len(key) < 50:
        raise ConfigError(f"{key_file} holds no usable secret key; remove it to generate one")
    return key


def _create_key_file(key_file: Path) -> None:
    """Write a new key readable by its owner only from the first byte (never world-readable
    between a write and a chmod), and atomically: processes starting together (gunicorn
    workers, a demo beside a server) must all end up with the one key that won."""
    draft = key_file.with_name(f".secret_key.{secrets.token_hex(8)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(64))
        os.link(draft, key_file)  # fails if another process linked its key first
    except FileExistsError:
        pass
    finally:
        draft.unlink()


# How e-mail leaves acuback (invitations, password reset links). `smtp` is plain SMTP (a relay
# on the same machine or network), `smtp+tls` upgrades with STARTTLS (port 587), `smtp+ssl`
# speaks TLS from the first byte (port 465).
_EMAIL_SCHEMES = {"smtp": (False, False, 25), "smtp+tls": (True, False, 587),
                  "smtp+ssl": (False, True, 465)}
CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"


def email_settings(url: str | None) -> dict[str, object]:
    """Django's EMAIL_* settings from ACUBACK_EMAIL_URL (`smtp+tls://user:pass@host:587`).

    Unset, or `console://`, prints each message to the server's output: enough to try acuback
    and to copy a link by hand, never enough for a clinic (`acuback check` says so)."""
    from urllib.parse import unquote, urlsplit

    if url is None or url.startswith("console:"):
        return {"EMAIL_BACKEND": CONSOLE_EMAIL}
    parts = urlsplit(url)
    if parts.scheme not in _EMAIL_SCHEMES or not parts.hostname:
        raise ConfigError("ACUBACK_EMAIL_URL must look like smtp://host:25, "
                          "smtp+tls://user:password@host:587 or smtp+ssl://...; or console://")
    use_tls, use_ssl, default_port = _EMAIL_SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError as exc:
        raise ConfigError(f"ACUBACK_EMAIL_URL has an unusable port: {exc}") from exc
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname, "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls, "EMAIL_USE_SSL": use_ssl, "EMAIL_TIMEOUT": 20,
    }
