"""The memoised path equals the plain engine path, byte for byte, on generated scenarios and
generated rulebooks; and it runs the engine once per class and reading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import checker
from checker.engine import engine_for
from checker.evaluation.explain import assemble
from checker.evaluation.memo import Extras, Memo, readings_to_run
from checker.evaluation.space import build_space
from checker.model.names import scenario_name
from checker.model.rulebook import Rulebook
from checker.model.scenario import Scenario
from checker.model.verdict import Verdict
from checker.read.lines import LineReader, point
from checker.read.scenario import strike_of
from checker.report.verdict import as_json

from .conftest import RULES
from .strategies import rulebooks, scenario_dicts

BOOK = checker.load_rulebook(RULES)
MEMOS: dict[tuple[int, str | None], Memo] = {}


def memo_for(book: Rulebook, reading: str | None = None) -> Memo:
    # One memo per rulebook across examples, so later examples hit what earlier ones cached.
    key = (id(book), reading)
    if key not in MEMOS:
        MEMOS[key] = Memo(book, reading=reading)
    return MEMOS[key]


def plain_verdict(book: Rulebook, scenario: Scenario, reading: str | None, file: str) -> Verdict:
    """The engine run directly for every reading, no memo and no table: the reference."""
    strike = strike_of(book, scenario)
    engine = engine_for(book)
    traces = {name: engine.run(strike, name) for name in readings_to_run(book, reading)}
    return assemble(book, scenario, strike, traces, file=file)


def both_paths(book: Rulebook, data: dict[str, Any], file: str, reading: str | None) -> None:
    text = json.dumps(data)
    scenario = checker.parse_scenario(text, file, book)
    plain = plain_verdict(book, scenario, reading, file)
    assert checker.evaluate(book, scenario, reading=reading, file=file) == plain
    memo = memo_for(book, reading)
    strike = strike_of(book, scenario)
    assert memo.verdict(scenario, strike, file=file) == plain
    expected = as_json(plain).encode()
    extras = Extras(
        scenario_name(scenario.id, file), file, scenario.expect, plain.feasibility, strike.weapon
    )
    assert memo.json_line(strike, extras) == expected
    # The pydantic-free reader of JSON Lines sees the same strike (or defers to the model).
    fast = LineReader(book).read(text.encode())
    if fast is not None:
        assert fast[0] == strike
        line = fast[1]
        target, launch = point(line.target.location), point(line.launch and line.launch.location)
        if target is not None and launch is not None:
            encoded = memo.feasibility_slots(strike.weapon, target, launch)
            assert encoded[0] == json.dumps(plain.to_dict()["feasibility"]).encode()
            assert encoded[1] == json.dumps(list(plain.warnings)).encode()


@given(data=scenario_dicts(BOOK), reading=st.sampled_from([None, *BOOK.readings]))
def test_memo_equals_plain_path_on_the_shipped_rules(
    data: dict[str, Any], reading: str | None
) -> None:
    both_paths(BOOK, data, "big.jsonl:7", reading)


@settings(max_examples=40)
@given(book=rulebooks(), draws=st.data())
def test_memo_equals_plain_path_on_generated_rulebooks(
    book: Rulebook, draws: st.DataObject
) -> None:
    for number in range(6):
        data = draws.draw(scenario_dicts(book))
        both_paths(book, data, f"gen/batch.jsonl:{number + 1}", None)


@given(data=scenario_dicts(BOOK))
def test_cell_key_is_the_space_s_cell(data: dict[str, Any]) -> None:
    scenario = checker.parse_scenario(json.dumps(data), "x.json", BOOK)
    strike = strike_of(BOOK, scenario)
    assert memo_for(BOOK).cell(strike) == build_space(BOOK).cell_of(strike)


@pytest.fixture
def no_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache of its own: no decision table from earlier tests."""
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path))


@pytest.mark.usefixtures("no_table")
def test_one_engine_run_per_class_and_reading() -> None:
    memo = Memo(BOOK)
    base = {"weapon": "ATACMS", "target": {"territory": "RU-KRS", "kind": "ammunition_depot"}}
    days = ["2024-11-18", "2024-11-20", "2025-01-02", "2026-06-30"]  # one class: from 2024-11-18
    for day in days:
        scenario = checker.parse_scenario(json.dumps({**base, "date": day}), "x.json", BOOK)
        verdict = memo.verdict(scenario, strike_of(BOOK, scenario))
        assert verdict.verdict == "permitted"
    assert memo.engine_runs == len(BOOK.readings)


