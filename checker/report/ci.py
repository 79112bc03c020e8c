"""CI-native renderings of `checker test` and `checker validate`: GitHub workflow annotations
and SARIF 2.1.0; and the validation report as text, JSON and markdown.

Every problem is located (file, line, column) and of a kind (`checker.audit.validation.KINDS`):
an annotation's title and a SARIF rule. A failed expectation is located at the scenario's
`expect` key. Paths are made relative to the current folder where they lie inside it (CI
runs from the repository's root, where annotations and code scanning place them). Plain text
only: nothing here is styled. It computes nothing itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from checker.audit.testreport import TestReport
from checker.audit.validation import EXPECTATION, KINDS, ValidationReport
from checker.errors import Problem, one_line
from checker.report.registry import Renderer, as_json

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

Finding = tuple[str, Problem, str]
"""(kind, problem, detail): what one annotation or SARIF result says; `detail` is more text
(the explanation of a verdict that failed its expectation)."""


# --------------------------------------------------------------------------- findings


def testreport_findings(report: TestReport) -> list[Finding]:
    return [
        (case.kind(problem), problem, case.message if case.status == "failed" else "")
        for case in report.cases
        for problem in case.problems
    ]


def validation_findings(report: ValidationReport) -> list[Finding]:
    return [(report.kind(problem), problem, "") for problem in report.problems]


def _test_summary(report: TestReport) -> str:
    if report.coverage is None:
        return report.summary()
    found = report.coverage
    return f"{report.summary()}; coverage: {len(found.exercised)} of {len(found.items)} items"


def relative(file: str) -> Path:
    """`file` relative to the current folder when it lies inside it."""
    path = Path(file)
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd())
        except ValueError:
            return path
    return path


def _said(kind: str, problem: Problem, detail: str = "") -> str:
    """What a finding says: its field and message (an unmet expectation's own words), and
    the detail after a blank line."""
    field = problem.location.field
    text = f"{field}: {problem.message}" if field and kind != EXPECTATION else problem.message
    return f"{text}\n\n{detail.rstrip()}" if detail.strip() else text


# --------------------------------------------------------------------------- GitHub


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF escaped as GitHub reads them."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as a message, and `:` and `,` escaped too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(kind: str, problem: Problem, detail: str = "") -> str:
    """`::error file=PATH,line=N,col=M,title=...::message`, one line."""
    where = problem.location
    properties = [f"file={escape_property(relative(where.file).as_posix())}"]
    properties.append(f"line={where.line or 1}")
    if where.column is not None:
        properties.append(f"col={where.column}")
    properties.append(f"title={escape_property('checker: ' + KINDS[kind][0])}")
    return f"::error {','.join(properties)}::{escape_data(_said(kind, problem, detail))}"


def github(findings: Iterable[Finding], summary: str, title: str) -> str:
    """One annotation per finding, then the summary as a notice: nothing else."""
    lines = [annotation(*finding) for finding in findings]
    lines.append(f"::notice title={escape_property(title)}::{escape_data(summary)}")
    return "\n".join(lines) + "\n"


def testreport_github(report: TestReport) -> str:
    return github(testreport_findings(report), _test_summary(report), "checker test")


def validation_github(report: ValidationReport) -> str:
    return github(validation_findings(report), report.summary(), "checker validate")


# --------------------------------------------------------------------------- SARIF


def sarif(findings: list[Finding], kinds: Iterable[str]) -> str:
    """A SARIF 2.1.0 log: one run of the tool `checker`, a rule per kind of problem, a
    result per finding."""
    rules = list(kinds)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "checker",
                "version": _version(),
                "rules": [_rule(kind) for kind in rules],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(rules, *finding) for finding in findings],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(kind: str) -> dict[str, Any]:
    name, meaning = KINDS[kind]
    return {
        "id": kind,
        "name": "".join(word.capitalize() for word in kind.split("-")),
        "shortDescription": {"text": name},
        "fullDescription": {"text": meaning},
        "defaultConfiguration": {"level": "error"},
    }


def _result(rules: list[str], kind: str, problem: Problem, detail: str) -> dict[str, Any]:
    where = problem.location
    region: dict[str, int] = {"startLine": where.line or 1}
    if where.column is not None:
        region["startColumn"] = where.column
    return {
        "ruleId": kind,
        "ruleIndex": rules.index(kind),
        "level": "error",
        "message": {"text": _said(kind, problem, detail)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(where.file)},
                    "region": region,
                }
            }
        ],
    }


def _uri(file: str) -> str:
    path = relative(file)
    return path.as_uri() if path.is_absolute() else quote(path.as_posix())


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("checker")
    except PackageNotFoundError:
        return "0+unknown"


def testreport_sarif(report: TestReport) -> str:
    return sarif(testreport_findings(report), KINDS)


def validation_sarif(report: ValidationReport) -> str:
    return sarif(validation_findings(report), [k for k in KINDS if k != EXPECTATION])


# --------------------------------------------------------------------------- validation


def validation_text(report: ValidationReport) -> str:
    """The closing line `N files checked, N problems` (each problem is on stderr)."""
    return report.summary() + "\n"


def validation_markdown(report: ValidationReport) -> str:
    lines = ["### Validation", "", f"**{report.summary()}**", ""]
    if report.problems:
        lines += ["| where | kind | problem |", "|---|---|---|"]
        for problem in report.problems:
            where = str(problem.location).replace("|", "\\|")
            message = one_line(problem.message).replace("|", "\\|")
            lines.append(f"| `{where}` | {report.kind(problem)} | {message} |")
        lines.append("")
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, dict[str, Renderer]] = {
    "ValidationReport": {
        "text": validation_text,
        "json": as_json,
        "markdown": validation_markdown,
        "github": validation_github,
        "sarif": validation_sarif,
    },
}
