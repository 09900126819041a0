"""Versioned consent texts, written in our own words. A recorded consent names its version."""

from __future__ import annotations

from functools import cache
from importlib import resources

CURRENT_VERSION = "acupuncture-v1"
VERSIONS = ("acupuncture-v1",)


@cache
def consent_text(version: str = CURRENT_VERSION) -> str:
    if version not in VERSIONS:
        raise KeyError(version)
    return resources.files(__package__).joinpath(f"{version}.md").read_text(encoding="utf-8")
