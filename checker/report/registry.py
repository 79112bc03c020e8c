"""The one renderer registry: for each result type, its formats and their renderers.

A renderer takes a result and returns its text: `Styled` runs for the text format, plain
strings for the others. Each renderer module keeps a `RENDERERS` table under its result
types' names, and is imported only when a result of its kind is rendered (the verdict's
renderers cost a cold `checker eval` nothing else).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import import_module
from typing import Any

from checker.report.styled import Styled

Rendered = str | Styled
Renderer = Callable[[Any], Rendered]

_HOMES = {
    "Verdict": "checker.report.verdict",
    "TestReport": "checker.report.audit",
    "ValidationReport": "checker.report.ci",
    "SemanticDiff": "checker.report.audit",
    "LockCheck": "checker.report.audit",
    "MutationReport": "checker.report.audit",
    "Coverage": "checker.report.audit",
    "Timeline": "checker.report.explore",
    "WhyNot": "checker.report.explore",
    "VerdictReport": "checker.report.html",
}
"""Where each result type's renderers live."""

FORMATS = ("text", "json", "markdown")
"""The formats every result type renders to (`--format`); some add more: the test and
validation reports also render as `github` (workflow annotations) and `sarif` (SARIF 2.1.0),
the test report as `junit`."""

CI_FORMATS = (*FORMATS, "github", "sarif")
"""The formats of `checker test` and `checker validate` (`--format`)."""


def renderers(result_type: str) -> dict[str, Renderer]:
    table: dict[str, dict[str, Renderer]] = import_module(_HOMES[result_type]).RENDERERS
    return table[result_type]


def renderer(result_type: str, format: str) -> Renderer:
    return renderers(result_type)[format]


def render(result: Any, format: str) -> Rendered:
    """`result` in `format` (a name `formats` lists for its type)."""
    return renderer(type(result).__name__, format)(result)


def formats(result_type: str) -> tuple[str, ...]:
    return tuple(renderers(result_type))


def as_json(result: Any) -> str:
    """Any result with a `to_dict`, as one line of JSON: the JSON of every result type."""
    return json.dumps(result.to_dict(), ensure_ascii=False) + "\n"
