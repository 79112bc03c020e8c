"""`checker diff`, `checker lock` and `checker mutate`: auditing a change of the rules.

Their default rules folder is `rules/` in the current folder when there is one (they
audit the repository you are in), else the shipped rulebook.
"""

from __future__ import annotations

import json
from pathlib import Path

from checker.errors import CheckerError, Location
from checker.report.writer import Writer


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


def diff(
    writer: Writer,
    old: str | None = None,
    new: str | None = None,
    *,
    base: str | None = None,
    head: str | None = None,
    rules: str | None = None,
    scenarios: str | None = None,
    format: str = "text",
) -> int:
    """Which verdicts change between two rulebooks: 1 if any does."""
    from checker.audit.diff import read_corpus, semantic_diff
    from checker.audit.git import load_rules_at
    from checker.read.rulebook import load_rulebook
    from checker.report.registry import render

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
    result = semantic_diff(before, after, corpus)
    writer.out(render(result, format), data=format == "json")
    return 0 if result.empty else 1


def lock(
    writer: Writer,
    *,
    rules: str | None = None,
    check: bool = False,
    lock: str | None = None,
    format: str = "text",
) -> int:
    """Write the policy lock, or with `check` compare it with the rules: 1 if stale."""
    from checker.audit.lock import check_lock, write_lock
    from checker.read.rulebook import load_rulebook
    from checker.report.registry import render

    book = load_rulebook(_rules_dir(rules))
    if check:
        result = check_lock(book, lock)
        writer.out(render(result, format), data=format == "json")
        return 0 if result.ok else 1
    path, changed = write_lock(book, lock)
    if format == "json":
        writer.out(json.dumps({"lock": str(path), "changed": changed}) + "\n", data=True)
    else:
        writer.out(f"{'wrote' if changed else 'unchanged:'} {path}\n")
    return 0


def mutate(
    writer: Writer,
    *,
    rules: str | None = None,
    scenarios: str | None = None,
    format: str = "text",
    verbose: bool = False,
) -> int:
    """The mutation score of the scenario corpus: 1 if any mutant survives."""
    from checker.audit.diff import read_corpus
    from checker.audit.mutation import mutation_report
    from checker.read.rulebook import load_rulebook
    from checker.report.audit import mutation_text
    from checker.report.registry import render

    book = load_rulebook(_rules_dir(rules))
    folder = _scenarios_dir(scenarios)
    if folder is None:
        raise CheckerError.at(Location("--scenarios"), "no scenario corpus: give --scenarios DIR")
    report = mutation_report(book, read_corpus(folder))
    if format == "text":
        writer.out(mutation_text(report, verbose))
    else:
        writer.out(render(report, format), data=format == "json")
    return 0 if report.ok else 1
