"""The command line as a user meets it: exact output for a few cases, exit codes for all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker import cli

from .conftest import RULES, SCENARIOS

runner = CliRunner()
KURSK = SCENARIOS / "atacms" / "atacms-kursk-depot-2024-11-20.json"
CIVILIAN = SCENARIOS / "civilian" / "civilian-kursk-atacms-2024-11-20.json"


def run(*args: str | Path, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, [str(a) for a in args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_eval_text_output_exactly() -> None:
    expected = (
        "civilian-kursk-atacms-2024-11-20  PROHIBITED\n"
        "  Prohibited: civilian objects are never a permitted target, whatever the territory or "
        "consent (the distinction principle of international humanitarian law, outside the "
        "report).\n"
        "  reading: broad\n"
        "  why:\n"
        "  - Civilian objects are never a permitted target, whatever the territory or consent "
        "(the distinction principle of international humanitarian law, outside the report).\n"
        '      "Ukraine can use ATACMS missiles to strike concentrations of Russian and North '
        'Korean troops, critical military equipment, logistics hubs, and ammunition depots." '
        "(baseline) — Biden lets Ukraine strike Russia with long-range missiles, 17 Nov 2024\n"
        "  caveats:\n"
        "  - note: The strike is later than the newest source (17 Nov 2024): decisions taken "
        "after it are not in the rulebook, so this verdict is the policy as reported on "
        "17 Nov 2024.\n"
        "  rules: civilian-objects\n"
    )
    assert run("eval", CIVILIAN, "--reading", "broad") == (0, expected, "")


def test_eval_json_is_one_object_per_line_with_the_contract_keys() -> None:
    code, out, err = run("eval", SCENARIOS / "atacms", "--format", "json")
    lines = out.splitlines()
    assert code == 0 and err == ""
    assert len(lines) == len(list((SCENARIOS / "atacms").glob("*.json")))
    for line in lines:
        record = json.loads(line)
        assert {"scenario", "verdict", "readings", "reasons", "rules", "sources"} <= set(record)
        assert record["verdict"] in ("permitted", "prohibited", "undetermined")
        assert set(record["readings"]) == {"narrow", "broad"}


def test_eval_reading_selects_one_reading() -> None:
    bryansk = SCENARIOS / "atacms" / "atacms-bryansk-depot-2024-11-20.json"
    verdicts = {}
    for reading in ("narrow", "broad", None):
        extra = ["--reading", reading] if reading else []
        code, out, _ = run("eval", bryansk, "--format", "json", *extra)
        assert code == 0
        verdicts[reading] = json.loads(out)["verdict"]
    assert verdicts == {"narrow": "prohibited", "broad": "permitted", None: "undetermined"}


def test_eval_markdown() -> None:
    code, out, _ = run("eval", KURSK, "--format", "markdown")
    assert code == 0
    assert out.startswith("### atacms-kursk-depot-2024-11-20: **permitted**\n")
    assert "| narrow | permitted |" in out and '> "' in out


def test_a_bad_file_in_a_batch_loses_nothing_else(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "date": "2024-11-20",\n  "weapn": "ATACMS"\n}\n')
    code, out, err = run("eval", bad, KURSK, "--format", "json")
    assert code == 2
    assert json.loads(out)["verdict"] == "permitted"
    assert f"{bad}:3:3: weapn: unknown field 'weapn' (did you mean 'weapon'?)" in err
    assert "Traceback" not in err + out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eval", "no-such.json"], "no-such.json: no such file or folder"),
        (["eval", str(KURSK), "--reading", "widest"], "--reading: unknown reading 'widest'"),
        (["eval", str(KURSK), "--rules", "no-such-rules"], "no-such-rules: no such rules folder"),
        (["eval", str(KURSK), "--format", "xml"], "xml"),
        (["table", "--format", "xml"], "'xml' is not one of 'csv', 'parquet', 'jsonl'."),
        (["test", "no-such"], "no-such: no such file or folder"),
        (["validate", "no-such"], "no-such: no such file or folder"),
    ],
)
def test_bad_usage_is_exit_2_with_a_message(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert message in err + out
    assert "Traceback" not in err + out
    assert "Value error" not in err + out  # no wording of the libraries underneath


def test_an_empty_folder_is_bad_input(tmp_path: Path) -> None:
    code, _, err = run("eval", tmp_path)
    assert (code, err.strip()) == (2, f"{tmp_path}: folder holds no scenario files (*.json)")


def test_stdin_is_read_for_dash() -> None:
    code, out, _ = run("eval", "-", "--format", "json", stdin=KURSK.read_text())
    assert code == 0 and json.loads(out)["verdict"] == "permitted"


def test_test_passes_and_fails_with_a_summary_line(tmp_path: Path) -> None:
    assert run("test", SCENARIOS / "civilian") == (0, "7 passed, 0 failed\n", "")
    wrong = json.loads(KURSK.read_text()) | {"expect": "prohibited"}
    (tmp_path / "wrong.json").write_text(json.dumps(wrong))
    code, out, _ = run("test", tmp_path)
    assert code == 1
    assert "FAIL" in out and "expected prohibited, got permitted" in out
    assert out.endswith("0 passed, 1 failed\n")


def test_validate_the_repo_itself() -> None:
    code, out, err = run("validate", RULES, SCENARIOS)
    assert (code, err) == (0, "")
    assert out.endswith(", 0 problems\n")


def test_validate_reports_every_problem_with_its_location(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"date": "2024-02-30", "weapon": "Tomahawk",\n "target": 1}')
    code, out, err = run("validate", tmp_path)
    assert code == 2
    assert f"{tmp_path / 'a.json'}:1:2: date: '2024-02-30' is not a real day" in err
    assert f"{tmp_path / 'a.json'}:2:2: target: expected an object, got number 1" in err
    assert out == "1 file checked, 2 problems\n"


def test_an_internal_error_is_exit_3_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr("checker.evaluation.batch.evaluate_strike", boom)
    code, _, err = run("eval", KURSK)
    assert code == 3
    assert "internal error: RuntimeError: engine exploded" in err
    assert "Traceback" not in err


def test_every_command_has_help_with_an_example() -> None:
    for command in ("eval", "test", "validate"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "Example:" in out, command


COMMANDS = (
    "eval",
    "test",
    "validate",
    "diff",
    "lock",
    "mutate",
    "schema",
    "new",
    "timeline",
    "why-not",
)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_python_type_names(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Usage: checker" in out
    assert "list[" not in out and "<str>" not in out and "{" not in out.splitlines()[0], out


def test_version() -> None:
    from importlib.metadata import version

    assert run("--version") == (0, f"checker {version('checker')}\n", "")


def test_reading_names_are_case_insensitive() -> None:
    bryansk = SCENARIOS / "atacms" / "atacms-bryansk-depot-2024-11-20.json"
    code, out, _ = run("eval", bryansk, "--format", "json", "--reading", "Broad")
    assert code == 0 and json.loads(out)["verdict"] == "permitted"


def test_test_selects_scenarios_by_keyword() -> None:
    code, out, _ = run("test", SCENARIOS, "-k", "KHALINO")
    assert (code, out) == (0, "1 passed, 0 failed\n")


def test_coverage_under_the_required_share_fails() -> None:
    code, out, err = run("test", SCENARIOS, "-k", "khalino", "--coverage", "--fail-under", "90")
    assert code == 1 and "coverage:" in out and "is under the required 90%" in err
    code, _, err = run("test", SCENARIOS, "--coverage", "--fail-under", "50")
    assert code == 0 and err == ""
