"""The database itself refuses to change or remove audit entries.

Triggers on `audit_auditentry` (installed by migration 0002, on SQLite and PostgreSQL alike)
refuse every DELETE, every TRUNCATE, and every UPDATE but one: sealing, which fills the chain
columns of an entry that has none yet and leaves everything else as it was. So an entry can be
written and sealed once, and never edited, re-sealed or removed, whoever runs the SQL.

Who owns the database can still drop a trigger; what catches that is the chain together with an
anchor of its head kept outside the database (`acuback audit anchor`, and every backup).

The one way around, for the test harness only (pytest-django empties the database between
transactional tests), is a per-connection switch that only a test database honours:
- PostgreSQL: the session setting `acuback.audit_guard = 'off'`, honoured only in a database
  whose name starts with `test_` (Django's test databases);
- SQLite: the SQL function `acuback_audit_guard_off()`, which this module registers on every
  Django connection and which answers 1 only while the connection's
  `acuback_audit_guard_off` attribute is true. A program that does not register it (the
  sqlite3 shell) cannot even prepare an UPDATE or DELETE of the table.
Nothing in acuback itself sets either switch; tests/conftest.py does, around a flush.
"""

from __future__ import annotations

from typing import Any

TABLE = "audit_auditentry"
TRIGGERS = {
    "postgresql": ("audit_entry_append_only", "audit_entry_no_truncate"),
    "sqlite": ("audit_entry_no_update", "audit_entry_no_delete"),
}
SQLITE_SWITCH = "acuback_audit_guard_off"


def _unchanged(columns: tuple[str, ...], operator: str) -> str:
    return " AND ".join(f"NEW.{c} {operator} OLD.{c}" for c in columns)


_POSTGRES_INSTALL = """
CREATE OR REPLACE FUNCTION acuback_audit_guard_lifted() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('acuback.audit_guard', true), '') = 'off'
       AND current_database() LIKE 'test\\_%'
$$;
CREATE OR REPLACE FUNCTION acuback_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF acuback_audit_guard_lifted() THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL
       AND {unchanged} THEN
        RETURN NEW;  -- sealing
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: % of entry % refused', TG_OP, OLD.seq;
END
$$;
CREATE OR REPLACE FUNCTION acuback_audit_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF acuback_audit_guard_lifted() THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: TRUNCATE refused';
END
$$;
DROP TRIGGER IF EXISTS audit_entry_append_only ON {table};
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION acuback_audit_append_only();
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {table};
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION acuback_audit_no_truncate();
"""

_POSTGRES_REMOVE = f"""
DROP TRIGGER IF EXISTS audit_entry_append_only ON {TABLE};
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS acuback_audit_append_only();
DROP FUNCTION IF EXISTS acuback_audit_no_truncate();
DROP FUNCTION IF EXISTS acuback_audit_guard_lifted();
"""

_SQLITE_INSTALL = (
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON {table}
    WHEN NOT {switch}() AND NOT (OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL
        AND {unchanged})
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END""",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON {table}
    WHEN NOT {switch}()
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused'); END""",
)


def install(schema_editor: Any, content_columns: tuple[str, ...]) -> None:
    """Create (or re-create) the triggers; a migration's forward step. `content_columns` are
    every column of the table but the three sealing fills, as of that migration: an UPDATE
    that changes any of them is refused even while it seals."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_POSTGRES_INSTALL.format(
            table=TABLE, unchanged=_unchanged(content_columns, "IS NOT DISTINCT FROM")),
            params=None)  # no parameters: the LIKE pattern's % is not a placeholder
    elif vendor == "sqlite":
        for statement in _SQLITE_INSTALL:
            schema_editor.execute(statement.format(
                table=TABLE, switch=SQLITE_SWITCH, unchanged=_unchanged(content_columns, "IS")),
                params=None)


def remove(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_POSTGRES_REMOVE, params=None)
    elif vendor == "sqlite":
        for name in TRIGGERS["sqlite"]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def missing_triggers(connection: Any) -> list[str]:
    """The guard's triggers this database lacks (a migration that rebuilt the table on SQLite
    drops them; so does someone who meant to tamper). `acuback audit verify` reports them."""
    expected = TRIGGERS.get(connection.vendor, ())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
                           "AND NOT tgisinternal AND tgenabled <> 'D'", [TABLE])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                           "AND tbl_name = %s", [TABLE])
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected if name not in present]


def register_sqlite_switch(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: give each SQLite connection the function the triggers
    call, answering from this connection's switch (off unless the test harness sets it)."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        SQLITE_SWITCH, 0, lambda: int(bool(getattr(connection, SQLITE_SWITCH, False))),
        deterministic=False)
