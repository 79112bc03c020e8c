"""Properties of every verdict under the shipped rules, each its own test.

Each property is a `check_*` function over (rulebook, scenario data) so that, besides the
Hypothesis test that runs it over the shipped rules, a test shows it failing on a rulebook
broken on purpose: a property that cannot fail proves nothing.
"""

from __future__ import annotations

import copy
import json
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from msgspec.structs import replace

import checker
from checker.errors import CheckerError
from checker.evaluation.batch import evaluate_paths
from checker.model.dates import parse_policy_date
from checker.model.rulebook import Rulebook
from checker.model.scenario import Scenario
from checker.model.terms import VERDICTS
from checker.model.verdict import Verdict
from checker.read.scenario import scenario_of

from .conftest import RULES
from .oracle import RANK
from .strategies import cased, named_states, reshuffled, scenario_dicts

SHIPPED = checker.load_rulebook(RULES)
CODES = {"readings-disagree", "month-precision", "missing-fact", "outside-policy"}
Data = dict[str, Any]


def verdict_of(book: Rulebook, data: Data, reading: str | None = None) -> Verdict:
    return checker.evaluate(book, scenario_of(data), reading=reading)


def scenarios_of(book: Rulebook = SHIPPED) -> st.SearchStrategy[Data]:
    return scenario_dicts(book)


def with_target(data: Data, **fields: Any) -> Data:
    changed = copy.deepcopy(data)
    changed["target"].update(fields)
    return changed


# --------------------------------------------------------------------------- totality


def check_total(book: Rulebook, data: Data, reading: str | None) -> None:
    verdict = verdict_of(book, data, reading)
    assert verdict.verdict in VERDICTS
    assert verdict.reasons and verdict.rules and verdict.sources
    assert set(verdict.readings) == ({reading} if reading else set(book.readings))
    assert set(verdict.readings.values()) <= set(VERDICTS)
    assert {u.code for u in verdict.undetermined} <= CODES


@given(scenarios_of(), st.sampled_from([None, *SHIPPED.readings]))
def test_every_scenario_gets_one_verdict_with_reasons(data: Data, reading: str | None) -> None:
    check_total(SHIPPED, data, reading)


# Not one per example: durable_rules leaks each compiled ruleset's regexes (tests/isolated.py).
SECOND = replace(SHIPPED, fingerprint="a-second-engine")


@given(scenarios_of())
def test_evaluation_is_deterministic(data: Data) -> None:
    first = verdict_of(SHIPPED, data).to_dict()
    assert verdict_of(SHIPPED, data).to_dict() == first
    # a second engine, compiled apart from the first (its own fingerprint), says the same
    assert verdict_of(SECOND, data).to_dict() == first


# --------------------------------------------------------------------------- isolation

BAD_FILES = ["", "{", '{"date": "2024-02-30"}', "[]", '{"weapon": "Tomahawk"}', "\x00"]


@given(
    st.lists(scenarios_of(), min_size=1, max_size=6),
    st.lists(st.sampled_from(BAD_FILES), max_size=3),
    st.randoms(use_true_random=False),
)
def test_a_batch_in_any_order_equals_one_by_one(
    cases: list[Data], bad: list[str], order: random.Random
) -> None:
    """Every file's verdict is its own: neither its neighbours nor bad files change it."""
    alone = {f"{i}.json": verdict_of(SHIPPED, case).to_dict() for i, case in enumerate(cases)}
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        paths = []
        for index, case in enumerate(cases):
            paths.append(root / f"{index}.json")
            paths[-1].write_text(json.dumps(case))
        for index, text in enumerate(bad):
            paths.append(root / f"bad{index}.txt")
            paths[-1].write_text(text)
        order.shuffle(paths)
        results = list(evaluate_paths([str(p) for p in paths], SHIPPED))
    assert len(results) == len(paths)
    for result in results:
        name = Path(result.file).name
        if name.startswith("bad"):
            assert result.verdict is None and result.problems
            continue
        assert result.verdict is not None
        assert _unnamed(result.verdict.to_dict()) == _unnamed(alone[name])


def _unnamed(record: dict[str, Any]) -> dict[str, Any]:
    # a scenario without an id is named after its file: only that may differ
    return {k: v for k, v in record.items() if k not in ("file", "scenario")}


# --------------------------------------------------------------------------- monotonicity


def ranks(verdict: Verdict) -> dict[str, int]:
    return {reading: RANK[v] for reading, v in verdict.readings.items()}


def check_monotone_in_consent(book: Rulebook, data: Data, state: str) -> None:
    """Assuming one more consent can only move each verdict towards permitted."""
    before = verdict_of(book, data)
    more = copy.deepcopy(data)
    more["assume"] = {"consent": [*more.get("assume", {}).get("consent", []), state]}
    after = verdict_of(book, more)
    for reading, rank in ranks(before).items():
        assert ranks(after)[reading] >= rank, (reading, before.readings, after.readings)
    if before.verdict == "permitted":
        assert after.verdict == "permitted"


