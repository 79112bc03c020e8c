"""The exact semantic diff of two rulebooks, and the scenarios whose verdict changes.

Both rulebooks are tabulated over one joint scenario space; every (class, reading) whose
verdict differs becomes part of a region (`SemanticDiff`). The scenario corpus is evaluated
under both as well (`corpus_changes`, read with `read_corpus`), so a change shows both as
the classes of strikes it moves and as the concrete scenarios it moves.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from msgspec import Struct

from checker.audit.grid import point_of
from checker.audit.regions import Region, change_text, pair, table_regions
from checker.errors import CheckerError, Location, Problem
from checker.evaluation.compile import table_run
from checker.evaluation.space import Outcome, Row, Space, build_space, tabulate
from checker.model.record import PartlyCompared
from checker.model.rulebook import Rulebook
from checker.model.strike import Strike

NOT_IN_CATALOGUE = "not in catalogue"
NO_SUCH_READING = "no such reading"


class ScenarioOutcome(PartlyCompared, frozen=True):
    """A scenario's verdict and readings under one rulebook, or why it could not be read.

    Readings are kept sorted by name: their order in the rule files means nothing. The
    explanation (summary, reasons with their quotes, rules) is kept beside the verdict but
    compared apart: a changed explanation is not a changed verdict.
    """

    verdict: str | None
    readings: tuple[tuple[str, str], ...] = ()
    error: str | None = None
    explanation: tuple[str, ...] = ()

    uncompared: ClassVar[tuple[str, ...]] = ("explanation",)

    def __str__(self) -> str:
        if self.error is not None:
            return f"not evaluated ({self.error})"
        return str(self.verdict)


class ScenarioChange(Struct, frozen=True):
    file: str
    scenario: str
    before: ScenarioOutcome
    after: ScenarioOutcome

    def describe(self) -> str:
        text = f"{self.before} → {self.after}"
        old, new = dict(self.before.readings), dict(self.after.readings)
        changed = [r for r in sorted({*old, *new}) if old.get(r) != new.get(r)]
        if changed and self.before.error is None and self.after.error is None:
            text += (
                " ("
                + ", ".join(
                    f"{r}: {old.get(r, NO_SUCH_READING)} → {new.get(r, NO_SUCH_READING)}"
                    for r in changed
                )
                + ")"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        def side(o: ScenarioOutcome) -> dict[str, Any]:
            return {"verdict": o.verdict, "readings": dict(o.readings), "error": o.error}

        return {
            "file": self.file,
            "scenario": self.scenario,
            "before": side(self.before),
            "after": side(self.after),
        }


class SemanticDiff(Struct, frozen=True):
    """Every class whose verdict changes under some reading, as readable regions."""

    old: str
    new: str
    space: Space
    regions: tuple[Region, ...]
    classes: int  # classes in the joint table
    changed: int  # (class, reading) pairs whose verdict changes
    scenarios: tuple[ScenarioChange, ...] = ()
    scenarios_checked: int = 0
    explanations: tuple[ScenarioChange, ...] = ()
    """Scenarios whose verdicts stay but whose explanation changes: shown, never a failure."""

    @property
    def empty(self) -> bool:
        """No verdict changes (a changed explanation alone leaves the diff empty)."""
        return not self.regions and not self.scenarios

    def contains(self, strike: Strike, reading: str) -> bool:
        """Whether the diff reports the class of this strike under this reading."""
        point = point_of(self.space, strike, reading)
        return any(region.contains(point) for region in self.regions)

    def lines(self) -> list[str]:
        return [region.line(change_text(region.outcome)) for region in self.regions]

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "changed": not self.empty,
            "classes": self.classes,
            "changed_classes": self.changed,
            "regions": [
                {
                    "where": list(r.where),
                    "readings": r.readings or "every reading",
                    "before": pair(r.outcome)[0],
                    "after": pair(r.outcome)[1],
                    "line": r.line(change_text(r.outcome)),
                }
                for r in self.regions
            ],
            "scenarios_checked": self.scenarios_checked,
            "scenarios": [change.to_dict() for change in self.scenarios],
            "explanations_changed": [
                {"file": c.file, "scenario": c.scenario} for c in self.explanations
            ],
        }


def _verdict(outcome: Outcome, reading: str) -> str:
    found = dict(outcome)
    if reading not in found:
        return NO_SUCH_READING
    return found[reading] or NOT_IN_CATALOGUE


def semantic_diff(
    old: Rulebook, new: Rulebook, scenarios: Sequence[tuple[str, str]] = ()
) -> SemanticDiff:
    """The exact semantic diff of two rulebooks, and the scenarios (name, text) that change."""
    space = build_space(old, new)
    rows = list(tabulate(space, table_run))

    def change(row: Row, reading: str) -> Hashable:
        before, after = (_verdict(outcome, reading) for outcome in row.outcomes)
        return (before, after) if before != after else None

    found = table_regions(space, rows, change, lambda value: value is not None)
    changed = sum(
        1
        for row in rows
        for reading in space.readings
        if dict(row.outcomes[0]).get(reading, NO_SUCH_READING)
        != dict(row.outcomes[1]).get(reading, NO_SUCH_READING)
    )
    changes, explained = corpus_changes(old, new, scenarios)
    return SemanticDiff(
        old.root,
        new.root,
        space,
        tuple(found),
        len(rows),
        changed,
        changes,
        len(scenarios),
        explained,
    )


def scenario_outcome(book: Rulebook, name: str, text: str) -> ScenarioOutcome:
    from checker.evaluation.scenario import evaluate
    from checker.read.scenario import parse_scenario

    try:
        scenario = parse_scenario(text, name, book)
    except CheckerError as err:
        return ScenarioOutcome(None, error=err.problems[0].message)
    verdict = evaluate(book, scenario, file=name)
    # In no particular order: the order of readings and rules in the files means nothing.
    explanation = tuple(
        sorted(
            {
                *(
                    f"{r.reading or ''} | {r.text} | {r.quote or ''} | {r.rule or ''}"
                    for r in verdict.reasons
                ),
                *verdict.rules,
            }
        )
    )
    return ScenarioOutcome(
        verdict.verdict, tuple(sorted(verdict.readings.items())), None, explanation
    )


def corpus_changes(
    old: Rulebook, new: Rulebook, scenarios: Sequence[tuple[str, str]]
) -> tuple[tuple[ScenarioChange, ...], tuple[ScenarioChange, ...]]:
    """Scenarios whose verdict or readings' verdicts differ between the two rulebooks, and
    those whose verdicts stay but whose explanation (wording, quotes, rules) changes.

    A scenario neither rulebook can read is bad input (CheckerError).
    """
    changes: list[ScenarioChange] = []
    explained: list[ScenarioChange] = []
    problems: list[Problem] = []
    for name, text in scenarios:
        before, after = scenario_outcome(old, name, text), scenario_outcome(new, name, text)
        if before.error is not None and after.error is not None:
            problems.append(Problem(Location(name), before.error))
            continue
        change = ScenarioChange(name, _scenario_name(name, text), before, after)
        if before != after:
            changes.append(change)
        elif before.explanation != after.explanation:
            explained.append(change)
    if problems:
        raise CheckerError(problems)
    return tuple(changes), tuple(explained)


def _scenario_name(name: str, text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return Path(name).stem
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, str) else Path(name).stem


def read_corpus(folder: str | Path | None) -> list[tuple[str, str]]:
    """Every scenario file under `folder` as (path, text); None or no folder: none."""
    from checker.read.scenario import scenario_files
    from checker.read.sourcemap import read_text

    if folder is None:
        return []
    found: list[tuple[str, str]] = []
    for item in scenario_files([folder]):
        if isinstance(item, Problem):
            raise CheckerError([item])
        found.append((str(item), read_text(item)))
    return found
