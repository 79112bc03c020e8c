"""Which rulebook every command uses (SPEC, "Which rulebook").

`--rules DIR`; else `rules` in the nearest `checker.toml` or `[tool.checker]` of a
`pyproject.toml`, walking up; else the nearest `rules/rulebook.yaml`, walking up; else the
shipped rulebook. Text output names any other rulebook on its first line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import checker
from checker.cli import app
from checker.errors import CheckerError
from checker.read.rulebook import default_rules_dir, find_rulebook, find_scenarios, is_shipped

from .conftest import RULES, SCENARIOS

runner = CliRunner()
ALIAS = "Kursk Hammer"
"""An alias only the project's copy of the rules knows: who accepts it used that copy."""
SCENARIO = {
    "id": "hammer",
    "date": "2024-11-20",
    "weapon": ALIAS,
    "target": {"territory": "RU-KRS", "kind": "ammunition_depot"},
    "expect": "permitted",
}


def _project(root: Path, rules: str = "rules") -> Path:
    """A project holding a copy of the rules (with ALIAS) and one scenario using it."""
    folder = root / rules
    shutil.copytree(RULES, folder)
    weapons = folder / "weapons.yaml"
    weapons.write_text(
        weapons.read_text().replace("aliases: [MGM-140,", f"aliases: [{ALIAS}, MGM-140,", 1)
    )
    (root / "scenarios").mkdir()
    (root / "scenarios" / "hammer.json").write_text(json.dumps(SCENARIO))
    (root / "sub" / "deeper").mkdir(parents=True)
    return root


def _problem(err: pytest.ExceptionInfo[CheckerError]) -> str:
    return str(err.value.problems[0])


# --------------------------------------------------------------------------- the order


def test_rules_given_win_over_everything(tmp_path: Path) -> None:
    _project(tmp_path)
    (tmp_path / "checker.toml").write_text('rules = "rules"\n')
    assert find_rulebook("elsewhere", tmp_path) == Path("elsewhere")


def test_a_checker_toml_names_the_rules_relative_to_itself(tmp_path: Path) -> None:
    _project(tmp_path, "policy")
    (tmp_path / "checker.toml").write_text('rules = "policy"\n')
    assert find_rulebook(None, tmp_path / "sub" / "deeper") == tmp_path / "policy"


def test_pyproject_tool_checker_names_the_rules(tmp_path: Path) -> None:
    _project(tmp_path, "policy")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.checker]\nrules = "policy"\nscenarios = "scenarios"\n'
    )
    assert find_rulebook(None, tmp_path / "sub") == tmp_path / "policy"
    assert find_scenarios(None, None, tmp_path / "sub") == tmp_path / "scenarios"


def test_a_pyproject_without_tool_checker_is_passed_over(tmp_path: Path) -> None:
    _project(tmp_path, "policy")
    (tmp_path / "checker.toml").write_text('rules = "policy"\n')
    (tmp_path / "sub" / "pyproject.toml").write_text('[project]\nname = "checker-notes"\n')
    (tmp_path / "sub" / "deeper" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 99\n")
    assert find_rulebook(None, tmp_path / "sub" / "deeper") == tmp_path / "policy"


def test_checker_toml_comes_before_pyproject_in_one_folder(tmp_path: Path) -> None:
    _project(tmp_path, "policy")
    (tmp_path / "checker.toml").write_text('rules = "policy"\n')
    (tmp_path / "pyproject.toml").write_text('[tool.checker]\nrules = "missing"\n')
    assert find_rulebook(None, tmp_path) == tmp_path / "policy"


def test_a_configuration_comes_before_a_nearer_rules_folder(tmp_path: Path) -> None:
    _project(tmp_path, "policy")
    shutil.copytree(RULES, tmp_path / "sub" / "rules")
    (tmp_path / "checker.toml").write_text('rules = "policy"\n')
    assert find_rulebook(None, tmp_path / "sub") == tmp_path / "policy"


def test_else_the_nearest_rules_folder_with_a_rulebook_yaml(tmp_path: Path) -> None:
    _project(tmp_path)
    (tmp_path / "sub" / "rules").mkdir()  # no rulebook.yaml: not a rulebook
    assert find_rulebook(None, tmp_path / "sub" / "deeper") == tmp_path / "rules"
    assert find_rulebook(None, tmp_path) == tmp_path / "rules"


def test_else_the_shipped_rulebook(tmp_path: Path) -> None:
    assert find_rulebook(None, tmp_path) == default_rules_dir()
    assert is_shipped(default_rules_dir()) and is_shipped(RULES)
    assert not is_shipped(tmp_path)


def test_from_the_current_folder_paths_read_as_the_user_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path / "sub" / "deeper")
    assert find_rulebook(None) == Path("../../rules")
    assert find_scenarios(None) == Path("../../scenarios")
    (tmp_path / "checker.toml").write_text('rules = "./x/../rules"\n')
    assert find_rulebook(None) == Path("../../rules")


