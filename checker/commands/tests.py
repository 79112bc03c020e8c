"""`checker test` and `checker validate`: a corpus checked against its expectations, or
rule and scenario files checked without evaluating."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.errors import Problem
from checker.report.styled import Styled
from checker.report.writer import Writer


def test_paths(
    writer: Writer,
    paths: list[str] | None = None,
    *,
    format: str = "text",
    reading: str | None = None,
    rules: str | None = None,
    coverage: bool = False,
    junit: str | None = None,
    keyword: str | None = None,
    fail_under: float | None = None,
) -> int:
    """Compare each scenario's `expect` with its verdict: 1 on a mismatch, 2 on bad input.

    Without paths, the project's scenario corpus (`checker.read.rulebook.find_scenarios`).
    `keyword`: only the scenarios whose file or id contains it (any letter case).
    `fail_under`: also 1 when coverage (then computed) is under this percentage.
    """
    from checker.audit.testreport import TestCase, TestReport, expectation_problem
    from checker.commands.project import corpus, name_rulebook
    from checker.commands.project import rulebook as find
    from checker.evaluation.batch import evaluate_paths
    from checker.report.audit import junit_xml
    from checker.report.registry import render
    from checker.report.verdict import text

    paths = paths or [corpus(None, rules, "test")]
    rulebook = find(rules)
    name_rulebook(writer, rulebook, format)
    cases: list[TestCase] = []
    for result in evaluate_paths(paths, rulebook, reading=reading):
        verdict = result.verdict
        if keyword is not None and not _matches(keyword, result.file, verdict):
            continue
        if verdict is None:
            for problem in result.problems:
                writer.problem(problem)
            message = "\n".join(str(p) for p in result.problems)
            cases.append(
                TestCase(result.file, None, "error", message=message, problems=result.problems)
            )
            continue
        met = result.expectation_met
        status = "skipped" if met is None else "passed" if met else "failed"
        explained = text(verdict)
        located: tuple[Problem, ...] = ()
        if status == "failed" and verdict.expect is not None:  # where `expect` is, for CI
            located = (expectation_problem(result.file, verdict.expect, verdict.verdict),)
        cases.append(
            TestCase(
                result.file,
                verdict.scenario,
                status,
                verdict.expect,
                verdict.verdict,
                tuple(verdict.readings.items()),
                str(explained) if status == "failed" else "",
                located,
            )
        )
        if status == "failed" and format == "text":
            writer.out(
                Styled().line(
                    ("FAIL", "bold red"),
                    f" {result.file}: expected {verdict.expect}, got {verdict.verdict}",
                )
            )
            writer.out(explained)
    found = _coverage(rulebook, cases) if coverage or fail_under is not None else None
    report = TestReport(tuple(cases), found)
    if junit is not None:
        Path(junit).write_text(junit_xml(report), encoding="utf-8")
    writer.out(render(report, format), data=format in ("json", "sarif"))
    if report.count("error"):
        return 2
    if found is not None and fail_under is not None and found.percent < fail_under:
        writer.err(f"coverage {found.percent:.1f}% is under the required {fail_under:g}%\n")
        return 1
    return 1 if report.count("failed") else 0


def _matches(keyword: str, file: str, verdict: Any) -> bool:
    name = verdict.scenario if verdict is not None else ""
    return keyword.lower() in f"{file} {name}".lower()


def _coverage(rulebook: Any, cases: list[Any]) -> Any:
    """Coverage over the scenario files that were evaluated (stdin is not read twice)."""
    from checker.audit.coverage import coverage
    from checker.read.scenario import load_scenario

    scenarios = [
        load_scenario(case.file, rulebook)
        for case in cases
        if case.status != "error" and case.file != "<stdin>"
    ]
    return coverage(rulebook, scenarios)


def validate_paths(
    writer: Writer,
    paths: list[str] | None = None,
    *,
    rules: str | None = None,
    format: str = "text",
) -> int:
    """Check rule folders and files and scenario files; 2 if anything is wrong. Every problem
    is on stderr, whatever the format; the report in `format` on stdout.

    Without paths, the project's rulebook and scenario corpus (`checker.read.rulebook`).
    """
    from checker.audit.validation import validate
    from checker.read.rulebook import find_rulebook, find_scenarios
    from checker.report.registry import render

    folder = str(find_rulebook(rules))
    if not paths:
        scenarios = find_scenarios(None, rules)
        paths = [folder] if scenarios is None else [folder, str(scenarios)]
    report = validate(paths, folder)
    for problem in report.problems:
        writer.problem(problem)
    writer.out(render(report, format), data=format in ("json", "sarif"))
    return 0 if report.ok else 2
