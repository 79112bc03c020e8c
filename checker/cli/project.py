"""`checker init` on the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from checker.cli.shared import app, call


@app.command("init")
def init_command(
    folder: Annotated[str, typer.Argument(metavar="DIR", help="The folder to create (or fill).")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Write into a folder that is not empty (replacing files)."),
    ] = False,
) -> None:
    """Start a rulebook repository that passes its own checks on the first run.

    Writes a copy of the shipped rulebook with its policy.lock (rules/), a few scenarios
    with their expected verdicts (scenarios/), checker.toml naming both, pre-commit hooks
    (checker validate, test, lock --check) and a CI workflow. Refuses a folder that is not
    empty unless --force.

    Example: checker init my-rulebook && cd my-rulebook && checker test
    """
    from checker.commands.init import init

    call(lambda w: init(w, folder, force=force))