def test_the_corpus_beside_the_rules_else_here(tmp_path: Path) -> None:
    _project(tmp_path)
    assert find_scenarios(None, None, tmp_path / "sub") == tmp_path / "scenarios"
    assert find_scenarios(None, tmp_path / "rules", tmp_path / "sub") == tmp_path / "scenarios"


def test_else_the_corpus_here(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    assert find_scenarios(None, None, tmp_path) == tmp_path / "scenarios"


def test_a_corpus_given_must_exist(tmp_path: Path) -> None:
    with pytest.raises(CheckerError) as err:
        find_scenarios(str(tmp_path / "nope"))
    assert _problem(err).endswith("nope: no such file or folder")


def test_no_corpus_anywhere_is_none(tmp_path: Path) -> None:
    assert find_scenarios(None, None, tmp_path) is None


# --------------------------------------------------------------------------- bad settings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[project]\nname = "x"\n\n[tool.checker]\nrules = "nope"\n',
            "pyproject.toml:5: tool.checker.rules: no such rules folder: 'nope'",
        ),
        (
            "[tool.checker]\nrules = 3\n",
            "pyproject.toml:2: tool.checker.rules: must be a folder path, as a string",
        ),
        (
            '[tool.checker]\nrulez = "rules"\n',
            "pyproject.toml:2: tool.checker.rulez: unknown setting (known: rules, scenarios)",
        ),
        ("[tool.checker]\nrules = \n", "pyproject.toml:2:9: not valid TOML: Invalid value"),
        ('[tool]\nchecker = "rules"\n', "pyproject.toml: tool.checker: must be a table"),
    ],
)
def test_a_bad_setting_is_located_in_its_file(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(CheckerError) as err:
        find_rulebook(None, tmp_path / ".")
    assert _problem(err).startswith(str(tmp_path / expected)), _problem(err)


def test_a_bad_checker_toml_exits_2_with_its_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path)
    (tmp_path / "checker.toml").write_text('rules = "rules"\nscenarios = "gone"\n')
    monkeypatch.chdir(tmp_path / "sub")
    result = runner.invoke(app, ["test"])
    assert result.exit_code == 2
    assert "../checker.toml:2: scenarios: no such scenarios folder: 'gone'" in result.output
    mutate = runner.invoke(app, ["mutate"])
    assert mutate.exit_code == 2 and "../checker.toml:2: scenarios:" in mutate.output
    (tmp_path / "checker.toml").write_bytes(b'rules = "\xff"\n')
    assert runner.invoke(app, ["eval", "../scenarios"]).exit_code == 2


# --------------------------------------------------------------------------- every command


