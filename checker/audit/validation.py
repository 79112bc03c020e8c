"""`checker validate` results, and the kinds of problem CI reports name.

This module owns `ValidationReport` (how many files were checked and every problem found)
and the problem kinds (`KINDS`, `problem_kind`) that the CI renderers (GitHub annotations,
SARIF rules) give each problem of `checker validate` and `checker test`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from msgspec import Struct

from checker.errors import Problem
from checker.read.rulebook import RULE_SUFFIXES

EXPECTATION = "expectation-not-met"

KINDS: dict[str, tuple[str, str]] = {
    EXPECTATION: (
        "Expectation not met",
        (
            "The scenario's verdict under the rulebook differs from the verdict its `expect` "
            "states: a rule change altered it, or the expectation is wrong."
        ),
    ),
    "invalid-scenario": (
        "Invalid scenario file",
        (
            "The scenario file is not valid input (JSON syntax, an unknown or missing field, a "
            "value out of range, an unknown weapon, ISO code or day); it is not evaluated."
        ),
    ),
    "invalid-rules": (
        "Invalid rule file",
        (
            "A rule file breaks the rule file format or a rulebook check (a dangling reference, "
            "a quote that is not a whole sentence of its source, an unknown `supports` term)."
        ),
    ),
    "unusable-path": (
        "Unusable path",
        (
            "A path that names no file or folder, cannot be read, is too large, or is a folder "
            "that holds no scenario files."
        ),
    ),
}
"""Each kind of problem: its id, a short name and what it means (SARIF rules, annotation
titles). Stable: a CI system may filter on them."""


def problem_kind(problem: Problem, rule_roots: tuple[str, ...] = ()) -> str:
    """The kind of a bad-input problem, from where it is: in a rule file or one of the
    rule folders `rule_roots`, or else about a path as a whole, or inside a scenario file."""
    where = Path(problem.location.file)
    roots = [Path(root) for root in rule_roots]
    if where.suffix in RULE_SUFFIXES or any(r == where or r in where.parents for r in roots):
        return "invalid-rules"
    if problem.location.line is None and not problem.location.field:
        return "unusable-path"  # about the file or folder as a whole, not something inside
    return "invalid-scenario"


def problem_dict(problem: Problem, kind: str) -> dict[str, Any]:
    """A problem as JSON: where (file, line, column, field), what, and its kind."""
    where = problem.location
    return {
        "file": where.file,
        "line": where.line,
        "column": where.column,
        "field": where.field,
        "message": problem.message,
        "kind": kind,
    }


def validate(paths: list[str], rules: str | None = None) -> ValidationReport:
    """Check rule folders and files and scenario files without evaluating."""
    from checker.evaluation.batch import validate_paths

    checked, problems = validate_paths(paths, rules)
    roots = [raw for raw in paths if _is_rules(Path(raw))]
    return ValidationReport(checked, tuple(problems), (*roots, *([rules] if rules else [])))


def _is_rules(path: Path) -> bool:
    """What `validate_paths` reads as rules: a rule file, or a folder holding one."""
    if path.suffix in RULE_SUFFIXES:
        return True
    return path.is_dir() and any(p.suffix in RULE_SUFFIXES for p in path.rglob("*"))


class ValidationReport(Struct, frozen=True):
    """What `checker validate` found: files checked, and every problem in them."""

    checked: int
    problems: tuple[Problem, ...] = ()
    rule_roots: tuple[str, ...] = ()
    """The rule files and folders among the paths checked: their problems are rule problems."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def kind(self, problem: Problem) -> str:
        return problem_kind(problem, self.rule_roots)

    def summary(self) -> str:
        """`N files checked, N problems`, the closing line of the text output."""
        files = "file" if self.checked == 1 else "files"
        problems = "problem" if len(self.problems) == 1 else "problems"
        return f"{self.checked} {files} checked, {len(self.problems)} {problems}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "problems": [problem_dict(p, self.kind(p)) for p in self.problems],
        }
