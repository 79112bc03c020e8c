"""The engine: isolation between evaluations, and the durable_rules traps it works around."""

from __future__ import annotations

import random
from datetime import date

import checker
from checker.engine import Engine, engine_for
from checker.model.rulebook import Rulebook
from checker.model.strike import Strike

from .conftest import SCENARIOS

PERMITTED = Strike("atacms", "ammunition_depot", "RU-KRS", "UA", date(2024, 11, 20), None, ())
PROHIBITED = Strike("atacms", "airbase", "RU-BEL", "UA", date(2024, 11, 20), None, ())


def test_a_fact_equal_to_an_earlier_sessions_is_not_dropped(rulebook: Rulebook) -> None:
    """Regression: durable_rules' fact identity ignores the sid and survives delete_state.

    A prohibited evaluation leaves partial joins of grant conditions; without a session id
    in every fact, the next evaluation's identical condition facts were silently dropped
    and every later grant failed to match.
    """
    engine = Engine(rulebook)
    assert engine.run(PROHIBITED, "broad").verdicts == {"prohibited"}
    assert engine.run(PERMITTED, "broad").verdicts == {"permitted"}
    assert engine.run(PERMITTED, "broad").verdicts == {"permitted"}


def test_a_session_where_nothing_matches_is_deleted_safely(rulebook: Rulebook) -> None:
    """Regression: deleting a session that stored no fact segfaults; `open` prevents it."""
    engine = Engine(rulebook)
    nothing = Strike("atacms", "troops", "BY", "PL", date(1990, 1, 1), None, ())
    for _ in range(3):
        assert engine.run(nothing, "narrow").verdicts == {"undetermined"}


def test_no_state_leaks_after_thousands_of_evaluations(rulebook: Rulebook) -> None:
    engine = Engine(rulebook)
    strikes = [PERMITTED, PROHIBITED] * 1500
    random.Random(7).shuffle(strikes)
    for strike in strikes:
        expected = "permitted" if strike is PERMITTED else "prohibited"
        assert engine.run(strike, "narrow").verdicts == {expected}
    assert engine._traces == {}
    # more than the engine's 1024 live sessions: every session was deleted
    assert next(engine._sids) > 3000


def test_batch_in_any_order_equals_one_by_one(rulebook: Rulebook) -> None:
    files = sorted(SCENARIOS.rglob("*.json"))
    scenarios = [checker.load_scenario(f, rulebook) for f in files]
    alone = {}
    for scenario in scenarios:
        alone[scenario.id] = checker.evaluate(rulebook, scenario).readings
    shuffled = scenarios * 3
    random.Random(3).shuffle(shuffled)
    for scenario in shuffled:
        assert checker.evaluate(rulebook, scenario).readings == alone[scenario.id]


def test_one_engine_per_rulebook(rulebook: Rulebook) -> None:
    assert engine_for(rulebook) is engine_for(rulebook)
