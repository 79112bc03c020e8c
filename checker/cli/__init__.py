"""The command line, Typer only: options in, a command of `checker.commands` called, its
exit code out.

The only package that imports typer. `shared` defines the app and the options its
commands share; `evaluate`, `audit`, `explore` and `project` register their commands on
it; every command body is one call of a `checker.commands` function through
`checker.commands.run.run`, the one place an outcome becomes an exit code. May import
every layer below.
"""

from __future__ import annotations

from importlib import import_module

from checker.cli.shared import app

# Registered in this order, as --help lists them.
for _family in ("evaluate", "report", "table", "audit", "explore", "project"):
    import_module(f"checker.cli.{_family}")

__all__ = ["app", "main"]


def main() -> None:
    """The Typer CLI, every command registered."""
    app(prog_name="checker")
