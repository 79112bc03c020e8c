"""Commands that audit rule changes: `diff`, `lock` and `mutate` (a thin layer over audit.py).

Their default rules folder is `rules/` in the current folder when there is one (they audit
the repository you are in), else the shipped rulebook.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from checker.cli import Format, FormatOpt, app, handles_errors
from checker.errors import CheckerError, Location

ProjectRulesOpt = Annotated[
    str | None,
    typer.Option(
        "--rules",
        metavar="DIR",
        help="Rulebook folder (default: ./rules if it exists, else the shipped rules).",
    ),
]
ScenariosOpt = Annotated[
    str | None,
    typer.Option(
        "--scenarios",
        metavar="DIR",
        help="Scenario corpus (default: ./scenarios if it exists).",
    ),
]


def _rules_dir(rules: str | None) -> str | None:
    if rules is not None:
        return rules
    return "rules" if Path("rules").is_dir() else None


def _scenarios_dir(scenarios: str | None) -> str | None:
    if scenarios is not None:
        if not Path(scenarios).exists():
            raise CheckerError.at(Location(scenarios), "no such file or folder")
        return scenarios
    return "scenarios" if Path("scenarios").is_dir() else None


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _write_as(
    format: Format, result: Any, markdown: Callable[[Any], str], text: Callable[[Any], str]
) -> None:
    """One result in the chosen format: a JSON line, markdown, or plain text."""
    if format is Format.json:
        _write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    elif format is Format.markdown:
        _write(markdown(result))
    else:
        _write(text(result))


@app.command("diff")
@handles_errors
def diff_command(
    old: Annotated[str | None, typer.Argument(help="The old rulebook folder.")] = None,
    new: Annotated[str | None, typer.Argument(help="The new rulebook folder.")] = None,
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
    from checker.audit import (
        diff_markdown,
        diff_text,
        load_rules_at,
        read_corpus,
        semantic_diff,
    )
    from checker.read.rulebook import load_rulebook

    if base is None:
        if head is not None:
            raise CheckerError.at(Location("--head"), "--head needs --base")
        if old is None or new is None:
            raise CheckerError.at(
                Location("diff"), "give two rulebook folders (OLD NEW), or --base REF"
            )
        before, after = load_rulebook(old), load_rulebook(new)
    else:
        if old is not None or new is not None:
            raise CheckerError.at(
                Location("diff"), "give either two rulebook folders or --base, not both"
            )
        folder = rules or "rules"
        before = load_rules_at(base, folder)
        after = load_rules_at(head, folder) if head is not None else load_rulebook(folder)
    corpus = read_corpus(_scenarios_dir(scenarios))
    diff = semantic_diff(before, after, corpus)
    _write_as(format, diff, diff_markdown, diff_text)
    if not diff.empty:
        raise typer.Exit(1)


@app.command("lock")
@handles_errors
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
    from checker.audit import (
        check_lock,
        lock_check_markdown,
        lock_check_text,
        write_lock,
    )
    from checker.read.rulebook import load_rulebook

    book = load_rulebook(_rules_dir(rules))
    if check:
        result = check_lock(book, lock)
        _write_as(format, result, lock_check_markdown, lock_check_text)
        if not result.ok:
            raise typer.Exit(1)
        return
    path, changed = write_lock(book, lock)
    if format is Format.json:
        _write(json.dumps({"lock": str(path), "changed": changed}) + "\n")
    else:
        _write(f"{'wrote' if changed else 'unchanged:'} {path}\n")


@app.command("mutate")
@handles_errors
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
    from checker.audit import (
        mutation_markdown,
        mutation_report,
        mutation_text,
        read_corpus,
    )
    from checker.read.rulebook import load_rulebook

    book = load_rulebook(_rules_dir(rules))
    folder = _scenarios_dir(scenarios)
    if folder is None:
        raise CheckerError.at(Location("--scenarios"), "no scenario corpus: give --scenarios DIR")
    report = mutation_report(book, read_corpus(folder))
    _write_as(format, report, mutation_markdown, lambda r: mutation_text(r, verbose))
    if not report.ok:
        raise typer.Exit(1)