@pytest.mark.usefixtures("no_table")
def test_reasons_quoting_the_strike_differ_within_a_class() -> None:
    # HIMARS in May 2024 (month precision): the reason names the day, so the template tree
    # must branch on it although the class is the same.
    memo = Memo(BOOK)
    lines = []
    for day in ("2024-05-03", "2024-05-29"):
        data = {
            "date": day,
            "weapon": "HIMARS",
            "target": {"territory": "RU-BEL", "kind": "troops", "forces": ["RU"]},
        }
        scenario = checker.parse_scenario(json.dumps(data), "x.json", BOOK)
        strike = strike_of(BOOK, scenario)
        lines.append(memo.json_line(strike, Extras("s", None, None, None, strike.weapon)))
    assert b"the strike on 3 May 2024 falls inside it" in lines[0]
    assert b"the strike on 29 May 2024 falls inside it" in lines[1]
    assert memo.engine_runs == len(BOOK.readings)


KEYS = ("date", "weapon", "target", "operator", "id", "title", "notes", "$schema", "expect")
NESTED_KEYS = ("territory", "kind", "forces", "location", "lat", "lon", "launch", "consent")
MUTATIONS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=8),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@given(
    data=scenario_dicts(BOOK),
    path=st.lists(
        st.sampled_from(KEYS + NESTED_KEYS + ("assume",)) | st.text(max_size=9),
        min_size=1,
        max_size=3,
    ),
    value=MUTATIONS,
)
def test_fast_reader_accepts_only_what_the_model_accepts(
    data: dict[str, Any], path: list[str], value: Any
) -> None:
    # Replace or add one field anywhere: the fast reader either defers (None) or agrees.
    target: Any = data
    for part in path[:-1]:
        if not isinstance(target, dict) or part not in target:
            break
        target = target[part]
    if isinstance(target, dict):
        target[path[-1]] = value
    text = json.dumps(data)
    fast = LineReader(BOOK).read(text.encode())
    if fast is None:
        return
    scenario = checker.parse_scenario(text, "x.json", BOOK)  # must not raise
    assert fast[0] == strike_of(BOOK, scenario)
    # and reads the very scenario the documents path reads (one reader, two speeds)
    assert LineReader(BOOK).scenario(text.encode()) == (scenario, fast[0])


@given(
    data=scenario_dicts(BOOK),
    at=st.integers(min_value=0),
    insert=st.sampled_from(
        [
            " ",
            "\t",
            ":",
            ",",
            '"',
            "{",
            "}",
            "[",
            "]",
            "\\",
            "\u0000",
            "\u00e9",
            "\n",
            "null",
            "1e400",
        ]
    ),
)
def test_fast_reader_accepts_only_what_the_model_accepts_byte_by_byte(
    data: dict[str, Any], at: int, insert: str
) -> None:
    # Any text inserted anywhere in a valid line: the reader defers or agrees with the model.
    text = json.dumps(data)
    at %= len(text) + 1
    text = text[:at] + insert + text[at:]
    fast = LineReader(BOOK).read(text.encode())
    if fast is None:
        return
    scenario = checker.parse_scenario(text, "x.json", BOOK)  # must not raise
    assert fast[0] == strike_of(BOOK, scenario)


@pytest.mark.parametrize(
    "text",
    [
        (
            '{"date": "2024-11-20", "weapon": "ATACMS", "weapon" : "HIMARS",'
            ' "target": {"territory": "RU", "kind": "troops"}}'
        ),
        (
            '{"date": "2024-11-20", "weapon": "ATACMS", "weapon":"HIMARS",'
            ' "target": {"territory": "RU", "kind": "troops"}}'
        ),
        (
            '{"id": "a:b", "date": "2024-11-20", "weapon": "ATACMS",'
            ' "target": {"territory": "RU", "kind": "troops", "kind": "civilian"}}'
        ),
        (
            '{"date": "2024-11-20", "weapon": "ATACMS", "target": {"territory": "RU",'
            ' "kind": "troops", "location": {"lat": 1, "lat": 2, "lon": 3}}}'
        ),
    ],
)
def test_fast_reader_defers_on_duplicate_keys(text: str) -> None:
    assert LineReader(BOOK).read(text.encode()) is None
    with pytest.raises(checker.CheckerError, match="duplicate"):
        checker.parse_scenario(text, "x.json", BOOK)


def test_fast_reader_defers_on_a_line_over_the_size_limit() -> None:
    from checker.read.sourcemap import MAX_BYTES

    text = '{"date": "2024-11-20", "weapon": "ATACMS", "target": {"territory": "RU", "kind": "troops"}}'
    padded = text[:1] + " " * MAX_BYTES + text[1:]
    assert LineReader(BOOK).read(text.encode()) is not None
    assert LineReader(BOOK).read(padded.encode()) is None
