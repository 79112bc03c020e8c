"""Reading scenarios: files, stdin and JSON Lines lines, into the runtime `Scenario`.

One reader: a well-formed scenario is read by `checker.read.lines.LineReader` (msgspec, no
pydantic import) into the same `Scenario` the documents path gives; anything it does not
accept plainly goes to the pydantic document (`checker.read.documents`), which accepts
it or words every problem at its line and column.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import CheckerError, Location, Problem
from checker.model.dates import _describe
from checker.model.scenario import Scenario
from checker.model.strike import Strike
from checker.read.lines import JSONL_SUFFIXES, LineReader, is_jsonl
from checker.read.sourcemap import Document, decode, parse_json, read_text

if TYPE_CHECKING:
    from checker.model.rulebook import Rulebook

SCENARIO_SUFFIXES = (".json",)
__all__ = ["JSONL_SUFFIXES", "is_jsonl"]  # where the JSON Lines reader defines them


# --------------------------------------------------------------------------- scenarios


def parse_scenario(text: str, file: str, rulebook: Rulebook, line_offset: int = 0) -> Scenario:
    """A scenario from JSON text, checked against the rulebook's weapon catalogue."""
    doc = parse_json(text, file, line_offset)
    if not isinstance(doc.data, dict):
        where = doc.locate(())
        raise CheckerError.at(where, f"expected a JSON object, got {_describe(doc.data)}")
    from checker.read.documents import ScenarioDoc, runtime
    from checker.read.validation import validate_model

    scenario: Scenario = runtime(validate_model(ScenarioDoc, doc))
    if rulebook.weapon_named(scenario.weapon) is None:
        raise CheckerError.at(doc.locate(("weapon",)), rulebook.unknown_weapon(scenario.weapon))
    return scenario


def scenario_of(data: Any, file: str = "scenario") -> Scenario:
    """A scenario from data already parsed (a dict as JSON gives it); no weapon check."""
    from checker.read.documents import ScenarioDoc, runtime
    from checker.read.validation import validate_model

    doc = Document(file, data, json.dumps(data, default=str))
    return runtime(validate_model(ScenarioDoc, doc))  # type: ignore[no-any-return]


def strike_of(rulebook: Rulebook, scenario: Scenario) -> Strike:
    """The facts the rules read, with the weapon resolved to its catalogue id."""
    weapon = rulebook.weapon_named(scenario.weapon)
    if weapon is None:
        raise CheckerError.at(
            Location("scenario", field="weapon"), rulebook.unknown_weapon(scenario.weapon)
        )
    target = scenario.target
    return Strike(
        weapon=weapon.id,
        kind=target.kind,
        territory=target.territory,
        operator=scenario.operator,
        day=scenario.date,
        forces=tuple(target.forces) if target.forces is not None else None,
        consents=scenario.consents,
        launcher=rulebook.launcher_named(weapon, scenario.weapon),
    )


def read_scenario(
    raw: bytes, file: str, rulebook: Rulebook, reader: LineReader | None = None
) -> tuple[Scenario, Strike]:
    """A scenario and its strike from a file's bytes: the one reader of scenario files.

    Read plainly by `reader` (msgspec, no pydantic) when it accepts the bytes as they
    are; else by the documents path, which accepts the same scenario or words the errors.
    """
    found = (reader or LineReader(rulebook)).scenario(raw)
    if found is not None:
        return found
    scenario = parse_scenario(decode(raw, file), file, rulebook)
    return scenario, strike_of(rulebook, scenario)


def load_scenario(path: str | Path, rulebook: Rulebook | None = None) -> Scenario:
    """Read and validate one scenario file (against the shipped rulebook by default)."""
    from checker.read.rulebook import default_rulebook

    path = Path(path)
    return parse_scenario(read_text(path), str(path), rulebook or default_rulebook())


def scenario_files(paths: list[str | Path]) -> Iterator[Path | Problem]:
    """Every scenario file named, folders searched recursively; bad paths as problems."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            # a folder named *.json is searched, not read; a FIFO or a device is refused
            found = sorted(
                p for p in path.rglob("*") if p.suffix in SCENARIO_SUFFIXES and not p.is_dir()
            )
            if not found:
                yield Problem(Location(str(path)), "folder holds no scenario files (*.json)")
            yield from found
        elif path.exists():
            yield path
        else:
            yield Problem(Location(str(path)), "no such file or folder")
