"""The base of every API input schema.

Unknown keys are refused, never ignored: a misspelt safety answer ("anticoagulants": true)
must answer 422, not be dropped while the real question silently keeps its old value.
Every `...In` schema of every router derives from `InputSchema`; a test checks the OpenAPI
document for it (tests/api/test_strict_inputs.py).
"""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")
