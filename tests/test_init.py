"""`checker init DIR`: a rulebook repository that passes its own checks on the first run.

(Its hooks tried for real, through pre-commit and git: `tests/test_hooks.py`.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app

from .conftest import RULES

runner = CliRunner()


def test_init_makes_a_repository_that_passes_its_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = runner.invoke(app, ["init", str(tmp_path / "book")])
    assert made.exit_code == 0, made.output
    root = tmp_path / "book"
    for name in (
        "checker.toml",
        ".pre-commit-config.yaml",
        ".github/workflows/checker.yml",
        "rules/rulebook.yaml",
        "rules/policy.lock",
        "rules/sources/biden-atacms-2024-11-17.txt",
    ):
        assert (root / name).is_file(), name
    assert (root / "rules" / "policy.lock").read_text() == (RULES / "policy.lock").read_text()
    scenarios = sorted((root / "scenarios").glob("*.json"))
    assert len(scenarios) >= 2 and all("expect" in json.loads(p.read_text()) for p in scenarios)
    assert "checker==" in (root / ".github/workflows/checker.yml").read_text()
    monkeypatch.chdir(root / "scenarios")
    for args in (["validate"], ["test"], ["lock", "--check"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
    assert runner.invoke(app, ["test"]).output.startswith("rulebook: ../rules (")


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    refused = runner.invoke(app, ["init", str(tmp_path)])
    assert refused.exit_code == 2
    assert f"{tmp_path}: is not empty; use --force" in refused.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    forced = runner.invoke(app, ["init", str(tmp_path), "--force"])
    assert forced.exit_code == 0 and (tmp_path / "checker.toml").is_file()
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert runner.invoke(app, ["init", str(tmp_path / "notes.txt")]).exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(app, ["init", str(empty)]).exit_code == 0
