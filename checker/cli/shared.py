"""The Typer app, its global options and the option types its commands share."""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated

import typer

from checker.report.writer import Writer

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


@app.callback()
def _main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the on-disk cache.")
    ] = False,
) -> None:
    _state["debug"] = debug
    if no_cache:
        from checker.read import cache

        cache.disable()


def call(command: Callable[[Writer], int]) -> None:
    """Run a command function and end with its exit code (`checker.commands.run`)."""
    from checker.commands.run import run

    code = run(command, debug=_state["debug"], passthrough=(typer.Exit, typer.Abort))
    if code:
        raise typer.Exit(code)


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


PathsArg = Annotated[
    list[str], typer.Argument(help="Scenario files or folders (searched recursively); - for stdin.")
]
RulesOpt = Annotated[
    str | None,
    typer.Option(
        "--rules",
        metavar="DIR",
        help="Rulebook folder (default: the project's - checker.toml, [tool.checker] or "
        "the nearest rules/ - else the shipped rules).",
    ),
]
ReadingOpt = Annotated[
    str | None,
    typer.Option("--reading", metavar="NAME", help="Evaluate under this reading only."),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
