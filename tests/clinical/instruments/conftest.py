"""Fixtures for the instrument tests: the shared reference data beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_service

# In CI the repository is a fresh clone with shared/ beside it: <root>/../shared/reference.
REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference"


@pytest.fixture
def reference() -> Path:
    require_service(REFERENCE.exists(), "../shared/reference")
    return REFERENCE
