"""JSON Lines input: one scenario per line, errors located by line, results streamed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import checker
from checker import cli
from checker.report.verdict import as_json

from .conftest import RULES, SCENARIOS

runner = CliRunner()
BOOK = checker.load_rulebook(RULES)
GOOD = [json.loads(p.read_text()) for p in sorted(SCENARIOS.rglob("*.json"))]


def write(tmp_path: Path, lines: list[str], name: str = "big.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines))
    return path


def one_by_one(path: Path, lines: list[str]) -> str:
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        scenario = checker.parse_scenario(line, str(path), BOOK)
        out.append(as_json(checker.evaluate(BOOK, scenario, file=f"{path}:{number}")))
    return "".join(out)


def test_every_line_as_one_by_one_evaluation(tmp_path: Path) -> None:
    lines = [json.dumps(s) for s in GOOD]
    path = write(tmp_path, lines)
    result = runner.invoke(cli.app, ["eval", str(path), "--format", "json"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == one_by_one(path, lines)
    first = json.loads(result.stdout.splitlines()[0])
    assert first["file"] == f"{path}:1"


def test_a_path_json_must_escape_names_lines_as_one_by_one(tmp_path: Path) -> None:
    # The fast path writes `file` and the default scenario name from a quoted prefix of the
    # path; a quote or backslash in the path must still come out as json.dumps writes it.
    lines = [json.dumps(s) for s in GOOD[:5]]
    lines += [json.dumps({k: v for k, v in s.items() if k != "id"}) for s in GOOD[:5]]
    folder = tmp_path / 'we"ird\\dir'
    folder.mkdir()
    path = write(folder, lines, name='a"b\tc.jsonl')
    result = runner.invoke(cli.app, ["eval", str(path), "--format", "json"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == one_by_one(path, lines)


def test_bad_lines_are_located_and_the_good_ones_still_evaluated(tmp_path: Path) -> None:
    good = json.dumps(GOOD[0])
    lines = [
        good,
        "{not json",
        '{"date": "2024-11-20", "weapon": "ATACMS", "target": {"territory": "RU", "kind": "x"}}',
        "",
        '{"date": "2024-11-20", "weapon": "ATACMS", "weapon": "HIMARS", "target": {}}',
        good,
    ]
    path = write(tmp_path, lines)
    result = runner.invoke(cli.app, ["eval", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert result.stdout == one_by_one(path, [good, "", "", "", "", good])
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"{path}:2:2: invalid JSON")
    assert errors[1].startswith(f"{path}:3:74: target.kind: string 'x' is not allowed")
    assert errors[2] == f"{path}:5:44: weapon: duplicate key 'weapon'"
    assert len(errors) == 3


def test_text_format_and_folders_alongside(tmp_path: Path) -> None:
    path = write(tmp_path, [json.dumps(GOOD[0])])
    single = SCENARIOS / "atacms" / "atacms-kursk-depot-2024-11-20.json"
    result = runner.invoke(cli.app, ["eval", str(single), str(path)])
    assert result.exit_code == 0
    assert result.stdout.count("  why:") == 2


def test_empty_and_missing_files_are_bad_input(tmp_path: Path) -> None:
    empty = write(tmp_path, [""], "empty.jsonl")
    result = runner.invoke(cli.app, ["eval", str(empty), str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{empty}: holds no scenarios (one JSON object per line)",
        f"{tmp_path / 'nope.jsonl'}: no such file or folder",
    ]


def test_invalid_utf8_line_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bytes.jsonl"
    path.write_bytes(json.dumps(GOOD[0]).encode() + b'\n{"id": "\xff"}\n')
    result = runner.invoke(cli.app, ["eval", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{path}:2:9: is not valid UTF-8 (byte 0xff)"
    assert len(result.stdout.splitlines()) == 1


def test_jobs_give_the_same_bytes_and_no_progress_bar_when_piped(tmp_path: Path) -> None:
    lines = [json.dumps(s) for s in GOOD] * 40 + ["{oops"] + [json.dumps(GOOD[1])] * 3000
    path = write(tmp_path, lines)
    command = [sys.executable, "-m", "checker", "eval", str(path), "--format", "json"]
    one = subprocess.run(command, capture_output=True, check=False)
    two = subprocess.run([*command, "--jobs", "2"], capture_output=True, check=False)
    cores = subprocess.run([*command, "--jobs", "0"], capture_output=True, check=False)
    assert one.returncode == two.returncode == cores.returncode == 2
    assert one.stdout == two.stdout == cores.stdout
    assert one.stdout.decode() == one_by_one(path, [ln if ln != "{oops" else "" for ln in lines])
    assert (
        one.stderr
        == two.stderr
        == f"{path}:{40 * len(GOOD) + 1}:2: invalid JSON: ".encode()
        + (b"expecting property name enclosed in double quotes\n")
    )


@pytest.mark.parametrize("format", ["text", "markdown"])
def test_text_and_markdown_lines_as_one_by_one_evaluation(tmp_path: Path, format: str) -> None:
    from checker.report.registry import renderer

    lines = [json.dumps(s) for s in GOOD]
    path = write(tmp_path, lines)
    result = runner.invoke(cli.app, ["eval", str(path), "--format", format])
    render = renderer("Verdict", format)
    expected = []
    for number, line in enumerate(lines, 1):
        scenario = checker.parse_scenario(line, str(path), BOOK)
        expected.append(str(render(checker.evaluate(BOOK, scenario, file=f"{path}:{number}"))))
    assert result.exit_code == 0
    assert result.stdout == "".join(expected)


def test_a_carriage_return_inside_a_line_keeps_every_line_number(tmp_path: Path) -> None:
    good = json.dumps(GOOD[0])
    path = tmp_path / "cr.jsonl"
    path.write_bytes(b'{"date": "2024-11-20",\r "weapon": 1}\n' + good.encode() + b"\n")
    result = runner.invoke(cli.app, ["eval", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert f"{path}:1:" in result.stderr
    assert json.loads(result.stdout)["file"] == f"{path}:2"
