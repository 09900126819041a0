"""The audit trail: append-only entries, sealed in order into one SHA-256 hash chain.

An entry is written with its number (`seq`, in order of writing) and nothing else about the
chain, so writers never wait for one another. Sealing (acuback.audit.services.audit_seal) then
gives each unsealed entry, in `seq` order, the next place in the chain (`chain_seq`, 1, 2, ...),
the hash of the entry before it (`prev_hash`) and its own hash over its content and that link.
The database refuses every UPDATE and DELETE of an entry except that one sealing step
(acuback/audit/guard.py).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q


class Action(models.TextChoices):
    READ = "read", "Read"
    LIST = "list", "List"
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    EXPORT = "export", "Export"
    LOGIN = "login", "Log in"
    LOGOUT = "logout", "Log out"


class Outcome(models.TextChoices):
    OK = "ok", "Allowed"
    DENIED = "denied", "Refused: role may not"
    NOT_FOUND = "not_found", "Refused: not found or other clinic"
    INVALID = "invalid", "Refused: invalid input"
    FAILED = "failed", "Failed"


class Channel(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    CLI = "cli", "Command line"
    SYSTEM = "system", "System"


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an audit entry through the ORM."""


class AuditEntry(models.Model):
    # The actor is stored by value, not as a foreign key: deleting or renaming a user must never
    # rewrite history, and the hash covers exactly what is stored here.
    seq = models.PositiveBigIntegerField(unique=True)  # order of writing; gaps are possible
    # Place in the chain, 1, 2, ... without gaps; empty until the entry is sealed. The chain may
    # seal entries in a slightly different order from `seq` on PostgreSQL, where a writer can
    # commit after a later one: the chain's order is the one its links fix.
    chain_seq = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    clinic_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=40, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    client_addr = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)  # both empty until sealed
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name_plural = "audit entries"
        indexes = [
            # The sealer's "what is not sealed yet", without scanning the whole trail.
            models.Index(fields=["seq"], condition=Q(chain_seq__isnull=True),
                         name="audit_entry_unsealed"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_username or '-'} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries are append-only")
        super().save(*args, force_insert=True, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit entries are append-only")


class RefusalTally(models.Model):
    """Anonymous refusals from one address in one window, counted rather than written one entry
    each (a scanner's thousand 401s would otherwise be a thousand entries). The first refusal
    of a window is an audit entry; once the window has passed, the count becomes one more
    (acuback.audit.services.audit_refusals_close) and the tally row is removed."""

    window_start = models.DateTimeField()
    client_addr = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["window_start", "client_addr", "channel"],
                                               name="refusal_tally_one_per_window")]

    def __str__(self) -> str:
        return f"{self.count} refusals from {self.client_addr or '-'} since {self.window_start}"
