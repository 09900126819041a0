"""Kept for imports that predate acuback.accounts.sessions (the session rules live there)."""

from __future__ import annotations

from acuback.accounts.sessions import SESSION_STARTED, SessionActivityMiddleware

AbsoluteSessionExpiryMiddleware = SessionActivityMiddleware

__all__ = ["SESSION_STARTED", "AbsoluteSessionExpiryMiddleware", "SessionActivityMiddleware"]
