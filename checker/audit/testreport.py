"""Test reports: each scenario file's result under `checker test`, and JUnit XML.

This module owns `TestCase`, `TestReport` (with the corpus coverage when asked for) and
`junit_xml`, the report as one JUnit test case per scenario file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.audit.coverage import Coverage


@dataclass(frozen=True)
class TestCase:
    """One scenario file's result under `checker test`."""

    file: str
    scenario: str | None
    status: str  # passed | failed | skipped | error
    expect: str | None = None
    verdict: str | None = None
    readings: tuple[tuple[str, str], ...] = ()
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "scenario": self.scenario,
            "status": self.status,
            "expect": self.expect,
            "verdict": self.verdict,
            "readings": dict(self.readings),
            "message": self.message,
        }


@dataclass(frozen=True)
class TestReport:
    cases: tuple[TestCase, ...]
    coverage: Coverage | None = None

    def count(self, status: str) -> int:
        return sum(1 for case in self.cases if case.status == status)

    def summary(self) -> str:
        text = f"{self.count('passed')} passed, {self.count('failed')} failed"
        if self.count("skipped"):
            text += f", {self.count('skipped')} skipped"
        if self.count("error"):
            text += f", {self.count('error')} not evaluated (bad input)"
        return text

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "passed": self.count("passed"),
            "failed": self.count("failed"),
            "skipped": self.count("skipped"),
            "errors": self.count("error"),
            "cases": [case.to_dict() for case in self.cases],
        }
        if self.coverage is not None:
            data["coverage"] = self.coverage.to_dict()
        return data
