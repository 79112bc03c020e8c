"""The command line: parse options, call the library, render, pick the exit code.

Exit codes: 0 evaluated (whatever the verdict); 1 a check failed; 2 bad input or usage;
3 an internal error (a bug: please report it, with --debug for the traceback).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from checker.errors import CheckerError

# pydantic (imported by typer itself) otherwise scans every installed package's entry points
# for plugins at the first schema it builds: ~15 ms of every start-up, for plugins we never use.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

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
    # emoji=False: rich turned ":thumbs_up:" in a quoted field name or id into an emoji.
    return Console(highlight=False, soft_wrap=True, emoji=False)


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def handles_errors(command: F) -> F:
    """The one place bad input becomes exit 2 and a bug becomes exit 3."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CheckerError as err:
            for problem in err.problems:
                _err().print(str(problem), markup=False)
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
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=1, help="Worker processes for JSON Lines files (--format json)."
        ),
    ] = 1,
) -> None:
    """Evaluate scenarios: the verdict, its reasons, the rules that fired and their sources.

    A *.jsonl file holds one scenario per line; its results stream out as they are ready,
    each class of scenarios decided once by the engine (a progress bar on a terminal).

    Example: checker eval scenarios/atacms/atacms-kursk-depot-2024-11-20.json --format json
    """
    from checker.evaluation.batch import evaluate_paths
    from checker.evaluation.jsonl import is_jsonl
    from checker.read.rulebook import load_rulebook
    from checker.report.verdict import RENDERERS, stderr_warnings

    rulebook = load_rulebook(rules)
    render = RENDERERS[format.value]
    out, bad = _out(), 0
    pending: list[str] = []
    for index, path in enumerate(paths):
        if not is_jsonl(path):
            pending.append(path)
            if index + 1 < len(paths):
                continue
        if pending:
            for result in evaluate_paths(pending, rulebook, reading=reading):
                if result.verdict is None:
                    bad += 1
                    for problem in result.problems:
                        _err().print(str(problem), markup=False)
                    continue
                _emit(out, render(result.verdict), format)
                for line in stderr_warnings(result.verdict, format.value, out.is_terminal):
                    _err().print(line)
            pending = []
        if is_jsonl(path):
            bad += _eval_jsonl(path, rulebook, reading, format, jobs, out)
    if bad:
        raise typer.Exit(2)


def _eval_jsonl(
    path: str, rulebook: Any, reading: str | None, format: Format, jobs: int, out: Console
) -> int:
    """Stream one JSON Lines file; the number of bad lines."""
    from checker.errors import Problem
    from checker.evaluation.jsonl import (
        STDIN,
        JsonlEvaluator,
        evaluate_jsonl,
        evaluate_jsonl_parallel,
    )
    from checker.report.verdict import RENDERERS

    evaluator = JsonlEvaluator(rulebook, reading=reading, json_out=format is Format.json)
    bar = _Progress(path) if sys.stderr.isatty() else None
    if jobs > 1 and format is Format.json and path != STDIN:
        for problem in evaluate_jsonl_parallel(path, evaluator, jobs, bar):
            _err().print(str(problem), markup=False)
    else:
        render, stdout = RENDERERS[format.value], sys.stdout.buffer
        for item in evaluate_jsonl(path, evaluator, bar):
            if isinstance(item, bytes):
                stdout.write(item)
                stdout.flush()
            elif isinstance(item, Problem):
                if bar is not None:
                    bar.clear()
                _err().print(str(item), markup=False)
            else:
                _emit(out, render(item), format)
    if bar is not None:
        bar.clear()
    return evaluator.stats.bad


class _Progress:
    """A one-line progress bar on stderr (only when stderr is a terminal)."""

    def __init__(self, path: str) -> None:
        import time

        self.path, self.clock, self.started, self.shown = path, time.monotonic, 0.0, 0.0
        self.started = self.clock()

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.shown < 0.2:
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-9) / 1e6
        share = f"{done / total:4.0%} " if total else ""
        filled = int(30 * done / total) if total else 0
        bar = "#" * filled + "-" * (30 - filled) if total else ""
        sys.stderr.write(f"\r{self.path}: [{bar}] {share}{done / 1e6:,.1f} MB ({rate:.1f} MB/s)")
        sys.stderr.flush()

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = 0.0


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
    format: FormatOpt = Format.text,
    coverage: Annotated[
        bool,
        typer.Option(
            "--coverage", help="Also list rules, conditions and date boundaries never exercised."
        ),
    ] = False,
    junit: Annotated[
        str | None, typer.Option("--junit", metavar="FILE", help="Also write JUnit XML to FILE.")
    ] = None,
) -> None:
    """Check each scenario's `expect` against its verdict; exit 1 on any mismatch.

    Ends with a line `N passed, N failed`. Example: checker test scenarios --coverage
    """
    import json
    from pathlib import Path

    from checker.audit import TestCase, TestReport, coverage_text, junit_xml, test_markdown
    from checker.evaluation.batch import evaluate_paths
    from checker.read.rulebook import load_rulebook
    from checker.report.verdict import text

    rulebook = load_rulebook(rules)
    out = _out()
    cases: list[TestCase] = []
    for result in evaluate_paths(paths, rulebook, reading=reading):
        verdict = result.verdict
        if verdict is None:
            for problem in result.problems:
                _err().print(str(problem), markup=False)
            message = "\n".join(str(p) for p in result.problems)
            cases.append(TestCase(result.file, None, "error", message=message))
            continue
        met = result.expectation_met
        status = "skipped" if met is None else "passed" if met else "failed"
        cases.append(
            TestCase(
                result.file,
                verdict.scenario,
                status,
                verdict.expect,
                verdict.verdict,
                tuple(verdict.readings.items()),
                text(verdict) if status == "failed" else "",
            )
        )
        if status == "failed" and format is Format.text:
            out.print(
                f"[bold red]FAIL[/] {escape(result.file)}: expected {verdict.expect}, "
                f"got {verdict.verdict}"
            )
            out.print(text(verdict), end="")
    found = _coverage(rulebook, cases) if coverage else None
    report = TestReport(tuple(cases), found)
    if junit is not None:
        Path(junit).write_text(junit_xml(report), encoding="utf-8")
    if format is Format.json:
        _emit(out, json.dumps(report.to_dict(), ensure_ascii=False) + "\n", format)
    elif format is Format.markdown:
        _emit(out, test_markdown(report), format)
    else:
        if found is not None:
            _emit(out, coverage_text(found), Format.json)  # plain: no markup in rule text
        out.print(report.summary())
    if report.count("error"):
        raise typer.Exit(2)
    if report.count("failed"):
        raise typer.Exit(1)


def _coverage(rulebook: Any, cases: list[Any]) -> Any:
    """Coverage over the scenario files that were evaluated (stdin is not read twice)."""
    from checker.audit import coverage
    from checker.read.scenario import load_scenario

    scenarios = [
        load_scenario(case.file, rulebook)
        for case in cases
        if case.status != "error" and case.file != "<stdin>"
    ]
    return coverage(rulebook, scenarios)


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
    from checker.evaluation.batch import validate_paths

    checked, problems = validate_paths(paths, rules)
    for problem in problems:
        _err().print(str(problem), markup=False)
    noun = "file" if checked == 1 else "files"
    _out().print(
        f"{checked} {noun} checked, {len(problems)} problem{'' if len(problems) == 1 else 's'}"
    )
    if problems:
        raise typer.Exit(2)


def main() -> None:
    app(prog_name="checker")


import checker.cli_audit  # noqa: F401 - registers its commands
from checker import cli_explore  # noqa: F401 - registers its commands