def test_every_command_uses_the_projects_rulebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from a subfolder, each command knows the alias only the project's rules have."""
    _project(tmp_path)
    (tmp_path / "rules" / "policy.lock").unlink()
    monkeypatch.chdir(tmp_path / "sub")
    scenario = "../scenarios/hammer.json"

    def ok(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, (args, result.output)
        return result.output

    assert ok("eval", scenario).startswith("rulebook: ../rules (")
    assert ok("test").splitlines()[-1] == "1 passed, 0 failed"
    assert ok("validate") == "6 files checked, 0 problems\n"  # 5 rule files, 1 scenario
    assert ok("lock") == "wrote ../rules/policy.lock\n"
    assert "is up to date" in ok("lock", "--check")
    assert ALIAS in ok("schema")
    assert ok("timeline", "--weapon", ALIAS, "--territory", "RU-KRS", "--kind", "troops")
    assert ok("why-not", scenario)
    new = ("--territory", "RU-KRS", "--kind", "troops", "--date", "2024-11-20", "--forces", "RU")
    assert '"weapon": "ATACMS"' in ok("new", "--weapon", ALIAS, *new, "-o", "-")
    # diff --base reads the very same folder at a git ref.
    if shutil.which("git") is not None:
        git = ["git", "-c", "user.email=t@t", "-c", "user.name=t", "-C", str(tmp_path)]
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-qm", "one"], check=True)
        assert "semantic diff HEAD:../rules → ../rules" in ok("diff", "--base", "HEAD")
    # The shipped rulebook knows no such alias.
    assert runner.invoke(app, ["eval", scenario, "--rules", str(RULES)]).exit_code == 2


def test_the_first_line_names_the_rulebook_in_text_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    text = runner.invoke(app, ["eval", "scenarios/hammer.json"]).output.splitlines()
    fingerprint = checker.load_rulebook("rules").fingerprint
    assert text[0] == f"rulebook: rules ({fingerprint[:8]})"
    assert text[1].startswith("hammer  PERMITTED")
    for format in ("json", "markdown"):
        for command in ("eval", "test"):
            out = runner.invoke(app, [command, "scenarios", "--format", format]).output
            assert "rulebook:" not in out, (command, format)
    assert runner.invoke(app, ["test"]).output.startswith(f"rulebook: rules ({fingerprint[:8]})")
    # A rulebook given with --rules is named as given.
    given = runner.invoke(app, ["eval", "scenarios", "--rules", str(tmp_path / "rules")]).output
    assert given.startswith(f"rulebook: {tmp_path / 'rules'} (")


def test_the_shipped_rulebook_is_not_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """In this repository the discovered rules/ is the shipped rulebook (a source checkout)."""
    monkeypatch.chdir(SCENARIOS)
    out = runner.invoke(app, ["eval", "atacms/atacms-kursk-depot-2024-11-20.json"]).output
    assert out.startswith("atacms-kursk-depot-2024-11-20  PERMITTED")
    assert runner.invoke(app, ["eval", "dates", "--rules", str(RULES)]).output.startswith("atacms")


def _plain_eval(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`checker eval ...` through the console script's fast path, reporting what it imported."""
    code = (
        "import sys; sys.argv[0] = 'checker'\nfrom checker.entry import run_plain\n"
        "code = run_plain(sys.argv[1:])\nprint('tomllib' in sys.modules, file=sys.stderr)\n"
        "sys.exit(code)"
    )
    return subprocess.run(
        [sys.executable, "-c", code, "eval", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )


def test_the_console_scripts_fast_path_discovers_too(tmp_path: Path) -> None:
    _project(tmp_path)
    done = _plain_eval(tmp_path / "sub", "../scenarios/hammer.json")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("rulebook: ../rules (")
    assert done.stderr.splitlines()[-1] == "False", "tomllib imported with no toml file"
    (tmp_path / "checker.toml").write_text('rules = "rules"\n')
    done = _plain_eval(tmp_path / "sub", "../scenarios/hammer.json", "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout)["verdict"] == "permitted"
    assert done.stderr.splitlines()[-1] == "True"
