"""The exported JSON Schemas agree with the loader: every scenario passes, every invalid
fixture that a JSON reader can parse fails, and the shipped copy never drifts."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pycountry
import pytest
import yaml

from checker.model.rulebook import Rulebook
from checker.read.jsonschema import (
    DAY_PATTERN,
    country_pattern,
    dumps,
    rulebook_schema,
    scenario_schema,
    territory_pattern,
    weapon_pattern,
)

from .conftest import FIXTURES, ROOT, RULES, SCENARIOS

Validator = jsonschema.Draft202012Validator


@pytest.fixture(scope="module")
def validator(rulebook: Rulebook) -> Any:
    schema = scenario_schema(rulebook)
    Validator.check_schema(schema)
    return Validator(schema)  # no format checker: the patterns alone must do the work


def _strict_json(text: str) -> Any:
    """JSON as RFC 8259 has it: no NaN/Infinity, and (what no schema can see) no duplicate
    keys: those fixtures are not JSON a schema validator is ever given."""

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({k for k, _ in items}) != len(items):
            raise ValueError("duplicate key")
        return dict(items)

    return json.loads(text, parse_constant=constant, object_pairs_hook=pairs)


def _parsable(path: Path) -> Any:
    try:
        return _strict_json(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return pytest  # a sentinel: not parsable by a JSON reader


SCENARIO_FILES = sorted(SCENARIOS.rglob("*.json"))
INVALID_FILES = sorted((FIXTURES / "invalid").iterdir())


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_scenario_is_accepted(path: Path, validator: Any) -> None:
    errors = [e.message[:200] for e in validator.iter_errors(json.loads(path.read_text()))]
    assert errors == []


@pytest.mark.parametrize("path", INVALID_FILES, ids=lambda p: p.name)
def test_every_parsable_invalid_fixture_is_rejected(path: Path, validator: Any) -> None:
    data = _parsable(path)
    if data is pytest:
        pytest.skip("not parsable as strict JSON (no schema is ever asked)")
    assert list(validator.iter_errors(data)), f"{path.name} was accepted by the schema"


def test_most_invalid_fixtures_reach_the_schema() -> None:
    # Guard against the skip above hiding everything: 32 of 42 parse as strict JSON.
    parsable = [p for p in INVALID_FILES if _parsable(p) is not pytest]
    assert len(parsable) >= 30


def test_shipped_copy_matches_the_command(rulebook: Rulebook) -> None:
    shipped = (ROOT / "schema" / "scenario.schema.json").read_text()
    assert shipped == dumps(scenario_schema(rulebook)), (
        "schema/scenario.schema.json is stale: run checker schema scenario > "
        "schema/scenario.schema.json"
    )


def test_rule_files_are_accepted_by_the_rulebook_schema() -> None:
    schema = rulebook_schema()
    Validator.check_schema(schema)
    validator = Validator(schema)
    for path in sorted(RULES.rglob("*.yaml")):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        assert [e.message[:200] for e in validator.iter_errors(data)] == [], path
    bad = {"grants": [{"id": "x", "grantor": "ZZ"}]}
    assert list(validator.iter_errors(bad))


def test_codes_patterns_enumerate_the_standard() -> None:
    countries = re.compile(country_pattern())
    territories = re.compile(territory_pattern())
    real = {c.alpha_2 for c in pycountry.countries}
    for code in real:
        assert countries.search(code) and countries.search(code.lower())
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    for code in (a + b for a in letters for b in letters if a + b not in real):
        assert not countries.search(code) and not territories.search(code)
    for sub in pycountry.subdivisions:
        assert territories.search(sub.code) and territories.search(sub.code.lower())
    for fake in ("RU-XXX", "RU-KR", "RU-", "RUS", "UA-99", "RU-KRSS"):
        found = territories.search(fake)
        assert bool(found) == (fake in {s.code for s in pycountry.subdivisions}), fake


@pytest.mark.parametrize(
    ("day", "real"),
    [
        ("2024-02-29", True),
        ("2023-02-29", False),
        ("2000-02-29", True),
        ("1900-02-29", False),
        ("2024-04-31", False),
        ("2024-12-31", True),
        ("2024-13-01", False),
        ("2024-1-01", False),
    ],
)
def test_day_pattern_accepts_real_days_only(day: str, real: bool) -> None:
    assert bool(re.search(DAY_PATTERN, day)) is real


def test_weapon_patterns_follow_the_loader(rulebook: Rulebook) -> None:
    # Every spelling the loader accepts matches the schema, and the other way round.
    spellings = [
        "atacms",
        "MGM-140",
        "mgm 140",
        "Storm Shadow",
        "storm-shadow",
        "STORM_SHADOW",
        "scalp eg",
        "Scalp-EG",
        "m142",
        "gmlrs",
        "Tomahawk",
        "ATACM",
        "HIMARSS",
        "",
    ]
    schema = scenario_schema(rulebook)["properties"]["weapon"]
    for name in spellings:
        by_schema = not list(Validator(schema).iter_errors(name))
        assert by_schema == (rulebook.weapon_named(name) is not None), name
    assert weapon_pattern("Storm Shadow").startswith("^")
    assert "ATACMS" in schema["examples"] and "SCALP-EG" in schema["examples"]


def test_schema_is_small_enough_for_an_editor(rulebook: Rulebook) -> None:
    assert len(dumps(scenario_schema(rulebook))) < 64_000
    assert sys.getsizeof(territory_pattern()) < 40_000
