"""`checker compile` and `checker table` on the command line."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from checker.cli.shared import RulesOpt, app, call


class TableFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    jsonl = "jsonl"


@app.command("compile")
def compile_command(rules: RulesOpt = None) -> None:
    """Decide every class of strikes once and keep the answers in the decision table.

    The table lives in the cache, keyed by the rules' content and the code version; every
    later command (and every --jobs worker) reads it, so no scenario under these rules
    needs the rules engine again.

    Example: checker compile && checker eval big.jsonl --format json
    """
    from checker.commands.table import compile_rules

    call(lambda w: compile_rules(w, rules=rules))


@app.command("table")
def table_command(
    format: Annotated[
        TableFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="csv, jsonl, or parquet (needs pyarrow: pip install 'checker[table]').",
        ),
    ] = TableFormat.csv,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (default: stdout)."),
    ] = None,
    rules: RulesOpt = None,
) -> None:
    """Export the whole decision table: the policy as a table, to join with event data.

    One row per weapon name and target kind of each class: the class's dimensions
    (territory, operator, date_from/date_to inclusive, forces, consents; * where any value
    gives the same verdict), the verdict, and each reading's verdict and deciding rule.

    Example: checker table --format parquet -o policy.parquet
    """
    from checker.commands.table import export_table

    call(lambda w: export_table(w, format=format.value, output=output, rules=rules))
