"""The Typer app, its global options and the option types its commands share."""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

import typer

from checker.report.writer import Writer

# pydantic (imported by typer itself) otherwise scans every installed package's entry points
# for plugins at the first schema it builds: ~15 ms of every start-up, for plugins we never use.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _plain_argument_help() -> None:
    """Help without Python type names: `--weapon NAME`, not `--weapon <str>`.

    Typer 0.29 prints each parameter's Python type (`<str>`, `<list[str]>`) and wraps a
    required variadic argument as `{PATH...}...`; readers of `--help` need neither. A
    parameter with a metavar is shown by it alone, one without by its name in capitals.
    (typer is pinned; `tests/test_cli.py` checks every command's help.)
    """
    from typer.core import TyperArgument, TyperOption

    python_types = {"<str>": "", "<int>": "N", "<int range>": "N", "<list[str]>": ""}

    for kind in (TyperArgument, TyperOption):
        shown = kind.display_type_rich

        def display_type(self: Any, ctx: Any, shown: Any = shown) -> str | None:
            if self.metavar:
                return None if isinstance(self, TyperArgument) else str(self.metavar)
            found = shown(self, ctx)
            if found in python_types:
                return python_types[found] or (self.name or "value").upper()
            return found  # type: ignore[no-any-return]

        kind.display_type_rich = display_type  # type: ignore[method-assign]

    usage_name = TyperArgument._usage_display_name

    def usage(self: TyperArgument) -> str:
        if not self.metavar:
            return usage_name(self)
        return self.metavar if self.required else f"[{self.metavar}]"

    TyperArgument._usage_display_name = usage  # type: ignore[method-assign]


_plain_argument_help()


def _plain_value_errors() -> None:
    """A refused option value in plain words: `'xml' is not one of ...`, without the
    "Value error, " typer 0.29 keeps from pydantic's message (typer is pinned)."""
    import typer._coercion
    import typer._param_types

    worded = typer._coercion.get_error_msg  # type: ignore[attr-defined]

    def message(exc: Any) -> str:
        return str(worded(exc)).removeprefix("Value error, ")

    for module in (typer._coercion, typer._param_types):
        setattr(module, "get_error_msg", message)  # noqa: B010  # typer's own name


_plain_value_errors()

app = typer.Typer(
    name="checker",
    help="Would this strike have been permitted under the policy as it was reported - and why?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"checker {version('checker')}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
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


class EvalFormat(StrEnum):
    """`checker eval`: also one HTML page of every verdict."""

    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


class CIFormat(StrEnum):
    """`checker test` and `checker validate`: also GitHub annotations and SARIF 2.1.0."""

    text = "text"
    json = "json"
    markdown = "markdown"
    github = "github"
    sarif = "sarif"


PathsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="PATH...",
        help="Scenario files or folders (searched recursively); - for stdin.",
        show_default=False,
    ),
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
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", case_sensitive=False, help="Output format.")
]
EvalFormatOpt = Annotated[
    EvalFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="Output format: html writes one self-contained page of every verdict.",
    ),
]
CIFormatOpt = Annotated[
    CIFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="Output format: github prints workflow annotations, sarif a SARIF 2.1.0 log.",
    ),
]
