"""The differential oracle: the durable_rules engine and tests/oracle.py agree on every case.

The oracle reads the rule data directly; the engine runs the compiled rulesets. On a
disagreement Hypothesis shrinks the scenario and prints it, with both outcomes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from msgspec.structs import replace

import checker
from checker.engine import Engine
from checker.evaluation.explain import assemble
from checker.model.dates import parse_policy_date
from checker.model.rulebook import Rulebook
from checker.model.rules import InForce
from checker.read.scenario import scenario_of, strike_of

from . import oracle
from .conftest import RULES
from .strategies import scenario_dicts

SHIPPED = checker.load_rulebook(RULES)


def agree(book: Rulebook, data: dict[str, Any], reading: str | None = None) -> None:
    """Assert the engine's verdict and the oracle's agree, saying how when they do not."""
    scenario = scenario_of(data)
    expected = oracle.judge(book, scenario, reading)
    found = oracle.outcome_of(checker.evaluate(book, scenario, reading=reading))
    assert found == expected, (
        f"engine and oracle disagree on {json.dumps(data)} (reading {reading}):\n"
        f"  engine: {found}\n  oracle: {expected}"
    )


@given(scenario_dicts(SHIPPED))
def test_engine_agrees_with_the_oracle_on_the_shipped_rules(data: dict[str, Any]) -> None:
    agree(SHIPPED, data)


@given(scenario_dicts(SHIPPED), st.sampled_from(SHIPPED.readings))
def test_engine_agrees_with_the_oracle_under_one_reading(
    data: dict[str, Any], reading: str
) -> None:
    agree(SHIPPED, data, reading)


# --------------------------------------------------------------------------- the oracle itself

KURSK = {
    "date": "2024-11-20",
    "weapon": "ATACMS",
    "target": {"territory": "RU-KRS", "kind": "ammunition_depot"},
}


@pytest.mark.parametrize(
    ("changes", "verdict", "readings"),
    [
        ({}, "permitted", {"narrow": "permitted", "broad": "permitted"}),
        ({"date": "2024-11-16"}, "prohibited", {"narrow": "prohibited", "broad": "prohibited"}),
        ({"target": {"territory": "RU", "kind": "supply_line"}}, "undetermined", None),
        ({"weapon": "HIMARS", "date": "2024-05-20"}, "prohibited", None),
    ],
)
def test_the_oracle_reads_the_spec_example_as_the_spec_does(
    changes: dict[str, Any], verdict: str, readings: dict[str, str] | None
) -> None:
    outcome = oracle.judge(SHIPPED, scenario_of(KURSK | changes))
    assert outcome.verdict == verdict
    if readings is not None:
        assert dict(outcome.readings) == readings


def test_the_comparison_catches_an_engine_off_by_one_day() -> None:
    """The property can fail: an engine whose ATACMS grant starts a day early disagrees."""
    early = replace(
        SHIPPED,
        grants=tuple(
            replace(g, in_force=InForce(from_=parse_policy_date("2024-11-16")))
            if g.id == "us-grant-atacms"
            else g
            for g in SHIPPED.grants
        ),
    )
    scenario = scenario_of(KURSK | {"date": "2024-11-16"})
    engine = Engine(early)
    try:
        strike = strike_of(SHIPPED, scenario)
        traces = {r: engine.run(strike, r) for r in SHIPPED.readings}
    finally:
        engine.close()
    found = oracle.outcome_of(assemble(SHIPPED, scenario, strike, traces))
    assert found.verdict == "permitted"
    assert oracle.judge(SHIPPED, scenario).verdict == "prohibited"
