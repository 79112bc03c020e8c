"""Which rulebook and scenario corpus a command uses, and the line naming that rulebook.

The choice itself is `checker.read.rulebook.find_rulebook` and `find_scenarios` (SPEC,
"Which rulebook"); every command loads its rulebook through `rulebook` here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.errors import CheckerError, Location

if TYPE_CHECKING:
    from checker.model.rulebook import Rulebook
    from checker.report.writer import Writer


def rulebook(rules: str | None) -> Rulebook:
    """The rulebook a command uses: `--rules DIR`, else the project's, else the shipped one."""
    from checker.read.rulebook import find_rulebook, load_rulebook

    return load_rulebook(find_rulebook(rules))


def name_rulebook(writer: Writer, book: Rulebook, format: str) -> None:
    """Text output opens with the rulebook's folder and digest, unless it is the shipped one."""
    from checker.read.rulebook import is_shipped

    if format == "text" and not is_shipped(book.root):
        from checker.report.verdict import rulebook_line

        writer.out(rulebook_line(book))


def corpus(scenarios: str | None, rules: str | None, command: str) -> str:
    """The scenario corpus a command uses when given no paths: a located error if none."""
    from checker.read.rulebook import find_scenarios

    found = find_scenarios(scenarios, rules)
    if found is None:
        raise CheckerError.at(
            Location(f"checker {command}"),
            'no scenario corpus found: give one, or name it (scenarios = "...") in checker.toml',
        )
    return str(found)
