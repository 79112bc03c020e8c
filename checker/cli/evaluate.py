"""`checker eval`, `checker test` and `checker validate` on the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from checker.cli.shared import (
    CIFormat,
    CIFormatOpt,
    EvalFormat,
    EvalFormatOpt,
    PathsArg,
    ReadingOpt,
    RulesOpt,
    app,
    call,
)


@app.command("eval")
def eval_command(
    paths: PathsArg,
    format: EvalFormatOpt = EvalFormat.text,
    reading: ReadingOpt = None,
    rules: RulesOpt = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            show_default=False,
            help="Worker processes for JSON Lines files; 0: one per core. "
            "Default: 1 for a file under 4 MiB (about 25k lines), one per core from there "
            "(from 512 KiB while no decision table is kept for the rules).",
        ),
    ] = None,
) -> None:
    """Evaluate scenarios: the verdict, its reasons, the rules that fired and their sources.

    A *.jsonl file holds one scenario per line; its results stream out as they are ready,
    each class of scenarios decided once by the engine (a progress bar on a terminal).

    Example: checker eval scenarios/atacms/atacms-kursk-depot-2024-11-20.json --format json
    """
    from checker.commands.evaluate import eval_paths

    call(
        lambda w: eval_paths(w, paths, format=format.value, reading=reading, rules=rules, jobs=jobs)
    )


OptionalPathsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[PATH]...",
        help="Scenario files or folders (searched recursively); - for stdin. "
        "Default: the project's scenario corpus.",
        show_default=False,
    ),
]


@app.command("test")
def test_command(
    paths: OptionalPathsArg = None,
    reading: ReadingOpt = None,
    rules: RulesOpt = None,
    format: CIFormatOpt = CIFormat.text,
    coverage: Annotated[
        bool,
        typer.Option(
            "--coverage", help="Also list rules, conditions and date boundaries never exercised."
        ),
    ] = False,
    junit: Annotated[
        str | None, typer.Option("--junit", metavar="FILE", help="Also write JUnit XML to FILE.")
    ] = None,
    keyword: Annotated[
        str | None,
        typer.Option(
            "-k", metavar="PATTERN", help="Only scenarios whose file or id contains PATTERN."
        ),
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            metavar="PERCENT",
            min=0,
            max=100,
            help="With --coverage: exit 1 when coverage is under PERCENT.",
        ),
    ] = None,
) -> None:
    """Check each scenario's `expect` against its verdict; exit 1 on any mismatch.

    Ends with a line `N passed, N failed`. Without PATHS, the project's scenario corpus.
    In CI, --format github annotates each failure at the scenario's `expect` and each bad
    input where it is; --format sarif writes SARIF.
    Example: checker test scenarios --coverage
    """
    from checker.commands.tests import test_paths

    call(
        lambda w: test_paths(
            w,
            paths,
            format=format.value,
            reading=reading,
            rules=rules,
            coverage=coverage,
            junit=junit,
            keyword=keyword,
            fail_under=fail_under,
        )
    )


@app.command("validate")
def validate_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Rule folders or files, scenario files or folders. "
            "Default: the project's rulebook and scenario corpus.",
            show_default=False,
        ),
    ] = None,
    rules: RulesOpt = None,
    format: CIFormatOpt = CIFormat.text,
) -> None:
    """Check rule files and scenario files without evaluating; report every problem.

    Each problem is on stderr as FILE:LINE:COL: field: message; then `N files checked,
    N problems` (or the report in --format json, markdown, github or sarif). Without
    PATHS, the rulebook every command uses and the project's scenario corpus.
    Example: checker validate rules scenarios
    """
    from checker.commands.tests import validate_paths

    call(lambda w: validate_paths(w, paths, rules=rules, format=format.value))
