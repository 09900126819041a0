"""Input errors raised by services, mapped by every interface the same way:
a form shows them beside the fields and keeps what was typed, the API answers 422 with an
application/problem+json body, the CLI exits 2 with the message."""

from __future__ import annotations


class InputError(Exception):
    def __init__(self, errors: dict[str, list[str]] | str) -> None:
        self.errors = {"__all__": [errors]} if isinstance(errors, str) else errors
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = []
        for field, messages in self.errors.items():
            label = "" if field == "__all__" else f"{field}: "
            parts.extend(f"{label}{m}" for m in messages)
        return "; ".join(parts)


class ConflictError(Exception):
    """Someone else saved this record since it was read (optimistic concurrency). Keyword
    arguments (`extra`) go into the API's 409 problem body, e.g. both versions of the record."""

    def __init__(self, message: str = "", **extra: object) -> None:
        self.extra = extra
        super().__init__(message)
