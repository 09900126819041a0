"""OperationOutcome: how /fhir says what went wrong (and, after an import, what it noticed)."""

from __future__ import annotations

from dataclasses import dataclass

from acuback.interop.resources.common import Json


@dataclass(frozen=True)
class Issue:
    severity: str  # fatal | error | warning | information
    code: str  # FHIR issue-type: invalid, required, value, not-found, forbidden, ...
    diagnostics: str
    expression: str | None = None  # FHIRPath of the element, e.g. Bundle.entry[2].resource.gender

    def as_json(self) -> Json:
        issue: Json = {"severity": self.severity, "code": self.code,
                       "diagnostics": self.diagnostics}
        if self.expression:
            issue["expression"] = [self.expression]
        return issue


def operation_outcome(issues: list[Issue]) -> Json:
    return {"resourceType": "OperationOutcome", "issue": [i.as_json() for i in issues]}


def single(severity: str, code: str, diagnostics: str, expression: str | None = None) -> Json:
    return operation_outcome([Issue(severity, code, diagnostics, expression)])
