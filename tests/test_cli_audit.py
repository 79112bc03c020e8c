"""The audit commands as a user runs them: exit codes, formats, git refs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app

from .conftest import RULES

runner = CliRunner()


def _rules(tmp_path: Path, name: str = "rules") -> Path:
    target = tmp_path / name
    shutil.copytree(RULES, target)
    return target


def _drop_supply_line(folder: Path) -> None:
    grants = folder / "grants" / "us.yaml"
    grants.write_text(
        grants.read_text().replace(
            "[military_equipment, logistics_hub, ammunition_depot, supply_line]",
            "[military_equipment, logistics_hub, ammunition_depot]",
        )
    )


def test_diff_of_two_folders_exits_1_and_names_the_region(tmp_path: Path) -> None:
    new = _rules(tmp_path, "new")
    _drop_supply_line(new)
    result = runner.invoke(app, ["diff", str(RULES), str(new), "--scenarios", "scenarios"])
    assert result.exit_code == 1, result.output
    assert "ATACMS · RU-KRS · supply_line · operator UA · from 2024-11-17" in result.output
    assert "atacms-kursk-supply-line-2024-12-01.json: permitted → prohibited" in result.output
    same = runner.invoke(app, ["diff", str(RULES), str(RULES), "--format", "json"])
    assert same.exit_code == 0
    assert json.loads(same.output)["changed"] is False


def test_diff_bad_input_exits_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["diff", str(RULES)]).exit_code == 2
    assert runner.invoke(app, ["diff", str(RULES), str(tmp_path / "nope")]).exit_code == 2


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_diff_base_reads_git_objects_without_touching_the_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _rules(repo)
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "one"], cwd=repo, check=True)
    _drop_supply_line(repo / "rules")
    subprocess.run([*git, "commit", "-qam", "two"], cwd=repo, check=True)
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["diff", "--base", "HEAD~1", "--format", "markdown"])
    assert result.exit_code == 1, result.output
    assert "supply_line" in result.output and "| narrow |" in result.output
    assert runner.invoke(app, ["diff", "--base", "HEAD"]).exit_code == 0
    assert runner.invoke(app, ["diff", "--base", "HEAD~1", "--head", "HEAD~1"]).exit_code == 0
    assert runner.invoke(app, ["diff", "--base", "no-such-ref"]).exit_code == 2
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, check=True
    )
    assert status.stdout == b""
    # The lock: stale until written.
    # The copied lock describes the shipped rules, which still grant supply_line.
    checked = runner.invoke(app, ["lock", "--check", "--format", "json"])
    data = json.loads(checked.output)
    assert checked.exit_code == 1 and not data["ok"] and data["diff"]


def test_lock_writes_then_checks(tmp_path: Path) -> None:
    folder = _rules(tmp_path)
    (folder / "policy.lock").unlink(missing_ok=True)
    missing = runner.invoke(app, ["lock", "--check", "--rules", str(folder)])
    assert missing.exit_code == 1 and "does not exist" in missing.output
    wrote = runner.invoke(app, ["lock", "--rules", str(folder)])
    assert wrote.exit_code == 0 and wrote.output.startswith("wrote")
    ok = runner.invoke(app, ["lock", "--check", "--rules", str(folder), "--format", "markdown"])
    assert ok.exit_code == 0 and "is up to date" in ok.output


def test_test_command_formats_and_junit(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = runner.invoke(
        app, ["test", "scenarios/dates", "--format", "json", "--coverage", "--junit", str(junit)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["passed"] == 12 and data["failed"] == 0
    assert data["coverage"]["missing"]  # twelve date scenarios do not cover everything
    assert '<testsuite name="checker" tests="12" failures="0"' in junit.read_text()
