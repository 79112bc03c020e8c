"""Evaluate a scenario under a rulebook: the library's main entry point."""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.engine import engine_for
from checker.errors import CheckerError, Location
from checker.evaluation.explain import assemble
from checker.model.rulebook import Rulebook
from checker.model.strike import Strike
from checker.model.verdict import Verdict

if TYPE_CHECKING:
    from checker.model.scenario import Scenario


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
    )


def readings_to_run(rulebook: Rulebook, reading: str | None) -> tuple[str, ...]:
    if reading is None:
        return rulebook.readings
    if reading not in rulebook.readings:
        known = ", ".join(rulebook.readings)
        raise CheckerError.at(
            Location("--reading"), f"unknown reading '{reading}' (known: {known})"
        )
    return (reading,)


def evaluate(
    rulebook: Rulebook, scenario: Scenario, *, reading: str | None = None, file: str | None = None
) -> Verdict:
    """The verdict on `scenario` under every reading of `rulebook` (or only `reading`)."""
    return evaluate_strike(
        rulebook, scenario, strike_of(rulebook, scenario), reading=reading, file=file
    )


def evaluate_strike(
    rulebook: Rulebook,
    scenario: Scenario,
    strike: Strike,
    *,
    reading: str | None = None,
    file: str | None = None,
) -> Verdict:
    """`evaluate`, with the scenario's strike already read (as `lines.LineReader` reads it)."""
    engine = engine_for(rulebook)
    traces = {name: engine.run(strike, name) for name in readings_to_run(rulebook, reading)}
    return assemble(rulebook, scenario, strike, traces, file=file)
