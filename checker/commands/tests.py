"""`checker test` and `checker validate`: a corpus checked against its expectations, or
rule and scenario files checked without evaluating."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
) -> int:
    """Compare each scenario's `expect` with its verdict: 1 on a mismatch, 2 on bad input.

    Without paths, the project's scenario corpus (`checker.read.rulebook.find_scenarios`).
    """
    from checker.audit.testreport import TestCase, TestReport
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
        if verdict is None:
            for problem in result.problems:
                writer.problem(problem)
            message = "\n".join(str(p) for p in result.problems)
            cases.append(TestCase(result.file, None, "error", message=message))
            continue
        met = result.expectation_met
        status = "skipped" if met is None else "passed" if met else "failed"
        explained = text(verdict)
        cases.append(
            TestCase(
                result.file,
                verdict.scenario,
                status,
                verdict.expect,
                verdict.verdict,
                tuple(verdict.readings.items()),
                str(explained) if status == "failed" else "",
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
    found = _coverage(rulebook, cases) if coverage else None
    report = TestReport(tuple(cases), found)
    if junit is not None:
        Path(junit).write_text(junit_xml(report), encoding="utf-8")
    writer.out(render(report, format), data=format == "json")
    if report.count("error"):
        return 2
    return 1 if report.count("failed") else 0


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
    writer: Writer, paths: list[str] | None = None, *, rules: str | None = None
) -> int:
    """Check rule folders and files and scenario files; 2 if anything is wrong.

    Without paths, the project's rulebook and scenario corpus (`checker.read.rulebook`).
    """
    from checker.evaluation.batch import validate_paths as validate
    from checker.read.rulebook import find_rulebook, find_scenarios

    folder = str(find_rulebook(rules))
    if not paths:
        scenarios = find_scenarios(None, rules)
        paths = [folder] if scenarios is None else [folder, str(scenarios)]
    checked, problems = validate(paths, folder)
    for problem in problems:
        writer.problem(problem)
    noun = "file" if checked == 1 else "files"
    writer.out(
        f"{checked} {noun} checked, {len(problems)} problem{'' if len(problems) == 1 else 's'}\n"
    )
    return 2 if problems else 0
