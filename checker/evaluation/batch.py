"""Many files at once: each one's verdict or problems, one bad file never stopping the rest."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from msgspec import Struct

from checker.errors import CheckerError, Location, Problem
from checker.evaluation.memo import readings_to_run
from checker.evaluation.scenario import evaluate_strike
from checker.model.rulebook import Rulebook
from checker.model.verdict import Verdict
from checker.read.lines import LineReader
from checker.read.rulebook import RULE_SUFFIXES, load_rulebook
from checker.read.scenario import read_scenario, scenario_files
from checker.read.sourcemap import MAX_BYTES, parse_yaml, read_bytes, read_text

STDIN = "-"


class FileResult(Struct, frozen=True):
    """One scenario file's outcome: a verdict, or the problems that stopped it."""

    file: str
    verdict: Verdict | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def expectation_met(self) -> bool | None:
        """True/False when the file states `expect`; None when it does not."""
        if self.verdict is None or self.verdict.expect is None:
            return None
        return self.verdict.verdict == self.verdict.expect


def evaluate_paths(
    paths: list[str], rulebook: Rulebook, *, reading: str | None = None
) -> Iterator[FileResult]:
    """Evaluate every scenario file named (folders searched recursively), in order."""
    readings_to_run(rulebook, reading)  # an unknown reading is a usage error, before any file
    reader = LineReader(rulebook)
    for item in _inputs(paths):
        if isinstance(item, Problem):
            yield FileResult(str(item.location.file), problems=(item,))
            continue
        name, raw = item
        try:
            scenario, strike = read_scenario(raw, name, rulebook, reader)
            verdict = evaluate_strike(rulebook, scenario, strike, reading=reading, file=name)
            yield FileResult(name, verdict=verdict)
        except CheckerError as err:
            yield FileResult(name, problems=err.problems)


def _inputs(paths: list[str]) -> Iterator[Problem | tuple[str, bytes]]:
    """Each scenario file named (folders searched) with its bytes, or what stops it."""
    for raw in paths:
        if raw == STDIN:
            yield "<stdin>", sys.stdin.buffer.read(MAX_BYTES + 1)
            continue
        for found in scenario_files([raw]):
            if isinstance(found, Problem):
                yield found
                continue
            try:
                yield str(found), read_bytes(found)
            except CheckerError as err:
                yield from err.problems


def validate_paths(paths: list[str], rules: str | None = None) -> tuple[int, list[Problem]]:
    """Check rule folders and scenario files without evaluating; (files checked, problems)."""
    problems: list[Problem] = []
    checked = 0
    scenario_paths: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists() and raw != STDIN:
            problems.append(Problem(Location(raw), "no such file or folder"))
        elif path.is_dir() and any(p.suffix in RULE_SUFFIXES for p in path.rglob("*")):
            checked += sum(1 for p in path.rglob("*") if p.suffix in RULE_SUFFIXES)
            problems.extend(_rulebook_problems(path))
        elif path.suffix in RULE_SUFFIXES:
            checked += 1
            problems.extend(_rule_file_problems(path))
        else:
            scenario_paths.append(raw)
    if scenario_paths:
        try:
            rulebook = load_rulebook(rules)
        except CheckerError as err:
            return checked, [*problems, *err.problems]
        for item in _inputs(scenario_paths):
            if isinstance(item, Problem):
                problems.append(item)
                continue
            checked += 1
            try:
                read_scenario(item[1], item[0], rulebook)
            except CheckerError as err:
                problems.extend(err.problems)
    return checked, problems


def _rulebook_problems(folder: Path) -> list[Problem]:
    try:
        load_rulebook(folder)
    except CheckerError as err:
        return list(err.problems)
    return []


def _rule_file_problems(path: Path) -> list[Problem]:
    from checker.read.documents import RuleFile
    from checker.read.validation import validate_model

    try:
        validate_model(RuleFile, parse_yaml(read_text(path), str(path)))
    except CheckerError as err:
        return list(err.problems)
    return []
