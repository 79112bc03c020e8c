"""The pre-commit hooks tried for real: `checker init`, `pre-commit install`, `git commit`.

A scratch repository made by `checker init` commits through real pre-commit, whose hooks
(`repo: local`, `language: system`) run the `checker` of this test's own environment, found
on the PATH: nothing is downloaded. Unchanged rules pass; a grant moved by one day fails (a
scenario's expectation and the lock); an alias added to a weapon passes; a scenario naming
an unknown weapon fails validate. About 12 s (`-m "not hooks"` leaves it out).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.hooks

BIN = Path(sys.executable).parent
"""The environment running the tests: its `checker` and `pre-commit` scripts."""


def _environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_CONFIG_GLOBAL": os.devnull,  # no user's hooksPath, signing or templates
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "NO_COLOR": "1",
    }


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A repository made by `checker init`, its hooks installed by real pre-commit."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install '.[test]')")
    assert (BIN / "checker").exists(), f"no checker script in {BIN}: pip install -e '.[test]'"
    env = _environment(tmp_path)
    root = tmp_path / "book"
    _run(["checker", "init", str(root)], tmp_path, env)
    _run(["git", "init", "-q"], root, env)
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if installed.returncode != 0:
        pytest.skip(f"pre-commit cannot run here: {installed.stdout}{installed.stderr}")
    return root, env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done.stdout


def _commit(root: Path, env: dict[str, str], message: str) -> tuple[int, str]:
    """`git add -A && git commit`, through the installed pre-commit hook."""
    _run(["git", "add", "-A"], root, env)
    done = subprocess.run(
        ["git", "commit", "-qm", message],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def _hooks(output: str) -> dict[str, str]:
    """Each hook's outcome from pre-commit's summary lines: `name....Passed`."""
    found = {}
    for line in output.splitlines():
        for outcome in ("Passed", "Failed", "Skipped"):
            if line.rstrip().endswith(outcome) and "..." in line:
                found[line.split("...")[0].strip(" .")] = outcome
    return found


HOOKS = ("checker validate", "checker test", "checker lock --check")


def test_commits_go_through_the_hooks(repo: tuple[Path, dict[str, str]]) -> None:
    root, env = repo

    code, out = _commit(root, env, "the rulebook as checker init made it")
    assert code == 0, out
    assert _hooks(out) == dict.fromkeys(HOOKS, "Passed"), out
    assert "rulebook: ../rules (" in _run(["checker", "test"], root / "rules", env)

    # The US grant for ATACMS one day later: the first day's scenario and the lock disagree.
    grants = root / "rules" / "grants" / "us.yaml"
    text = grants.read_text()
    assert "in_force: {from: 2024-11-17}" in text
    grants.write_text(text.replace("in_force: {from: 2024-11-17}", "in_force: {from: 2024-11-18}"))
    code, out = _commit(root, env, "the grant a day later")
    assert code != 0, out
    assert _hooks(out) == {
        "checker validate": "Passed",
        "checker test": "Failed",
        "checker lock --check": "Failed",
    }, out
    assert "FAIL scenarios/atacms-ru-krs-ammunition-depot-2024-11-17.json" in out
    assert "expected permitted, got prohibited" in out
    _run(["git", "reset", "-q", "--hard", "HEAD"], root, env)

    # A new name for a weapon changes no verdict: every hook passes.
    weapons = root / "rules" / "weapons.yaml"
    text = weapons.read_text()
    weapons.write_text(text.replace("aliases: [MGM-140,", "aliases: [ATACMS Block 1A, MGM-140,", 1))
    code, out = _commit(root, env, "another name for ATACMS")
    assert code == 0, out
    assert _hooks(out) == dict.fromkeys(HOOKS, "Passed"), out

    # A scenario naming a weapon the catalogue does not know: validate (and test) stop it.
    (root / "scenarios" / "unknown.json").write_text(
        '{"date": "2024-11-20", "weapon": "Taurus", '
        '"target": {"territory": "RU-KRS", "kind": "troops"}, "expect": "prohibited"}\n'
    )
    code, out = _commit(root, env, "an unknown weapon")
    assert code != 0, out
    assert _hooks(out)["checker validate"] == "Failed", out
    assert "scenarios/unknown.json" in out and "Taurus" in out
