"""Test reports: each scenario file's result under `checker test`.

This module owns `TestCase` (with the located problems CI reports show: the scenario's
`expect` when it is not met, or what stopped the file) and `TestReport` (with the corpus
coverage when asked for). Their renderings (JUnit XML, GitHub annotations, SARIF) live in
`checker.report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from msgspec import Struct

from checker.audit.coverage import Coverage
from checker.audit.validation import EXPECTATION, problem_dict, problem_kind
from checker.errors import CheckerError, Location, Problem
from checker.read.sourcemap import parse_json, read_text


class TestCase(Struct, frozen=True):
    """One scenario file's result under `checker test`."""

    file: str
    scenario: str | None
    status: str  # passed | failed | skipped | error
    expect: str | None = None
    verdict: str | None = None
    readings: tuple[tuple[str, str], ...] = ()
    message: str = ""
    problems: tuple[Problem, ...] = ()
    """Located: the `expect` not met (failed), or what stopped the file (error)."""

    def kind(self, problem: Problem) -> str:
        return EXPECTATION if self.status == "failed" else problem_kind(problem)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "scenario": self.scenario,
            "status": self.status,
            "expect": self.expect,
            "verdict": self.verdict,
            "readings": dict(self.readings),
            "message": self.message,
            "problems": [problem_dict(p, self.kind(p)) for p in self.problems],
        }


def expectation_problem(file: str, expect: str, verdict: str) -> Problem:
    """A failed expectation, located at the scenario's `expect` key (line 1 when the file
    cannot be read again, as stdin cannot)."""
    message = f"expected {expect}, got {verdict}"
    try:
        where = parse_json(read_text(Path(file)), file).locate(("expect",))
    except CheckerError:
        where = Location(file, 1, 1, "expect")
    return Problem(where, message)


class TestReport(Struct, frozen=True):
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
