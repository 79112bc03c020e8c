"""`checker schema`, `checker timeline` and `checker why-not`: the format, and the policy
explored around a scenario."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import CheckerError, Location
from checker.report.writer import Writer

if TYPE_CHECKING:
    from checker.model.rulebook import Rulebook


def schema(writer: Writer, kind: str = "scenario", *, rules: str | None = None) -> int:
    """Print the JSON Schema of scenario files (with the rulebook's weapons) or rule files."""
    from checker.commands.project import rulebook
    from checker.read.jsonschema import dumps, schema_for

    book = rulebook(rules) if kind == "scenario" else None
    writer.out(dumps(schema_for(kind, book)), data=True)
    return 0


def timeline(
    writer: Writer,
    weapons: list[str],
    *,
    territories: list[str] | None = None,
    kind: str | None = None,
    forces: list[str] | None = None,
    consents: list[str] | None = None,
    operator: str = "UA",
    reading: str | None = None,
    format: str = "text",
    plot: str | None = None,
    rules: str | None = None,
) -> int:
    """The date intervals over which the verdict holds; with `plot`, drawn to a file."""
    from checker.commands.project import rulebook
    from checker.explore.timeline import timeline as build
    from checker.report.registry import render

    book = rulebook(rules)
    if plot:
        _plotting_available()
    result = build(
        book,
        weapons,
        territories=[t for part in territories or [] for t in part.split(",") if t.strip()],
        kind=_kind(kind),
        forces=_codes("--forces", forces),
        consents=_codes("--consent", consents) or (),
        operator=operator,
        reading=reading,
    )
    writer.out(render(result, format), data=format == "json")
    if plot:
        from checker.explore.plot import draw

        path = draw(result, plot)
        writer.err(f"drew {path}\n")
    return 0


def _plotting_available() -> None:
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        raise CheckerError.at(
            Location("--plot"), "drawing needs matplotlib: pip install 'checker[plot]'"
        )


def why_not(
    writer: Writer,
    scenario: str,
    *,
    format: str = "text",
    reading: str | None = None,
    rules: str | None = None,
) -> int:
    """The smallest changes to a scenario that give a different verdict."""
    from checker.commands.project import rulebook
    from checker.explore.whynot import why_not as search
    from checker.read.scenario import load_scenario
    from checker.report.registry import render

    book = rulebook(rules)
    if not Path(scenario).is_file():
        raise CheckerError.at(Location(scenario), "no such file")
    loaded = load_scenario(scenario, book)
    result = search(book, loaded, reading=reading, file=scenario)
    writer.out(render(result, format), data=format == "json")
    return 0


def current_verdict(data: dict[str, Any], book: Rulebook) -> str:
    """The verdict under `book`, every reading (what `--expect-current` writes)."""
    import json

    from checker.evaluation.scenario import evaluate
    from checker.read.scenario import parse_scenario

    scenario = parse_scenario(json.dumps(data), "(new scenario)", book)
    return evaluate(book, scenario).verdict


def _kind(kind: str | None) -> str | None:
    from checker.read import scaffold

    if kind is None:
        return None
    try:
        return scaffold.check_kind(kind)
    except ValueError as err:
        raise CheckerError.at(Location("--kind"), str(err)) from None


def _codes(option: str, values: list[str] | None) -> list[str] | None:
    from checker.read import scaffold

    if values is None:
        return None
    try:
        return scaffold.check_codes(values)
    except ValueError as err:
        raise CheckerError.at(Location(option), str(err)) from None
