"""Every scenario file is a test case: its `expect` must be its verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

import checker
from checker.model.rulebook import Rulebook

from .conftest import ROOT, SCENARIOS

FILES = sorted(SCENARIOS.rglob("*.json"))


def test_the_corpus_is_large_and_every_file_expects_something() -> None:
    assert len(FILES) >= 30
    for path in FILES:
        assert checker.load_scenario(path).expect is not None, path


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_scenario(path: Path, rulebook: Rulebook) -> None:
    scenario = checker.load_scenario(path, rulebook)
    verdict = checker.evaluate(rulebook, scenario, file=str(path))
    assert verdict.verdict == scenario.expect, "\n".join(verdict.reasons)
    assert verdict.reasons and verdict.rules and verdict.sources
