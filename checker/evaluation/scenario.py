"""Evaluate a scenario under a rulebook: the library's main entry point.

One path for one scenario and a million: the strike's class is decided by the engine once
per reading (`checker.evaluation.memo`, shared by every evaluation under the same rulebook),
and the traces are explained as the verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.evaluation.memo import memo_for
from checker.model.rulebook import Rulebook
from checker.model.strike import Strike
from checker.model.verdict import Verdict
from checker.read.scenario import strike_of

if TYPE_CHECKING:
    from checker.model.scenario import Scenario


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
    return memo_for(rulebook, reading).verdict(scenario, strike, file=file)
