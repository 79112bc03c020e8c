"""Random but valid rulebooks: the compiler tested far beyond the shipped rules.

For each generated rulebook the engine must agree with the oracle, the YAML round trip
must give the same rules back, and any single corruption of a rule file must be refused
with a located error (never another exception).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import checker
from checker.errors import CheckerError
from checker.read.scenario import scenario_of

from . import oracle
from .conftest import RULES
from .isolated import EngineProcess
from .strategies import (
    PROVENANCE,
    book_of,
    dump_rulebook,
    rulebook_files,
    same_rules,
    scenario_dicts,
    write_files,
)
from .test_oracle import agree

Files = dict[str, dict[str, Any]]


@contextmanager
def folder() -> Iterator[Path]:
    # Hypothesis runs a test body many times; pytest's tmp_path is created once per test.
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def files_with_scenarios() -> st.SearchStrategy[tuple[Files, list[dict[str, Any]]]]:
    return rulebook_files().flatmap(
        lambda files: st.tuples(
            st.just(files), st.lists(scenario_dicts(book_of(files)), min_size=1, max_size=6)
        )
    )


@pytest.fixture(scope="module")
def engine_process() -> Iterator[EngineProcess]:
    process = EngineProcess()
    yield process
    process.close()


@given(files_with_scenarios(), st.data())
def test_engine_agrees_with_the_oracle_on_generated_rulebooks(
    engine_process: EngineProcess, drawn: tuple[Files, list[dict[str, Any]]], data: st.DataObject
) -> None:
    files, cases = drawn
    book = book_of(files)
    reading = data.draw(st.sampled_from([None, *book.readings]), label="reading")
    found = engine_process.outcomes(files, cases, reading)
    for case, outcome in zip(cases, found, strict=True):
        expected = oracle.judge(book, scenario_of(case), reading)
        assert outcome == expected, (
            f"engine and oracle disagree on {json.dumps(case)} (reading {reading}):\n"
            f"  engine: {outcome}\n  oracle: {expected}"
        )


def test_a_rulebook_with_many_grant_clauses_is_evaluated() -> None:
    """Regression, found by the property above: one strike fact shared by every grant clause
    overflowed durable_rules' 64-entry node stack (error 303, exit 3) once a few dozen
    clauses matched it - here 70 grants differing only in their start day."""
    files = {
        "rulebook.yaml": {
            "rulebook": {
                "name": "many grants",
                "sources": [{"id": "gen", "title": "g", "published": "2024-11-17"}],
            }
        },
        "weapons.yaml": {"weapons": [_weapon("alpha", ["US"])]},
        "grants.yaml": {
            "grants": [_grant(i, f"2024-{1 + i // 28:02d}-{1 + i % 28:02d}") for i in range(70)]
        },
        "policy.yaml": {
            "restrictions": [
                {
                    "id": "r",
                    "title": "r",
                    "states": ["US"],
                    "territories": ["RU"],
                    "provenance": PROVENANCE,
                }
            ],
            "baseline": [
                {
                    "id": "b",
                    "title": "b",
                    "precedence": 1,
                    "then": "consent",
                    "provenance": PROVENANCE,
                }
            ],
        },
    }
    book = book_of(files)
    for day, verdict in (("2023-12-31", "prohibited"), ("2024-06-01", "permitted")):
        case = {"date": day, "weapon": "alpha", "target": {"territory": "RU-KRS", "kind": "troops"}}
        assert checker.evaluate(book, scenario_of(case)).verdict == verdict
        agree(book, case)


def _weapon(ident: str, required: list[str]) -> dict[str, Any]:
    return {
        "id": ident,
        "name": ident.upper(),
        "supplier": required[0],
        "consent_required": required,
        "range": {"stated": "about 100 miles", "miles": 100, "km": 161},
        "provenance": PROVENANCE,
    }


def _grant(index: int, start: str) -> dict[str, Any]:
    return {
        "id": f"g-{index}",
        "title": "a grant",
        "grantor": "US",
        "weapons": ["alpha"],
        "in_force": {"from": start},
        "territories": ["RU"],
        "targets": [{"kinds": ["troops"]}],
        "provenance": PROVENANCE,
    }


# --------------------------------------------------------------------------- YAML round trip


@given(rulebook_files())
def test_a_generated_rulebook_loads_from_yaml_as_built(files: Files) -> None:
    with folder() as root:
        loaded = checker.load_rulebook(write_files(files, root))
    assert same_rules(loaded, book_of(files))


@given(rulebook_files())
def test_load_dump_load_gives_the_same_generated_rulebook(files: Files) -> None:
    with folder() as root:
        first = checker.load_rulebook(write_files(files, root / "a"))
        again = checker.load_rulebook(write_files(dump_rulebook(first), root / "b"))
    assert same_rules(first, again)


def test_load_dump_load_gives_the_same_shipped_rulebook(tmp_path: Path) -> None:
    shipped = checker.load_rulebook(RULES)
    write_files(dump_rulebook(shipped), tmp_path)
    shutil.copytree(RULES / "sources", tmp_path / "sources")  # quotes are checked against it
    again = checker.load_rulebook(tmp_path)
    assert same_rules(shipped, again)
    assert again.fingerprint != shipped.fingerprint  # other files, same rules


def test_same_rules_notices_a_changed_rule(tmp_path: Path) -> None:
    """The round-trip property can fail: one changed date makes the rulebooks differ."""
    data = dump_rulebook(checker.load_rulebook(RULES))
    data["grants.yaml"]["grants"][1]["in_force"]["from"] = "2024-11-18"
    write_files(data, tmp_path)
    shutil.copytree(RULES / "sources", tmp_path / "sources")
    assert not same_rules(checker.load_rulebook(RULES), checker.load_rulebook(tmp_path))


# --------------------------------------------------------------------------- corruptions

Mutation = Callable[[Files, st.DataObject], bool]
LOCATED = re.compile(r"^(?P<file>[^\n:]+)(:(?P<line>\d+)(:\d+)?)?: \S")


def _items(files: Files, section: str) -> list[dict[str, Any]]:
    return [item for content in files.values() for item in content.get(section, [])]


def _containers(value: Any) -> Iterator[dict[str, Any] | list[Any]]:
    if isinstance(value, dict | list):
        yield value
        for child in value.values() if isinstance(value, dict) else value:
            yield from _containers(child)


def wrong_type(files: Files, data: st.DataObject) -> bool:
    """Any value below the top level replaced by one of another type."""
    places = [
        (c, k)
        for content in files.values()
        for section in content.values()
        for c in _containers(section)
        for k in (c if isinstance(c, dict) else range(len(c)))
    ]
    container, key = data.draw(st.sampled_from(places), label="where")
    old = container[key]
    if isinstance(old, str):
        container[key] = [old]
    elif isinstance(old, int | float):
        container[key] = "five"
    else:
        container[key] = 5
    return True


def unknown_field(files: Files, data: st.DataObject) -> bool:
    dicts = [c for content in files.values() for c in _containers(content) if isinstance(c, dict)]
    data.draw(st.sampled_from(dicts), label="where")["unexpectd"] = 1
    return True


REQUIRED = {
    "weapons": ["id", "name", "supplier", "consent_required", "range", "provenance"],
    "grants": ["id", "title", "grantor", "weapons", "in_force", "territories", "targets"],
    "restrictions": ["id", "title", "states", "territories", "provenance"],
    "baseline": ["id", "title", "precedence", "then", "provenance"],
}


def missing_field(files: Files, data: st.DataObject) -> bool:
    section = data.draw(st.sampled_from(sorted(REQUIRED)), label="section")
    items = _items(files, section)
    if not items:
        return False
    item = data.draw(st.sampled_from(items), label="rule")
    del item[data.draw(st.sampled_from(REQUIRED[section]), label="field")]
    return True


def _set_in_grant(key: str, value: Any) -> Mutation:
    def mutate(files: Files, data: st.DataObject) -> bool:
        grants = _items(files, "grants")
        if not grants:
            return False
        data.draw(st.sampled_from(grants), label="grant")[key] = copy.deepcopy(value)
        return True

    mutate.__name__ = f"grant_{key}_{value}"
    return mutate


def _first(section: str, key: str, value: Any) -> Mutation:
    def mutate(files: Files, data: st.DataObject) -> bool:
        items = _items(files, section)
        if not items:
            return False
        items[0][key] = copy.deepcopy(value)
        return True

    mutate.__name__ = f"{section}_{key}_{value}"
    return mutate


def duplicate_id(files: Files, data: st.DataObject) -> bool:
    weapons, others = _items(files, "weapons"), _items(files, "baseline")
    others[0]["id"] = weapons[0]["id"]
    return True


def duplicate_precedence(files: Files, data: st.DataObject) -> bool:
    rules = sorted(_items(files, "baseline"), key=lambda r: r["precedence"])
    if len(rules) < 2:
        return False
    rules[0]["precedence"] = rules[1]["precedence"]
    return True


def conditioned_last(files: Files, data: st.DataObject) -> bool:
    last = max(_items(files, "baseline"), key=lambda r: r["precedence"])
    last["when"] = {"kinds": ["troops"]}
    return True


def unknown_reading(files: Files, data: st.DataObject) -> bool:
    grants = _items(files, "grants")
    if not grants:
        return False
    override = {"summary": "x", "provenance": grants[0]["provenance"]}
    grants[0]["readings"] = {"sideways": override}
    return True


MUTATIONS: list[Mutation] = [
    wrong_type,
    unknown_field,
    missing_field,
    duplicate_id,
    duplicate_precedence,
    conditioned_last,
    unknown_reading,
    _set_in_grant("weapons", ["no-such-weapon"]),
    _set_in_grant("grantor", "PL"),  # never a required consent
    _set_in_grant("in_force", {"from": "2024-13-01"}),
    _set_in_grant("in_force", {"from": "2024-06-02", "until": "2024-06-01"}),
    _set_in_grant("in_force", {"from": "2024-07", "until": "2024-06"}),
    _set_in_grant("territories", ["RU-XYZ"]),
    _set_in_grant("targets", [{"kinds": ["hospital"]}]),
    _set_in_grant("targets", [{"kinds": ["troops"], "forces": []}]),
    _first("restrictions", "territories", ["RU-KRS"]),  # subdivisions on grants only
    _first("restrictions", "states", ["ZZ"]),
    _first("baseline", "in_force", {"from": "2024-05"}),  # months on grants only
    _first("baseline", "then", "allowed"),
    _first("weapons", "consent_required", ["PL"]),  # no restriction explains it
    _first("weapons", "range", {"stated": "far", "miles": 100, "km": 300}),
    _first("weapons", "provenance", [{"source": "elsewhere", "quote": "x" * 12, "evidence": "x"}]),
]


@given(rulebook_files(), st.sampled_from(MUTATIONS), st.data())
def test_a_corrupted_rule_file_is_refused_with_a_location(
    files: Files, mutation: Mutation, data: st.DataObject
) -> None:
    corrupted = copy.deepcopy(files)
    assume(mutation(corrupted, data))
    with folder() as root:
        write_files(corrupted, root)
        with pytest.raises(CheckerError) as caught:
            checker.load_rulebook(root)
    lines = [str(p) for p in caught.value.problems]
    assert lines
    for line in lines:
        match = LOCATED.match(line)
        assert match and match["file"].startswith(str(root)), line
    assert any(LOCATED.match(line)["line"] for line in lines), lines  # type: ignore[index]
