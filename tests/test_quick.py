"""The fast `checker eval` path prints exactly what the Typer CLI prints, or leaves it to it.

`checker.quick` answers `checker eval FILE.json... [--format F]` without typer, rich or
pydantic. Its whole contract is byte-identity with the CLI (stdout, stderr, exit code) and
handing over everything else before writing a byte: checked here on every shipped scenario
and format, on generated scenarios, on every invalid fixture, and on what makes it hand over.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.errors import MarkupError
from rich.markup import escape as rich_escape
from typer.testing import CliRunner

import checker
from checker import cli, model, quick
from checker.engine import Engine, _content_digest, _plain
from checker.evaluation.scenario import evaluate, strike_of
from checker.markup import escape, plain
from checker.model.rulebook import Rulebook
from checker.model.rules import TWINS, is_plain, plain_rulebook
from checker.read.rulebook import _code_digest, load_plain

from .conftest import FIXTURES, RULES, SCENARIOS
from .strategies import rulebooks, scenario_dicts

ROOT = SCENARIOS.parent
FILES = sorted(SCENARIOS.rglob("*.json"))
INVALID = sorted((FIXTURES / "invalid").glob("*.json"))
FORMATS = ("text", "json", "markdown")
KURSK = SCENARIOS / "atacms" / "atacms-kursk-depot-2024-11-20.json"
BEYOND_RANGE = SCENARIOS / "himars" / "himars-moscow-oblast-troops-out-of-range-2024-07-10.json"
HEAVY = ("pydantic", "pydantic_core", "typer", "rich")

# The console script, with a check that it did not hand over to the CLI when it should not.
ENTRY = "import sys; sys.argv[0] = 'checker'; from checker.quick import main; main()"
ENTRY_NO_CLI = ENTRY + "; assert 'typer' not in sys.modules, 'handed over to the CLI'"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _unstyled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither path styles its output (a CI may force colours for rich)."""
    for name in (*quick._RICH_ENVIRONMENT, quick._COMPLETION):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """The plain twin of the shipped rulebook is in the (test) cache, as after any CLI run."""
    checker.load_rulebook()


def normal(args: list[str]) -> tuple[int, str, str]:
    """The Typer CLI, in process."""
    result = runner.invoke(cli.app, args)
    return result.exit_code, result.stdout, result.stderr


