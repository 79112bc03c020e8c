"""The on-disk cache holds data only, and never a value it cannot vouch for.

A checked rulebook is cached as JSON, keyed by the content of its folder and the code
version; an entry that is corrupt, truncated, written by other code or holding anything
but a rulebook is ignored, removed and rebuilt; `--no-cache` and `CHECKER_CACHE_DIR=`
bypass it.
"""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest

import checker
from checker.read import cache
from checker.read.rulebook import load_rulebook

from .conftest import RULES


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def entry(folder: Path) -> Path:
    (found,) = folder.glob("rulebook-*.json")
    return found


def test_a_rulebook_is_cached_as_json_and_read_back_equal(folder: Path) -> None:
    fresh = load_rulebook(RULES)
    data = json.loads(entry(folder).read_text())
    assert data["format"] == cache.FORMAT and data["code"] == cache.code_version()
    assert load_rulebook(RULES) == fresh
    assert not list(folder.glob("*.pickle")) and not list(folder.glob("*.tmp"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "not json at all",
        lambda text: text.replace(cache.code_version(), "0" * 32),  # other code
        lambda text: text.replace('"grants":[', '"grants":[1,'),  # not a rulebook
        lambda text: pickle.dumps(["a pickle"]).decode("latin-1"),
    ],
    ids=["truncated", "corrupt", "foreign", "wrong shape", "pickle"],
)
def test_a_damaged_entry_is_ignored_and_rebuilt(folder: Path, damage: object) -> None:
    fresh = load_rulebook(RULES)
    path = entry(folder)
    path.write_text(damage(path.read_text()), encoding="latin-1")  # type: ignore[operator]
    assert load_rulebook(RULES) == fresh
    assert json.loads(entry(folder).read_text())["code"] == cache.code_version()


def test_a_changed_rule_file_is_a_new_entry(folder: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    before = load_rulebook(rules)
    path = rules / "grants" / "us.yaml"
    path.write_text(path.read_text().replace("{from: 2024-11-17}", "{from: 2024-11-18}"))
    after = load_rulebook(rules)
    assert before != after
    assert len(list(folder.glob("rulebook-*.json"))) == 2


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKER_CACHE_DIR", "")
    assert cache.cache_dir() is None
    assert checker.load_rulebook(RULES).grants
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path))
    monkeypatch.setitem(cache._DISABLED, "off", True)  # what --no-cache sets
    assert cache.cache_dir() is None
    load_rulebook(RULES)
    assert not list(tmp_path.iterdir())


def test_the_records_read_from_the_cache_have_evaluated_annotations() -> None:
    """No string annotation for msgspec to compile in every process (`checker.model`)."""
    import msgspec

    from checker.evaluation.table import _Stored
    from checker.model import rules
    from checker.model.dates import PolicyDate
    from checker.model.rulebook import Rulebook

    records = [Rulebook, PolicyDate, _Stored]
    records += [
        v for v in vars(rules).values() if isinstance(v, type) and issubclass(v, msgspec.Struct)
    ]
    for record in records:
        strings = [n for n, a in record.__annotations__.items() if isinstance(a, str)]
        assert not strings, (record.__name__, strings)
