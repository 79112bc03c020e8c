"""`checker diff`, `checker lock` and `checker mutate`: auditing a change of the rules.

They audit the repository you are in: its rulebook and scenario corpus as every command
finds them (`checker.read.rulebook.find_rulebook` and `find_scenarios`), unless given.
"""

from __future__ import annotations

import json

from checker.errors import CheckerError, Location
from checker.report.writer import Writer


def _scenarios_dir(scenarios: str | None, rules: str | None) -> str | None:
    from checker.read.rulebook import find_scenarios

    found = find_scenarios(scenarios, rules)
    return None if found is None else str(found)


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
    from checker.read.rulebook import find_rulebook, load_rulebook
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
        folder = find_rulebook(rules)
        before = load_rules_at(base, folder)
        after = load_rules_at(head, folder) if head is not None else load_rulebook(folder)
    corpus = read_corpus(_scenarios_dir(scenarios, rules))
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
    from checker.commands.project import rulebook
    from checker.report.registry import render

    book = rulebook(rules)
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
    from checker.commands.project import rulebook
    from checker.report.audit import mutation_text
    from checker.report.registry import render

    book = rulebook(rules)
    folder = _scenarios_dir(scenarios, rules)
    if folder is None:
        raise CheckerError.at(Location("--scenarios"), "no scenario corpus: give --scenarios DIR")
    report = mutation_report(book, read_corpus(folder))
    if format == "text":
        writer.out(mutation_text(report, verbose))
    else:
        writer.out(render(report, format), data=format == "json")
    return 0 if report.ok else 1
