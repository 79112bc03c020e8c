"""`checker diff`, `checker lock` and `checker mutate` on the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from checker.cli.shared import Format, FormatOpt, RulesOpt, app, call

ProjectRulesOpt = RulesOpt
ScenariosOpt = Annotated[
    str | None,
    typer.Option(
        "--scenarios",
        metavar="DIR",
        help="Scenario corpus (default: the project's - checker.toml, [tool.checker], "
        "scenarios/ beside the rules folder - else ./scenarios if it exists).",
    ),
]


@app.command("diff")
def diff_command(
    old: Annotated[
        str | None, typer.Argument(metavar="OLD", help="The old rulebook folder.")
    ] = None,
    new: Annotated[
        str | None, typer.Argument(metavar="NEW", help="The new rulebook folder.")
    ] = None,
    base: Annotated[
        str | None,
        typer.Option("--base", metavar="REF", help="Old side: the rules folder at a git ref."),
    ] = None,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            metavar="REF",
            help="New side with --base: the rules at a git ref (default: the working tree).",
        ),
    ] = None,
    rules: ProjectRulesOpt = None,
    scenarios: ScenariosOpt = None,
    format: FormatOpt = Format.text,
) -> None:
    """Show exactly which verdicts change between two rulebooks; exit 1 if any does.

    Every class of the scenario space whose verdict changes under some reading, merged
    into readable regions, and every scenario of the corpus whose verdict changes.
    Examples: checker diff old-rules/ rules/ ; checker diff --base origin/main
    """
    from checker.commands import audit

    call(
        lambda w: audit.diff(
            w,
            old,
            new,
            base=base,
            head=head,
            rules=rules,
            scenarios=scenarios,
            format=format.value,
        )
    )


@app.command("lock")
def lock_command(
    rules: ProjectRulesOpt = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Do not write: exit 1 if the lock no longer matches."),
    ] = False,
    lock: Annotated[
        str | None,
        typer.Option("--lock", metavar="FILE", help="The lock file (default: RULES/policy.lock)."),
    ] = None,
    format: FormatOpt = Format.text,
) -> None:
    """Write the policy lock: the full semantic table of the rules, one region per line.

    Commit it with the rules: a change to what the policy means then shows as a plain
    text diff of the lock. With --check, exit 1 when it no longer matches the rules.
    Examples: checker lock ; checker lock --check --format markdown
    """
    from checker.commands import audit

    call(lambda w: audit.lock(w, rules=rules, check=check, lock=lock, format=format.value))


@app.command("mutate")
def mutate_command(
    rules: ProjectRulesOpt = None,
    scenarios: ScenariosOpt = None,
    format: FormatOpt = Format.text,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every mutant and its fate.")
    ] = False,
) -> None:
    """Mutation score: which systematic rule mutants the scenario corpus fails to detect.

    Each date ±1 day (or month) and its precision, each listed kind, territory, force and
    weapon dropped or another added, each consent requirement dropped, readings swapped,
    baseline effects flipped. Equivalent mutants are discarded; exit 1 if any survives.
    Example: checker mutate --scenarios scenarios
    """
    from checker.commands import audit

    call(
        lambda w: audit.mutate(
            w, rules=rules, scenarios=scenarios, format=format.value, verbose=verbose
        )
    )
