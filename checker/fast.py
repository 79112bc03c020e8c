"""Scenario files evaluated without pydantic or rich, for `checker.quick`.

The rulebook is its plain twin from the cache (`rulebook.load_plain`); each file is read
by `lines.LineReader`, which accepts only what the scenario model accepts; the verdict is
assembled and rendered by the same functions as on the CLI path, and rich's markup is
dropped as rich drops it off a terminal (`markup.plain`). Wherever that might print other
bytes than the CLI, the answer is None and the CLI evaluates instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from checker.evaluation.scenario import evaluate_strike
from checker.markup import plain
from checker.model.strike import Strike
from checker.model.verdict import Verdict
from checker.read.lines import Line, LineReader, Point, point
from checker.read.rulebook import load_rulebook
from checker.read.sourcemap import MAX_BYTES
from checker.report.verdict import RENDERERS, stderr_warnings

if TYPE_CHECKING:
    from checker.model.scenario import Scenario

Output = tuple[str, str]
"""What one scenario prints: on stdout, and on stderr."""


def evaluate(paths: list[str], format: str) -> list[Output] | None:
    """What `checker eval PATHS --format FORMAT` prints per file, or None: ask the CLI.

    Every file is read before any is evaluated: one the reader does not accept costs
    the CLI no engine compiled in vain.
    """
    rulebook = load_rulebook()
    reader = LineReader(rulebook)
    scenarios = []
    for raw in paths:
        name = str(Path(raw))  # as `batch.evaluate_paths` names it
        found = _read(reader, name)
        if found is None:
            return None
        scenarios.append((name, *found))
    outputs = []
    for name, strike, line in scenarios:
        verdict = evaluate_strike(rulebook, _stand_in(line), strike, file=name)
        output = _render(verdict, format)
        if output is None:
            return None
        outputs.append(output)
    return outputs


def _read(reader: LineReader, name: str) -> tuple[Strike, Line] | None:
    """One file's strike and line, or None unless it reads exactly as the model reads it."""
    with Path(name).open("rb") as handle:
        # The reader refuses what the CLI would report: too large, binary, not UTF-8.
        return reader.read(handle.read(MAX_BYTES + 1))


@dataclass(frozen=True)
class _Place:
    location: Point | None


@dataclass(frozen=True)
class _Scenario:
    """What `verdict.assemble` reads of a scenario (see `memo._Neutral`)."""

    id: str | None
    expect: str | None
    target: _Place
    launch: _Place


def _stand_in(line: Line) -> Scenario:
    scenario = _Scenario(
        id=line.id if isinstance(line.id, str) else None,
        expect=line.expect if isinstance(line.expect, str) else None,
        target=_Place(point(line.target.location)),
        launch=_Place(point(getattr(line.launch, "location", None))),
    )
    return cast("Scenario", scenario)


def _render(verdict: Verdict, format: str) -> Output | None:
    """What the CLI prints for one verdict when stdout is not a terminal; None if unsure."""
    rendered: str | None = RENDERERS[format](verdict)
    if format == "text":
        rendered = plain(rendered or "")
    warnings = [plain(line) for line in stderr_warnings(verdict, format, False)]
    if rendered is None or None in warnings:
        return None
    return rendered, "".join(f"{line}\n" for line in warnings)
