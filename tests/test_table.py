"""The decision table remembers the engine's answers exactly, and only for its own rules.

A memo that learnt classes writes them to the table; a fresh memo (another command, a
later run) reads them back instead of running the engine, and every verdict and every
byte of JSON is what the engine path gives. A table is keyed by the rules' digest and the
code version: another rulebook never reads it, and a damaged one is ignored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checker
from checker.engine import engine_for
from checker.evaluation.explain import assemble
from checker.evaluation.memo import Extras, Memo
from checker.evaluation.table import table_key
from checker.model.names import scenario_name
from checker.model.rulebook import Rulebook
from checker.model.scenario import Scenario
from checker.model.strike import Strike
from checker.read import cache
from checker.read.scenario import strike_of
from checker.report.verdict import as_json

from .conftest import RULES
from .strategies import rulebooks, scenario_dicts

BOOK = checker.load_rulebook(RULES)


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path))
    return tmp_path


def table_path_equals_engine_path(book: Rulebook, data: dict[str, Any]) -> None:
    """A fresh memo (what it knows comes from the table) gives what the engine gives."""
    scenario = checker.parse_scenario(json.dumps(data), "t.json", book)
    strike = strike_of(book, scenario)
    engine = engine_for(book)
    traces = {reading: engine.run(strike, reading) for reading in book.readings}
    plain = assemble(book, scenario, strike, traces, file="t.json")
    memo = Memo(book)
    assert memo.verdict(scenario, strike, file="t.json") == plain
    name = scenario_name(scenario.id, "t.json")
    extras = Extras(name, "t.json", scenario.expect, plain.feasibility, strike.weapon)
    assert memo.json_line(strike, extras) == as_json(plain).encode()
    memo.save()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=scenario_dicts(BOOK))
def test_the_table_path_equals_the_engine_path(own_cache: Path, data: dict[str, Any]) -> None:
    table_path_equals_engine_path(BOOK, data)  # learnt, and saved
    table_path_equals_engine_path(BOOK, data)  # read back from the table


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(book=rulebooks(), draws=st.data())
def test_the_table_path_equals_the_engine_path_on_generated_rulebooks(
    own_cache: Path, book: Rulebook, draws: st.DataObject
) -> None:
    for _ in range(3):
        data = draws.draw(scenario_dicts(book))
        table_path_equals_engine_path(book, data)
        table_path_equals_engine_path(book, data)


def _depot_in_kursk() -> tuple[Scenario, Strike]:
    """An ATACMS strike on a depot in Kursk oblast: a class one engine run per reading decides."""
    data = {
        "date": "2024-11-20",
        "weapon": "ATACMS",
        "target": {"territory": "RU-KRS", "kind": "ammunition_depot"},
    }
    scenario = checker.parse_scenario(json.dumps(data), "t.json", BOOK)
    return scenario, strike_of(BOOK, scenario)


def test_a_known_class_needs_no_engine_run(own_cache: Path) -> None:
    scenario, strike = _depot_in_kursk()
    first = Memo(BOOK)
    verdict = first.verdict(scenario, strike)
    assert first.engine_runs == len(BOOK.readings)
    first.save()
    second = Memo(BOOK)
    assert second.verdict(scenario, strike) == verdict
    assert second.engine_runs == 0 and second._engine is None  # not even compiled


def test_another_rulebook_never_reads_the_table(own_cache: Path, tmp_path: Path) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "grants" / "us.yaml"
    path.write_text(path.read_text().replace("{from: 2024-11-17}", "{from: 2024-11-18}"))
    other = checker.load_rulebook(rules)
    assert table_key(other) != table_key(BOOK)
    assert table_key(checker.load_rulebook(RULES)) == table_key(BOOK)


def test_a_damaged_table_is_ignored(own_cache: Path) -> None:
    data = {
        "date": "2024-11-16",
        "weapon": "ATACMS",
        "target": {"territory": "RU-KRS", "kind": "troops", "forces": ["RU"]},
    }
    scenario = checker.parse_scenario(json.dumps(data), "t.json", BOOK)
    strike = strike_of(BOOK, scenario)
    memo = Memo(BOOK)
    verdict = memo.verdict(scenario, strike)
    memo.save()
    (path,) = own_cache.glob("decisions-*.json")
    stored = json.loads(path.read_text())
    for entry in stored["value"]["pool"]:
        for trace in entry.values():
            trace["verdicts"] = ["permitted", "prohibited"]  # no longer one verdict
    path.write_text(json.dumps(stored))
    again = Memo(BOOK)
    assert again.verdict(scenario, strike) == verdict
    assert again.engine_runs == len(BOOK.readings)
    path.write_text("{not json")
    assert Memo(BOOK).verdict(scenario, strike) == verdict
    assert cache.load("decisions", table_key(BOOK), dict) is None  # and removed


def test_a_table_of_another_code_version_is_never_used(
    own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario, strike = _depot_in_kursk()
    first = Memo(BOOK)
    verdict = first.verdict(scenario, strike)
    first.save()
    assert Memo(BOOK).table.traces(first.key(strike), BOOK.readings) is not None
    monkeypatch.setattr(cache, "code_version", lambda: "another-version")
    later = Memo(BOOK)  # the same rules, other code: the stored table is foreign
    assert later.table.traces(first.key(strike), BOOK.readings) is None
    assert later.verdict(scenario, strike) == verdict
    assert later.engine_runs == len(BOOK.readings)


def test_classes_with_the_same_traces_share_one_kept_entry(own_cache: Path) -> None:
    """The kept table holds each distinct set of traces once, and every class reads its own
    back: before the grant, ATACMS against troops or a depot, in Kursk oblast or elsewhere
    in Russia, are four classes that the same missing consent decides."""
    memo = Memo(BOOK)
    cases = []
    for territory in ("RU-KRS", "RU-BEL"):
        for kind in ("troops", "ammunition_depot"):
            data = {
                "date": "2024-11-10",
                "weapon": "ATACMS",
                "target": {"territory": territory, "kind": kind},
            }
            scenario = checker.parse_scenario(json.dumps(data), "t.json", BOOK)
            strike = strike_of(BOOK, scenario)
            cases.append((scenario, strike, memo.verdict(scenario, strike)))
    memo.save()
    (path,) = own_cache.glob("decisions-*.json")
    stored = json.loads(path.read_text())["value"]
    assert len(stored["traces"]) == 4 and len(stored["pool"]) == 1
    again = Memo(BOOK)
    for scenario, strike, verdict in cases:
        assert again.verdict(scenario, strike) == verdict
    assert again.engine_runs == 0
