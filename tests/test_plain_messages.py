"""Messages meant for files and CI are plain text: no console markup (`[bold]`, `\\[`, `[dim]`)
and no terminal escapes in JUnit XML, `checker test --format json`, markdown, GitHub
annotations or SARIF, even when styling is forced; and `--junit` read back by a real JUnit
parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite
from typer.testing import CliRunner

from checker.cli import app

from .conftest import SCENARIOS

runner = CliRunner()
KURSK = SCENARIOS / "atacms" / "atacms-kursk-depot-2024-11-20.json"
QUOTED = "'[bold]x'"
"""The one bracket in the corpus: the bad file's weapon, quoted in its problem as data."""
MARKUP = ("[bold", "[/", "[dim", "[red", "[green", "[yellow", "\\[", "\x1b")


def plain(text: str) -> bool:
    return not any(mark in text for mark in MARKUP)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A corpus with one scenario of each outcome, and styling forced on (rich styles a
    text result even off a terminal under FORCE_COLOR: nothing else may be styled)."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    base = json.loads(KURSK.read_text())
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "pass.json").write_text(json.dumps(base, indent=2))
    (corpus / "fail.json").write_text(json.dumps(base | {"expect": "prohibited"}, indent=2))
    skipped = {key: value for key, value in base.items() if key != "expect"}
    (corpus / "skip.json").write_text(json.dumps(skipped, indent=2))
    # Brackets from the input are data: quoted as they are, never escaped as markup (`\\[`).
    bad = '{"date": "2024-11-20", "weapon": "[bold]x",\n "target": {"territory": "RU", "kind": "troops"}}'
    (corpus / "bad.json").write_text(bad)
    return corpus


def test_junit_read_back_by_a_junit_parser(folder: Path, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = runner.invoke(app, ["test", str(folder), "--junit", str(junit)])
    assert result.exit_code == 2
    xml = JUnitXml.fromfile(str(junit))  # a lone <testsuite> comes wrapped in <testsuites>
    (suite,) = list(xml) if isinstance(xml, JUnitXml) else [xml]
    assert isinstance(suite, TestSuite) and suite.name == "checker"
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (4, 1, 1, 1)
    cases = {case.name: case for case in suite}
    assert set(cases) == {"pass.json", "fail.json", "skip.json", "bad.json"}
    assert cases["pass.json"].is_passed and cases["pass.json"].result == []
    (failure,) = cases["fail.json"].result
    assert isinstance(failure, Failure)
    assert failure.message == "expected prohibited, got permitted"
    assert failure.text.startswith("atacms-kursk-depot-2024-11-20  PERMITTED\n")
    assert "  why:\n" in failure.text
    (error,) = cases["bad.json"].result
    assert isinstance(error, Error) and error.message == "bad input"
    assert "bad.json:1:24: weapon: unknown weapon '[bold]x'; known: ATACMS" in error.text
    (skip,) = cases["skip.json"].result
    assert isinstance(skip, Skipped)
    for case in cases.values():
        assert case.classname.endswith("corpus")
        for outcome in case.result:
            text = (outcome.text or "").replace(QUOTED, "")
            assert plain(outcome.message or "") and plain(text), outcome.text


def test_json_messages_are_plain(folder: Path) -> None:
    result = runner.invoke(app, ["test", str(folder), "--format", "json"])
    data = json.loads(result.stdout)
    failed = next(case for case in data["cases"] if case["status"] == "failed")
    assert failed["message"].startswith("atacms-kursk-depot-2024-11-20  PERMITTED\n")
    assert failed["problems"][0]["message"] == "expected prohibited, got permitted"
    bad = next(case for case in data["cases"] if case["status"] == "error")
    assert bad["problems"][0]["message"].startswith("unknown weapon '[bold]x'; known:")
    for case in data["cases"]:
        assert plain(case["message"].replace(QUOTED, "")), case["message"]
        assert all(plain(p["message"].replace(QUOTED, "")) for p in case["problems"])


@pytest.mark.parametrize("format", ["markdown", "github", "sarif"])
def test_ci_and_markdown_output_is_plain(folder: Path, format: str) -> None:
    for command in ("test", "validate"):
        result = runner.invoke(app, [command, str(folder), "--format", format])
        assert result.exit_code == 2
        assert QUOTED in result.stdout  # quoted as it is
        out = result.stdout.replace(QUOTED, "")
        assert plain(out), out


def test_the_text_output_is_styled_only_through_runs(folder: Path) -> None:
    # With styling forced, the FAIL line's style reaches the terminal as an escape, never as
    # markup text, and the closing line is as always.
    result = runner.invoke(app, ["test", str(folder)])
    assert "[bold" not in result.stdout and "\\[" not in result.stdout
    assert result.stdout.endswith("1 passed, 1 failed, 1 skipped, 1 not evaluated (bad input)\n")
