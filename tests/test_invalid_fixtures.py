"""One small file per kind of bad input: each is refused with its file, line and field."""

from __future__ import annotations

import json

import pytest

import checker
from checker.errors import CheckerError
from checker.model.rulebook import Rulebook

from .conftest import FIXTURES

INVALID = FIXTURES / "invalid"
EXPECTED: dict[str, dict[str, object]] = json.loads(
    (FIXTURES / "invalid-expected.json").read_text()
)


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in INVALID.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_refused_with_its_location(name: str, rulebook: Rulebook) -> None:
    path = INVALID / name
    with pytest.raises(CheckerError) as caught:
        checker.load_scenario(path, rulebook)
    expected = EXPECTED[name]
    messages = [str(p) for p in caught.value.problems]
    matching = [
        p
        for p in caught.value.problems
        if (not expected["field"] or str(expected["field"]) in p.location.field)
        and (expected["line"] is None or p.location.line == expected["line"])
    ]
    assert matching, (
        f"no problem at line {expected['line']} naming {expected['field']!r}: {messages}"
    )
    for problem in caught.value.problems:
        assert str(problem).startswith(str(path)), problem
        assert problem.message and "Traceback" not in problem.message
