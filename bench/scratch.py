"""A database of its own for a benchmark: a scratch PostgreSQL database beside the one a URL
names, created empty and dropped afterwards (also when the benchmark fails), with a data
directory of its own and the environment that points acuback at both."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# A benchmark's install is thrown away with its database: its key is never used anywhere else.
SECRET = "bench-only-secret-key-never-used-anywhere-else-0123456789abcdef"  # noqa: S105


@contextmanager
def postgres_env(url: str, suffix: str, *, keep: str | None = None) -> Iterator[dict[str, str]]:
    """The environment of an install on `<database>_<suffix>`, a new database beside `url`'s.
    With `keep` (a directory for its data dir): the database and the directory are kept
    afterwards, and one kept before is used again as it is (for a benchmark that reuses what
    it built)."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'acuback'}_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if keep is None or found is None:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {"ACUBACK_DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}")),
           "ACUBACK_SECRET_KEY": SECRET, "ACUBACK_SECURE": "false"}
    if keep is not None:
        Path(keep).mkdir(parents=True, exist_ok=True)
        yield {"ACUBACK_DATA_DIR": keep, **env}
        return
    try:
        with tempfile.TemporaryDirectory(prefix=f"acuback-{suffix}-") as data:
            yield {"ACUBACK_DATA_DIR": data, **env}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
