"""Renderers of the audit results: the semantic diff, the lock check, the mutation report,
coverage and the test report, as text, markdown, JSON and (the test report) JUnit XML; the
test report's GitHub annotations and SARIF are `checker.report.ci`'s.

Plain text only: none of these texts is styled, so none can carry console markup into a
file, a CI summary or a JUnit report. It computes nothing itself.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from checker.audit.coverage import Coverage
from checker.audit.diff import SemanticDiff
from checker.audit.lock import LockCheck
from checker.audit.mutation import MutationReport
from checker.audit.regions import pair
from checker.audit.testreport import TestReport
from checker.report.ci import testreport_github, testreport_sarif
from checker.report.registry import Renderer, as_json


def diff_text(diff: SemanticDiff) -> str:
    lines = [f"semantic diff {diff.old} → {diff.new}"]
    if diff.regions:
        pairs = diff.classes * len(diff.space.readings)
        lines.append(
            f"{diff.changed} of {pairs} (class, reading) verdicts change, "
            f"in {len(diff.regions)} region{'s' if len(diff.regions) != 1 else ''}:"
        )
        lines.extend(f"  {line}" for line in diff.lines())
    else:
        lines.append(f"no verdict changes in any of {diff.classes} classes")
    if diff.scenarios:
        lines.append(f"scenarios whose verdict changes ({len(diff.scenarios)}):")
        lines.extend(f"  {c.file}: {c.describe()}" for c in diff.scenarios)
    elif diff.scenarios_checked:
        lines.append(f"no scenario of {diff.scenarios_checked} changes")
    if diff.explanations:
        lines.append(
            f"explanations that change, verdicts unchanged ({len(diff.explanations)}; "
            "not a failure):"
        )
        lines.extend(f"  {c.file}" for c in diff.explanations)
    if diff.empty and not diff.explanations:
        lines.append("no changes")
    return "\n".join(lines) + "\n"


def diff_markdown(diff: SemanticDiff) -> str:
    lines = [f"### Policy diff: `{diff.old}` → `{diff.new}`", ""]
    if diff.regions:
        pairs = diff.classes * len(diff.space.readings)
        lines.append(
            f"**{len(diff.regions)} region(s)** change ({diff.changed} of {pairs} "
            "(class, reading) verdicts):"
        )
        lines.append("")
        lines += ["| where | readings | before | after |", "|---|---|---|---|"]
        for r in diff.regions:
            before, after = pair(r.outcome)
            where = " · ".join(r.where) or "any strike"
            lines.append(f"| {_cell(where)} | {r.readings or 'every'} | {before} | **{after}** |")
    else:
        lines.append(f"No verdict changes in any of {diff.classes} classes.")
    lines.append("")
    if diff.scenarios:
        lines += ["**Scenarios whose verdict changes**", "", "| scenario | change |", "|---|---|"]
        lines += [f"| `{c.file}` | {_cell(c.describe())} |" for c in diff.scenarios]
    elif diff.scenarios_checked:
        lines.append(f"No scenario of {diff.scenarios_checked} changes.")
    if diff.explanations:
        lines += ["", "**Explanations that change** (verdicts unchanged; not a failure)", ""]
        lines += [f"- `{c.file}`" for c in diff.explanations]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def lock_check_text(check: LockCheck) -> str:
    if check.ok:
        return f"{check.path} is up to date ({check.regions} regions)\n"
    if check.missing:
        return f"{check.path} does not exist: run `checker lock` to write it\n"
    lines = [
        f"{check.path} no longer matches the rules: run `checker lock` and commit the "
        + "change (what the policy now means, as regions):"
    ]
    lines += [f"  {line}" for line in check.diff]
    return "\n".join(lines) + "\n"


def lock_check_markdown(check: LockCheck) -> str:
    if check.ok:
        return f"### Policy lock\n\n`{check.path}` is up to date ({check.regions} regions).\n"
    if check.missing:
        return f"### Policy lock\n\n`{check.path}` is missing: run `checker lock`.\n"
    body = "\n".join(check.diff)
    return (
        f"### Policy lock\n\n`{check.path}` no longer matches the rules: run `checker lock` "
        f"and commit it.\n\n```diff\n{body}\n```\n"
    )


def mutation_text(report: MutationReport, verbose: bool = False) -> str:
    data = report.to_dict()
    counted = data["detected"] + data["survived"]
    lines = [
        f"{data['mutants']} mutants: {data['detected']} detected by the scenarios, "
        + f"{data['survived']} survived, {data['lock_only']} caught only by the policy lock, "
        + f"{data['equivalent']} equivalent (discarded)",
        f"mutation score: {report.score:.0%} ({data['detected']}/{counted}) "
        + f"over {report.scenarios} scenarios with `expect`",
    ]
    for result in report.having("survived"):
        lines.append(f"SURVIVED {result.mutant.name}")
        lines.append("  no scenario falls where it changes verdicts, e.g.:")
        lines.extend(f"    {line}" for line in result.regions[:3])
    for result in report.having("lock-only"):
        lines.append(f"lock only: {result.mutant.name} (changes per-reading verdicts only)")
    if verbose:
        for result in report.results:
            if result.status in ("detected", "equivalent"):
                by = f" by {result.by}" if result.by else ""
                lines.append(f"{result.status}{by}: {result.mutant.name}")
    return "\n".join(lines) + "\n"


def mutation_markdown(report: MutationReport) -> str:
    data = report.to_dict()
    lines = [
        "### Mutation score",
        "",
        f"**{report.score:.0%}** ({data['detected']} of {data['detected'] + data['survived']} "
        + f"mutants detected by {report.scenarios} scenarios; {data['lock_only']} caught only "
        + f"by the policy lock; {data['equivalent']} equivalent mutants discarded)",
        "",
    ]
    if report.having("survived") or report.having("lock-only"):
        lines += ["| mutant | status | where it changes verdicts |", "|---|---|---|"]
        for result in (*report.having("survived"), *report.having("lock-only")):
            where = "<br>".join(_cell(r) for r in result.regions[:3])
            lines.append(f"| `{result.mutant.name}` | {result.status} | {where} |")
    return "\n".join(lines) + "\n"


def coverage_text(found: Coverage) -> str:
    lines = [f"coverage: {len(found.exercised)} of {len(found.items)} items exercised"]
    if found.missing:
        lines.append("not exercised by any scenario:")
        lines.extend(f"  {item}" for item in found.missing)
    return "\n".join(lines) + "\n"


def test_markdown(report: TestReport) -> str:
    lines = ["### Scenario tests", "", f"**{report.summary()}**", ""]
    bad = [c for c in report.cases if c.status in ("failed", "error")]
    if bad:
        lines += ["| scenario | expected | got | readings |", "|---|---|---|---|"]
        for case in bad:
            readings = ", ".join(f"{r} {v}" for r, v in case.readings)
            got = case.verdict or "<br>".join(_cell(line) for line in case.message.splitlines())
            lines.append(f"| `{case.file}` | {case.expect or ''} | {got} | {readings} |")
        lines.append("")
    if report.coverage is not None:
        cov = report.coverage
        lines.append(f"**Coverage:** {len(cov.exercised)} of {len(cov.items)} items exercised")
        lines.append("")
        lines.extend(f"- not exercised: {item}" for item in cov.missing)
        lines.append("")
    return "\n".join(lines) + "\n"


def test_text(report: TestReport) -> str:
    """Coverage (when asked for) and the closing line `N passed, N failed`."""
    found = coverage_text(report.coverage) if report.coverage is not None else ""
    return f"{found}{report.summary()}\n"


def junit_xml(report: TestReport) -> str:
    """JUnit XML: one test case per scenario file, classname its folder."""
    suite = ElementTree.Element(
        "testsuite",
        name="checker",
        tests=str(len(report.cases)),
        failures=str(report.count("failed")),
        errors=str(report.count("error")),
        skipped=str(report.count("skipped")),
    )
    for case in report.cases:
        path = Path(case.file)
        element = ElementTree.SubElement(
            suite,
            "testcase",
            classname=".".join(path.parent.parts) or "scenarios",
            name=path.name,
            file=case.file,
        )
        if case.status == "failed":
            failure = ElementTree.SubElement(
                element, "failure", message=f"expected {case.expect}, got {case.verdict}"
            )
            failure.text = case.message
        elif case.status == "error":
            error = ElementTree.SubElement(element, "error", message="bad input")
            error.text = case.message
        elif case.status == "skipped":
            ElementTree.SubElement(element, "skipped", message="no expect in the scenario")
    ElementTree.indent(suite)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + ElementTree.tostring(suite, encoding="unicode")
        + "\n"
    )


RENDERERS: dict[str, dict[str, Renderer]] = {
    "SemanticDiff": {"text": diff_text, "json": as_json, "markdown": diff_markdown},
    "LockCheck": {"text": lock_check_text, "json": as_json, "markdown": lock_check_markdown},
    "MutationReport": {"text": mutation_text, "json": as_json, "markdown": mutation_markdown},
    "Coverage": {"text": coverage_text, "json": as_json},
    "TestReport": {
        "text": test_text,
        "json": as_json,
        "markdown": test_markdown,
        "junit": junit_xml,
        "github": testreport_github,
        "sarif": testreport_sarif,
    },
}