@given(scenarios_of(), st.sampled_from(named_states(SHIPPED)))
def test_assuming_a_consent_never_makes_a_verdict_worse(data: Data, state: str) -> None:
    check_monotone_in_consent(SHIPPED, data, state)


def check_monotone_in_time(book: Rulebook, data: Data, later: int) -> None:
    """Grants have no end: a strike permitted on a day is permitted on every later day."""
    before = verdict_of(book, data)
    moved = {**data, "date": (date.fromisoformat(data["date"]) + timedelta(later)).isoformat()}
    after = verdict_of(book, moved)
    for reading, rank in ranks(before).items():
        assert ranks(after)[reading] >= rank, (reading, data["date"], moved["date"])


@given(scenarios_of(), st.integers(0, 800))
def test_a_permission_once_given_stays(data: Data, later: int) -> None:
    check_monotone_in_time(SHIPPED, data, later)


# --------------------------------------------------------------------------- fixed regimes


def check_civilian_prohibited(book: Rulebook, data: Data) -> None:
    verdict = verdict_of(book, with_target(data, kind="civilian"))
    assert verdict.verdict == "prohibited"
    assert set(verdict.readings.values()) == {"prohibited"}


@given(scenarios_of())
def test_civilian_targets_are_always_prohibited(data: Data) -> None:
    check_civilian_prohibited(SHIPPED, data)


UKRAINE = st.sampled_from(["UA", "ua", "UA-43", "UA-14", "ua-09", "UA-65", "UA-40", "UA-77"])


def check_ukraine_permitted(book: Rulebook, data: Data, territory: str) -> None:
    if data["target"]["kind"] == "civilian":
        data = with_target(data, kind="troops")
    verdict = verdict_of(book, {**with_target(data, territory=territory), "operator": "UA"})
    assert verdict.verdict == "permitted"
    assert set(verdict.readings.values()) == {"permitted"}


@given(scenarios_of(), UKRAINE)
def test_ukraine_striking_military_targets_in_ukraine_is_permitted(
    data: Data, territory: str
) -> None:
    check_ukraine_permitted(SHIPPED, data, territory)


# --------------------------------------------------------------------------- readings


def check_readings(book: Rulebook, data: Data) -> None:
    """Undetermined exactly when the readings disagree or a stated reason applies."""
    verdict = verdict_of(book, data)
    per_reading = set(verdict.readings.values())
    codes = [u.code for u in verdict.undetermined]
    assert (verdict.verdict == "undetermined") == (len(per_reading) > 1 or bool(codes))
    assert ("readings-disagree" in codes) == (len(per_reading) > 1)
    if len(per_reading) == 1:
        assert verdict.verdict == per_reading.pop()
    for result in verdict.results:
        if result.verdict == "undetermined":  # each undetermined reading says why
            assert any(u.reading == result.reading for u in verdict.undetermined)
        alone = verdict_of(book, data, result.reading)
        assert alone.verdict == result.verdict


@given(scenarios_of())
def test_the_verdict_follows_the_readings(data: Data) -> None:
    check_readings(SHIPPED, data)


# --------------------------------------------------------------------------- invariance


def parsed(text: str) -> Scenario:
    return checker.parse_scenario(text, "case.json", SHIPPED)


@given(scenarios_of(), st.randoms(use_true_random=False))
def test_json_key_order_does_not_matter(data: Data, order: random.Random) -> None:
    shuffled = json.dumps(reshuffled(data, order.shuffle))
    expected = checker.evaluate(SHIPPED, parsed(json.dumps(data))).to_dict()
    assert checker.evaluate(SHIPPED, parsed(shuffled)).to_dict() == expected


def other_names(book: Rulebook, name: str) -> list[str]:
    weapon = book.weapon_named(name)
    assert weapon is not None
    return sorted({weapon.id, weapon.name, *weapon.aliases})


@given(scenarios_of(), st.data())
def test_any_name_of_a_weapon_gives_the_same_verdict(data: Data, draw: st.DataObject) -> None:
    name = draw.draw(st.sampled_from(other_names(SHIPPED, data["weapon"])).flatmap(cased))
    expected = verdict_of(SHIPPED, data).to_dict()
    found = verdict_of(SHIPPED, {**data, "weapon": name}).to_dict()
    # Only the caveat that a launcher's name stands for its munitions may differ.
    weapon = SHIPPED.weapon_named(name)
    assert weapon is not None
    named = SHIPPED.launcher_named(weapon, name)
    assert ("launcher-named" in {c["code"] for c in found.pop("caveats")}) == named
    expected.pop("caveats")
    assert found == expected


def recased(data: Data, case: Any) -> Data:
    """Every ISO code in the scenario in another letter case."""
    changed = copy.deepcopy(data)
    target = changed["target"]
    target["territory"] = case(target["territory"])
    if target.get("forces"):
        target["forces"] = [case(f) for f in target["forces"]]
    if "operator" in changed:
        changed["operator"] = case(changed["operator"])
    if changed.get("assume", {}).get("consent"):
        changed["assume"]["consent"] = [case(c) for c in changed["assume"]["consent"]]
    return changed


