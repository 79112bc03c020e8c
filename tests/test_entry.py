"""What `checker eval` prints, stored and reviewed: a change of wording shows as a diff.

`tests/golden/eval-{text,json,markdown}.txt` hold, for every shipped scenario and every
invalid fixture, the exit code, stdout and stderr of `checker eval FILE --format F`
(first recorded from the CLI before the package was reshaped, so the reshaping provably
changed no byte). Regenerate after a reviewed change of wording:
`CHECKER_UPDATE_GOLDEN=1 python -m pytest tests/test_entry.py`.

Also here: the console entry point answers plain calls itself, with the very command the
Typer app runs, without importing typer, rich or pydantic; and hands everything else over.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import checker
from checker import entry
from checker.commands.evaluate import eval_paths
from checker.commands.run import run
from checker.report.styled import Styled

from .conftest import FIXTURES, SCENARIOS

ROOT = SCENARIOS.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
FILES = sorted(SCENARIOS.rglob("*.json"))
INVALID = sorted((FIXTURES / "invalid").glob("*.json"))
CASES = [str(p.relative_to(ROOT)) for p in [*FILES, *INVALID]]
FORMATS = ("text", "json", "markdown")
KURSK = "scenarios/atacms/atacms-kursk-depot-2024-11-20.json"
BEYOND_RANGE = "scenarios/himars/himars-moscow-oblast-troops-out-of-range-2024-07-10.json"
HEAVY = ("pydantic", "pydantic_core", "typer", "rich")
UPDATE = bool(os.environ.get("CHECKER_UPDATE_GOLDEN"))


@pytest.fixture(autouse=True)
def _unstyled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is styled off a terminal (a CI may force colours for rich)."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", entry._COMPLETION):
        monkeypatch.delenv(name, raising=False)


def in_process(case: str, format: str) -> str:
    """One golden record, from the command function itself (run from the repo root)."""
    out, err = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = run(lambda writer: eval_paths(writer, [case], format=format))
    finally:
        os.chdir(cwd)
    return record(case, format, code, out.getvalue(), err.getvalue())


def record(case: str, format: str, code: int, out: str, err: str) -> str:
    return (
        f"=== checker eval {case} --format {format}  (exit {code})\n"
        f"--- stdout\n{out}--- stderr\n{err}"
    )


def golden(format: str) -> dict[str, str]:
    """The stored records of one format, by case."""
    text = (GOLDEN / f"eval-{format}.txt").read_text(encoding="utf-8")
    head = "=== checker eval "
    records = [head + part for part in ("\n" + text).split("\n" + head)[1:]]
    records = [r + "\n" if not r.endswith("\n") else r for r in records]
    return {r.split(" ", 4)[3]: r for r in records}


@pytest.mark.parametrize("format", FORMATS)
def test_every_scenario_and_invalid_file_prints_its_reviewed_output(format: str) -> None:
    found = {case: in_process(case, format) for case in CASES}
    path = GOLDEN / f"eval-{format}.txt"
    if UPDATE:
        path.write_text("".join(found.values()), encoding="utf-8")
    stored = golden(format)
    assert sorted(stored) == sorted(found), "a scenario was added or removed: regenerate"
    for case in CASES:
        assert found[case] == stored[case], case


def command(
    *args: str, code: str = "from checker.entry import main; main()"
) -> tuple[int, str, str]:
    """A `checker ARGS` process in the repo root, as a user runs it."""
    environment = {
        k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")
    }
    environment["PYTHONHASHSEED"] = "0"
    done = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv[0] = 'checker'; " + code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def typer_app(*args: str) -> tuple[int, str, str]:
    return command(*args, code="from checker.cli import main; main()")


def test_the_console_script_prints_what_the_typer_command_prints() -> None:
    """Every file at once, warnings interleaved in the same places, one process each."""
    for format in FORMATS:
        args = ("eval", *CASES[:40], BEYOND_RANGE, *CASES[-3:], "--format", format)
        expected = typer_app(*args)
        assert expected[0] == 2 and expected[1]
        assert command(*args) == expected


def test_a_plain_eval_imports_neither_pydantic_typer_nor_rich() -> None:
    checker.load_rulebook()  # the cache is warm, as after any run
    code = (
        "import sys\nfrom checker.entry import run_plain\ncode = run_plain(sys.argv[1:])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{HEAVY!r}), file=sys.stderr)\nsys.exit(code)"
    )
    for format in FORMATS:
        exit_code, out, err = command("eval", KURSK, BEYOND_RANGE, "--format", format, code=code)
        assert exit_code == 0 and out
        assert err.splitlines()[-1] == "[]"


def test_no_cache_is_taken_wherever_it_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.read import cache

    monkeypatch.setitem(cache._DISABLED, "off", False)
    assert entry.without_no_cache(["eval", KURSK]) == ["eval", KURSK]
    assert cache.cache_dir() is not None
    assert entry.without_no_cache(["eval", KURSK, "--no-cache", "--", "--no-cache"]) == [
        "eval",
        KURSK,
        "--",
        "--no-cache",
    ]
    assert cache.cache_dir() is None


def test_the_invocations_it_answers() -> None:
    assert entry.plain_eval(["eval", KURSK]) == ([KURSK], "text", None)
    assert entry.plain_eval(["eval", KURSK, "-f", "json", KURSK]) == ([KURSK, KURSK], "json", None)
    assert entry.plain_eval(["eval", "--format=markdown", KURSK]) == ([KURSK], "markdown", None)
    assert entry.plain_eval(["eval", "scenarios/atacms"]) == (["scenarios/atacms"], "text", None)
    assert entry.plain_eval(["eval", KURSK, "--jobs", "2"]) == ([KURSK], "text", 2)
    assert entry.plain_eval(["eval", "-j", "0", KURSK, "-f", "json"]) == ([KURSK], "json", 0)
    assert entry.plain_eval(["eval", "--jobs=1", KURSK]) == ([KURSK], "text", 1)


@pytest.mark.parametrize(
    "args",
    [
        ["eval", KURSK, "--reading", "broad"],
        ["eval", KURSK, "--jobs", "-1"],
        ["eval", KURSK, "--jobs", "two"],
        ["eval", KURSK, "--jobs"],
        ["eval", KURSK, "-j", "1", "--jobs", "2"],
        ["eval", KURSK, "--jobs", "\u0662"],
        ["--debug", "eval", KURSK],
        ["eval", KURSK, "--format", "yaml"],
        ["eval", KURSK, "--format"],
        ["eval", KURSK, "-f", "json", "--format=markdown"],
        ["eval", KURSK, "--help"],
        ["eval", KURSK, "-"],
        ["eval"],
        ["test", KURSK],
        [],
    ],
    ids=lambda args: " ".join(args) or "no arguments",
)
def test_any_other_invocation_goes_to_the_typer_app(args: list[str]) -> None:
    assert entry.plain_eval(args) is None
    assert command(*args) == typer_app(*args)


@pytest.mark.parametrize(
    "args",
    [
        ["eval", "scenarios/no-such-file.json"],
        ["eval", "scenarios/atacms"],
        ["eval", KURSK, "scenarios/dates"],
        ["eval", KURSK, "--jobs", "2"],
        ["eval", "scenarios/atacms", "-j", "0", "--format", "json"],
    ],
)
def test_answered_invocations_end_as_the_typer_app_ends(args: list[str]) -> None:
    assert entry.plain_eval(args) is not None
    assert command(*args) == typer_app(*args)


# --------------------------------------------------------------------------- styled text

_RUNS = st.lists(
    st.tuples(st.text(max_size=20), st.sampled_from(["", "bold", "dim", "bold red", "yellow"])),
    max_size=8,
)


@given(runs=_RUNS)
def test_rich_prints_styled_runs_as_their_plain_text_when_it_does_not_style(
    runs: list[tuple[str, str]],
) -> None:
    from rich.console import Console

    from checker.errors import printable
    from checker.report.writer import Writer

    styled = Styled()
    for text, style in runs:
        styled.add(text.replace("\r", ""), style)
    plain_out = io.StringIO()
    Writer(plain_out, io.StringIO()).out(styled)
    rich_out = io.StringIO()
    console = Console(file=rich_out, force_terminal=False, highlight=False, soft_wrap=True)
    from rich.text import Text

    text = Text()
    for run_text, style in styled:
        text.append(printable(run_text, keep="\n"), style=style or None)
    console.print(text, end="")
    assert plain_out.getvalue() == rich_out.getvalue()


def test_control_characters_from_the_input_never_reach_the_terminal() -> None:
    from checker.report.writer import Writer

    out = io.StringIO()
    Writer(out, io.StringIO()).out(Styled().line(("\x1b[2JFAKE: PERMITTED", "bold")))
    assert out.getvalue() == "\\x1b[2JFAKE: PERMITTED\n"


@pytest.mark.parametrize("format", ["text", "json"])
def test_a_reader_that_goes_away_ends_the_command_quietly(format: str) -> None:
    """`checker eval ... | head`: exit 141, nothing on stderr, on either way of starting."""
    paths = CASES[: len(FILES)] * 3  # more than a pipe holds
    results = []
    for code in ("from checker.entry import main; main()", "from checker.cli import main; main()"):
        args = [sys.executable, "-c", "import sys; sys.argv[0] = 'checker'; " + code]
        with subprocess.Popen(
            [*args, "eval", *paths, "--format", format],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as process:
            assert process.stdout is not None and process.stderr is not None
            process.stdout.read(10)
            process.stdout.close()
            results.append((process.wait(), process.stderr.read()))
    assert results == [(141, b""), (141, b"")]


def test_output_that_cannot_be_written_is_one_line_and_exit_2() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    for code in ("from checker.entry import main; main()", "from checker.cli import main; main()"):
        with Path("/dev/full").open("w") as full:
            done = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import sys; sys.argv[0] = 'checker'; " + code,
                    "eval",
                    KURSK,
                ],
                cwd=ROOT,
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
        assert done.returncode == 2
        assert done.stderr == "checker: cannot write the output: No space left on device\n"


def test_a_stream_that_cannot_encode_the_output_escapes_it() -> None:
    from checker.report.writer import Writer

    raw = io.BytesIO()
    ascii_out = io.TextIOWrapper(raw, encoding="ascii")
    Writer(ascii_out, io.StringIO()).out(Styled().line("a → b \ud800"))
    ascii_out.flush()
    assert raw.getvalue() == b"a \\u2192 b \\ud800\n"
