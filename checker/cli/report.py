"""`checker report` on the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from checker.cli.shared import PathsArg, ReadingOpt, RulesOpt, app, call


@app.command("report")
def report_command(
    paths: PathsArg,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="The HTML file to write (default: stdout)."
        ),
    ] = None,
    reading: ReadingOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Write one self-contained HTML page of verdicts, for readers who will not read JSON.

    A summary table of every scenario, then each one's verdict in words, its readings,
    reasons and caveats, the source article with every cited sentence highlighted and
    linked from the reason it supports, and its timeline as a drawing. No script and
    nothing fetched from the network: it works offline and prints (docs/report.md).

    Example: checker report scenarios/real -o report.html
    """
    from checker.commands.report import report

    call(lambda w: report(w, paths, output=output, reading=reading, rules=rules))