def fast(paths: list[Path], format: str) -> tuple[bool, str, str]:
    """The fast path, in process: whether it answered, and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        answered = quick.run([str(p) for p in paths], format)
    return answered, out.getvalue(), err.getvalue()


def command(
    code: str, *args: str | Path, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """A `python -c code ARGS` process in the repo, as a user runs `checker ARGS`."""
    environment = {k: v for k, v in os.environ.items() if k not in quick._RICH_ENVIRONMENT}
    # Problems at one position come out in set order, which varies with the hash seed.
    environment["PYTHONHASHSEED"] = "0"
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**environment, **(env or {})},
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def cli_command(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    return command("from checker.cli import main; main()", *args, env=env)


# --------------------------------------------------------------------------- same output


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_scenario_prints_the_same_on_both_paths(path: Path, format: str) -> None:
    answered, out, err = fast([path], format)
    assert answered
    assert (0, out, err) == normal(["eval", str(path), "--format", format])


@pytest.mark.parametrize("format", FORMATS)
def test_the_command_prints_every_scenario_as_the_cli_does(format: str) -> None:
    """Every file at once, as processes: same bytes, and the warnings in the same places."""
    paths = [p.relative_to(ROOT) for p in FILES]
    expected = cli_command("eval", *paths, "--format", format)
    assert command(ENTRY_NO_CLI, "eval", *paths, "--format", format) == expected
    assert expected[0] == 0 and expected[1]


def test_warnings_interleave_with_the_verdicts_as_on_the_cli() -> None:
    paths = [KURSK, BEYOND_RANGE, KURSK]
    merged = [sys.executable, "-c", ENTRY_NO_CLI, "eval", *map(str, paths)]
    fast_run = subprocess.run(merged, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=True)
    merged[2] = "from checker.cli import main; main()"
    cli_run = subprocess.run(merged, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=True)
    assert b"warning:" in fast_run.stdout
    assert fast_run.stdout == cli_run.stdout


def test_the_fast_path_imports_neither_pydantic_typer_nor_rich() -> None:
    code = (
        ENTRY + "; print(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{HEAVY!r}), file=sys.stderr)"
    )
    for format in FORMATS:
        exit_code, out, err = command(code, "eval", BEYOND_RANGE, "--format", format)
        assert exit_code == 0 and out
        assert err.splitlines()[-1] == "[]"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), format=st.sampled_from(FORMATS))
def test_generated_scenarios_print_the_same_on_both_paths(
    rulebook: Rulebook, data: st.DataObject, format: str
) -> None:
    scenario = data.draw(scenario_dicts(rulebook))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.json"
        path.write_text(json.dumps(scenario, ensure_ascii=data.draw(st.booleans())))
        answered, out, err = fast([path], format)
        expected = normal(["eval", str(path), "--format", format])
    if answered:
        assert (0, out, err) == expected
    else:  # handed over (an id rich would print otherwise, ...): nothing written yet
        assert (out, err) == ("", "")
        assert expected[0] == 0


# --------------------------------------------------------------------------- handing over


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_an_invalid_scenario_is_left_to_the_cli(path: Path) -> None:
    assert fast([path], "text") == (False, "", "")
    assert fast([KURSK, path], "json") == (False, "", "")


def test_invalid_scenarios_print_what_the_cli_prints() -> None:
    args = ["eval", KURSK, *INVALID, "--format", "json"]
    expected = cli_command(*args)
    assert expected[0] == 2
    assert command(ENTRY, *args) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["eval", "KURSK", "--reading", "broad"],
        ["eval", "KURSK", "--rules", "rules"],
        ["eval", "KURSK", "--jobs", "2"],
        ["--debug", "eval", "KURSK"],
        ["eval", "KURSK", "--format", "yaml"],
        ["eval", "KURSK", "--format", "TEXT"],
        ["eval", "KURSK", "--format"],
        ["eval", "KURSK", "-f", "json", "--format=markdown"],
        ["eval", "KURSK", "--help"],
        ["eval", "KURSK", "--", "KURSK"],
        ["eval", "scenarios/no-such-file.json"],
        ["eval", "scenarios/atacms"],
        ["eval", "KURSK", "-"],
        ["eval"],
        ["test", "KURSK"],
        [],
    ],
    ids=lambda args: " ".join(args) or "no arguments",
)
def test_any_other_invocation_is_left_to_the_cli(args: list[str]) -> None:
    args = [str(KURSK.relative_to(ROOT)) if a == "KURSK" else a for a in args]
    assert quick.parse_request(args) is None
    assert command(ENTRY, *args) == cli_command(*args)


def test_json_lines_are_left_to_the_cli(tmp_path: Path) -> None:
    lines = tmp_path / "batch.jsonl"
    lines.write_text(KURSK.read_text().replace("\n", "") + "\n")
    assert quick.parse_request(["eval", str(lines)]) is None
    assert command(ENTRY, "eval", lines, "-f", "json") == cli_command("eval", lines, "-f", "json")


def test_the_invocations_it_answers() -> None:
    path = str(KURSK)
    assert quick.parse_request(["eval", path]) == ([path], "text")
    assert quick.parse_request(["eval", path, "-f", "json", path]) == ([path, path], "json")
    assert quick.parse_request(["eval", "--format=markdown", path]) == ([path], "markdown")
    assert quick.parse_request(["eval", "--format", "json", path]) == ([path], "json")


def test_a_terminal_or_forced_colours_are_left_to_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with redirect_stdout(Terminal()) as out:
        assert not quick.run([str(KURSK)], "text")
    assert out.getvalue() == ""
    with redirect_stdout(Terminal()) as out:  # json is not rich's to print
        assert quick.run([str(KURSK)], "json")
    with redirect_stderr(Terminal()) as err:  # the warning would be styled on stderr
        assert not quick.run([str(BEYOND_RANGE)], "text")
        assert quick.run([str(KURSK)], "text")
    assert err.getvalue() == ""
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert fast([KURSK], "text") == (False, "", "")


def test_a_stream_that_cannot_encode_the_output_is_left_to_the_cli() -> None:
    ascii_out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    with redirect_stdout(ascii_out):
        assert not quick.run([str(KURSK)], "text")  # the text holds '—' and '→'


@pytest.mark.parametrize("format", ["text", "json"])
def test_a_reader_that_goes_away_ends_the_command_as_on_the_cli(format: str) -> None:
    paths = [str(p.relative_to(ROOT)) for p in FILES] * 3  # more than a pipe holds
    results = []
    for code in (ENTRY, "from checker.cli import main; main()"):
        args = [sys.executable, "-c", code, "eval", *paths, "--format", format]
        with subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        ) as run:
            assert run.stdout is not None and run.stderr is not None
            run.stdout.read(10)
            run.stdout.close()
            results.append((run.wait(), run.stderr.read()))
    assert results[0] == results[1]


# --------------------------------------------------------------------------- the plain twin


def test_the_twin_is_written_when_missing_and_rewritten_when_damaged() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {"CHECKER_CACHE_DIR": folder}
        args = ["eval", KURSK, "--format", "json"]
        expected = cli_command(*args, env=env)  # the cold CLI: writes the cache and the twin
        (twin,) = Path(folder).glob("plainbook-*.pickle")
        assert command(ENTRY_NO_CLI, *args, env=env) == expected
        twin.write_bytes(b"not a pickle")
        assert command(ENTRY, *args, env=env) == expected  # handed over, and written afresh
        assert command(ENTRY_NO_CLI, *args, env=env) == expected
        twin.unlink()
        assert command(ENTRY, *args, env=env) == expected
        assert twin.exists()


def test_a_twin_holding_models_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    with tempfile.TemporaryDirectory() as folder:
        monkeypatch.setenv("CHECKER_CACHE_DIR", folder)
        book = checker.load_rulebook()
        twin = load_plain()
        assert twin is not None and is_plain(twin)
        (twin,) = Path(folder).glob("plainbook-*.pickle")
        twin.write_bytes(pickle.dumps(book))
        assert load_plain() is None
        assert not twin.exists()


def test_a_twin_is_keyed_by_every_rule_file_and_by_its_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    assert load_plain(rules) is None
    book = checker.load_rulebook(rules)
    twin = load_plain(rules)
    assert twin is not None and is_plain(twin) and _content_digest(twin) == _content_digest(book)
    source = rules / "sources" / "biden-atacms-2024-11-17.txt"
    source.write_text(source.read_text() + "\n")  # a source text is part of the rulebook
    assert load_plain(rules) is None
    checker.load_rulebook(rules)
    assert load_plain(rules) is not None
    monkeypatch.setattr("checker.rulebook._code_digest", lambda: _code_digest() + b"changed")
    assert load_plain(rules) is None
    monkeypatch.setenv("CHECKER_CACHE_DIR", "")
    assert load_plain(rules) is None


@pytest.mark.parametrize("name", sorted(TWINS))
def test_every_twin_has_its_models_fields(name: str) -> None:
    assert [f.name for f in fields(TWINS[name])] == list(getattr(model, name).model_fields)


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), book=rulebooks())
def test_a_twin_rulebook_evaluates_like_its_model(data: st.DataObject, book: Rulebook) -> None:
    twin = plain_rulebook(book)
    assert is_plain(twin) and _content_digest(twin) == _content_digest(book)
    for reading in twin.readings:
        assert _plain(twin.grants_under(reading)) == _plain(book.grants_under(reading))
        assert [str(g.in_force) for g in twin.grants_under(reading)] == [
            str(g.in_force) for g in book.grants_under(reading)
        ]
    scenarios = [model.scenario_of(data.draw(scenario_dicts(book))) for _ in range(3)]
    engines = Engine(book), Engine(twin)  # each compiled from its own rules
    try:
        for scenario in scenarios:
            strike = strike_of(book, scenario)
            assert strike == strike_of(twin, scenario)
            for reading in book.readings:
                assert engines[0].run(strike, reading) == engines[1].run(strike, reading)
            assert evaluate(twin, scenario, file="x.json") == evaluate(
                book, scenario, file="x.json"
            )
    finally:
        for engine in engines:
            engine.close()


# --------------------------------------------------------------------------- rich's markup

_MARKUP_TEXT = st.lists(
    st.sampled_from([*"[]\\/=@#ab Z:", "bold", "dim", "yellow", "red", "é", "→", "😀"]),
    max_size=20,
).map("".join)


@given(text=_MARKUP_TEXT | st.text(max_size=40))
def test_escape_is_riches(text: str) -> None:
    assert escape(text) == rich_escape(text)


def _printed_by_rich(markup: str) -> str:
    out = io.StringIO()
    Console(file=out, highlight=False, soft_wrap=True, emoji=False).print(markup, end="")
    return out.getvalue()


@given(parts=st.lists(st.tuples(_MARKUP_TEXT | st.text(max_size=40), st.booleans()), max_size=6))
def test_plain_is_what_rich_prints_off_a_terminal(parts: list[tuple[str, bool]]) -> None:
    """Escaped text, raw text (some rule fields are not escaped) and the report's tags."""
    markup = "".join(escape(text) if escaped else text for text, escaped in parts)
    markup = f"[bold]{markup}[/]  [bold red]X[/]\n  [yellow]{markup}[/] {'w' * 120}"
    try:
        expected: str | None = _printed_by_rich(markup)
    except MarkupError:
        expected = None
    found = plain(markup)
    assert found is None or found == expected


def test_plain_leaves_unknown_tags_and_unprintable_text_to_rich() -> None:
    assert plain("[bold]a[/] \\[b] \\\\[dim]c[/]") == "a [b] \\c"
    assert plain("[link=x]a[/]") is None
    assert plain("[/]") is None
    assert plain("a\tb") is None
    assert plain("a\rb") is None


def test_rendering_needs_no_rich() -> None:
    """The report's text is rich markup; its renderers must not import rich themselves."""
    code = "import sys, checker.report; print(sorted(m for m in sys.modules if 'rich' in m))"
    assert command(code) == (0, "[]\n", "")