@given(scenarios_of(), st.sampled_from([str.upper, str.lower, str.swapcase]))
def test_letter_case_of_codes_does_not_matter(data: Data, case: Any) -> None:
    expected = verdict_of(SHIPPED, data).to_dict()
    assert verdict_of(SHIPPED, recased(data, case)).to_dict() == expected


UNREAD = ["id", "title", "notes", "$schema", "expect", "launch"]


@given(scenarios_of())
def test_fields_no_rule_reads_never_change_the_verdict(data: Data) -> None:
    """An absent optional field no rule conditions on never makes a case undetermined."""
    bare = {k: v for k, v in data.items() if k not in UNREAD}
    bare["target"] = {k: v for k, v in data["target"].items() if k != "location"}
    full, stripped = verdict_of(SHIPPED, data), verdict_of(SHIPPED, bare)
    assert (stripped.verdict, stripped.readings) == (full.verdict, full.readings)
    assert stripped.undetermined == full.undetermined


# --------------------------------------------------------------------------- state


def test_no_state_leaks_after_thousands_of_evaluations_and_failures(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """3,000 evaluations in one engine, a tenth of them failing midway, all as the oracle says."""
    from checker.engine import Engine
    from checker.evaluation.memo import Memo

    from . import oracle

    engine = Engine(SHIPPED)
    # A memo of its own for each evaluation, and no decision table: every one runs the engine.
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(
        "checker.evaluation.scenario.memo_for",
        lambda book, reading=None: Memo(book, reading=reading, engine=engine),
    )
    real_assert = engine._host.assert_fact
    failing = {"now": False}

    def assert_fact(ruleset: str, fact: dict[str, Any]) -> Any:
        if failing["now"] and fact.get("t") == "decide":
            raise RuntimeError("injected failure in the middle of a session")
        return real_assert(ruleset, fact)

    monkeypatch.setattr(engine._host, "assert_fact", assert_fact)
    rng = random.Random(11)
    cases = _grid()
    for step in range(3000):
        data = rng.choice(cases)
        failing["now"] = step % 10 == 3
        if failing["now"] or step % 10 == 7:
            bad = data if failing["now"] else {**data, "weapon": "Tomahawk"}
            with pytest.raises((RuntimeError, CheckerError)):
                verdict_of(SHIPPED, bad)
            continue
        found = oracle.outcome_of(verdict_of(SHIPPED, data))
        assert found == oracle.judge(SHIPPED, scenario_of(data)), data
    assert engine._traces == {}
    engine.close()


def _grid() -> list[Data]:
    """A few hundred cases around the shipped rules' boundaries."""
    cases = []
    for weapon in ("ATACMS", "HIMARS", "Storm Shadow", "SCALP"):
        for kind in ("troops", "military_equipment", "ammunition_depot", "airbase", "civilian"):
            for territory in ("RU-KRS", "RU-BEL", "RU", "UA-43", "BY"):
                for day in ("2024-04-30", "2024-05-15", "2024-06-01", "2024-11-16", "2024-11-17"):
                    for forces in (None, ["RU"], ["KP"]):
                        target = {"territory": territory, "kind": kind}
                        if forces is not None:
                            target["forces"] = forces
                        cases.append({"date": day, "weapon": weapon, "target": target})
    return cases


# --------------------------------------------------------------------------- can they fail?


def _broken(book: Rulebook, rule_id: str, **changes: Any) -> Rulebook:
    """The shipped rules with one rule changed (a new fingerprint: a new engine)."""

    def edit(rules: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(replace(r, **changes) if r.id == rule_id else r for r in rules)

    return replace(
        book,
        grants=edit(book.grants),
        baseline=edit(book.baseline),
        fingerprint=f"broken-{rule_id}-{sorted(changes)}",
    )


KURSK = {
    "date": "2024-11-20",
    "weapon": "ATACMS",
    "target": {"territory": "RU-KRS", "kind": "troops"},
}


def test_the_properties_fail_on_rules_that_break_them() -> None:
    from checker.model.rules import InForce

    flipped = _broken(SHIPPED, "civilian-objects", then="permitted")
    with pytest.raises(AssertionError):
        check_civilian_prohibited(flipped, KURSK)
    closed = _broken(SHIPPED, "ukrainian-territory", then="consent")
    with pytest.raises(AssertionError):
        check_ukraine_permitted(closed, KURSK, "UA-43")
    ending = InForce(parse_policy_date("2024-11-17"), parse_policy_date("2024-12-31"))
    expiring = _broken(SHIPPED, "us-grant-atacms", in_force=ending)
    depot = with_target(KURSK, kind="ammunition_depot")
    with pytest.raises(AssertionError):
        check_monotone_in_time(expiring, depot, 60)
