"""The command line: parse options, call the library, render, pick the exit code.

Exit codes: 0 evaluated (whatever the verdict); 1 a check failed; 2 bad input or usage;
3 an internal error (a bug: please report it, with --debug for the traceback).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from checker.errors import CheckerError

app = typer.Typer(
    name="checker",
    help="Would this strike have been permitted under the policy as it was reported - and why?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_state = {"debug": False}
F = TypeVar("F", bound=Callable[..., Any])


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def handles_errors(command: F) -> F:
    """The one place bad input becomes exit 2 and a bug becomes exit 3."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CheckerError as err:
            for problem in err.problems:
                _err().print(escape(str(problem)))
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as err:
            if _state["debug"]:
                raise
            _err().print(
                f"checker: internal error: {escape(type(err).__name__)}: "
                f"{escape(str(err)[:300])} (run with --debug for the traceback)"
            )
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def _main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
) -> None:
    _state["debug"] = debug


PathsArg = Annotated[
    list[str], typer.Argument(help="Scenario files or folders (searched recursively); - for stdin.")
]
RulesOpt = Annotated[
    str | None,
    typer.Option("--rules", metavar="DIR", help="Rulebook folder (default: the shipped rules)."),
]
ReadingOpt = Annotated[
    str | None,
    typer.Option("--reading", metavar="NAME", help="Evaluate under this reading only."),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


@app.command("eval")
@handles_errors
def eval_command(
    paths: PathsArg,
    format: FormatOpt = Format.text,
    reading: ReadingOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Evaluate scenarios: the verdict, its reasons, the rules that fired and their sources.

    Example: checker eval scenarios/atacms/atacms-kursk-depot-2024-11-20.json --format json
    """
    from checker.batch import evaluate_paths
    from checker.report import RENDERERS
    from checker.rulebook import load_rulebook

    rulebook = load_rulebook(rules)
    render = RENDERERS[format.value]
    out, bad = _out(), 0
    for result in evaluate_paths(paths, rulebook, reading=reading):
        if result.verdict is None:
            bad += 1
            for problem in result.problems:
                _err().print(escape(str(problem)))
            continue
        _emit(out, render(result.verdict), format)
    if bad:
        raise typer.Exit(2)


def _emit(out: Console, rendered: str, format: Format) -> None:
    if format is Format.text:
        out.print(rendered, end="")
    else:
        sys.stdout.write(rendered)
        sys.stdout.flush()


@app.command("test")
@handles_errors
def test_command(
    paths: PathsArg,
    reading: ReadingOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Check each scenario's `expect` against its verdict; exit 1 on any mismatch.

    Ends with a line `N passed, N failed`. Example: checker test scenarios
    """
    from checker.batch import evaluate_paths
    from checker.report import text
    from checker.rulebook import load_rulebook

    rulebook = load_rulebook(rules)
    out = _out()
    passed = failed = skipped = bad = 0
    for result in evaluate_paths(paths, rulebook, reading=reading):
        if result.verdict is None:
            bad += 1
            for problem in result.problems:
                _err().print(escape(str(problem)))
            continue
        met = result.expectation_met
        if met is None:
            skipped += 1
        elif met:
            passed += 1
        else:
            failed += 1
            verdict = result.verdict
            out.print(
                f"[bold red]FAIL[/] {escape(result.file)}: expected {verdict.expect}, "
                f"got {verdict.verdict}"
            )
            out.print(text(verdict), end="")
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    if bad:
        summary += f", {bad} not evaluated (bad input)"
    out.print(summary)
    if bad:
        raise typer.Exit(2)
    if failed:
        raise typer.Exit(1)


@app.command("validate")
@handles_errors
def validate_command(
    paths: Annotated[
        list[str], typer.Argument(help="Rule folders or files, scenario files or folders.")
    ],
    rules: RulesOpt = None,
) -> None:
    """Check rule files and scenario files without evaluating; report every problem.

    Example: checker validate rules scenarios
    """
    from checker.batch import validate_paths

    checked, problems = validate_paths(paths, rules)
    for problem in problems:
        _err().print(escape(str(problem)))
    noun = "file" if checked == 1 else "files"
    _out().print(
        f"{checked} {noun} checked, {len(problems)} problem{'' if len(problems) == 1 else 's'}"
    )
    if problems:
        raise typer.Exit(2)


def main() -> None:
    app(prog_name="checker")
