"""The whole decision table at once: every class of a rulebook's space, decided.

`compile_table` walks the rulebook's finite space (`checker.evaluation.space`) class by
class through the memo (`checker.evaluation.memo.Memo`), so the engine decides each class
it has not decided before and the decision table (`checker.evaluation.table`) keeps the
answer: afterwards no scenario under these rules needs the engine, or durable_rules.
`decisions` gives the same walk as rows - a class's dimensions, each reading's verdict and
the rule that decided it - for `checker table` to export.
"""

from __future__ import annotations

from collections.abc import Iterator

from msgspec import Struct

from checker.evaluation.memo import Memo, memo_for
from checker.evaluation.reasons import Explainer
from checker.evaluation.space import ANY, Cell, Outcome, outcome, outside_catalogue
from checker.model.rulebook import Rulebook
from checker.model.strike import Strike
from checker.model.trace import Trace


class Compiled(Struct, frozen=True):
    """What `checker compile` did: the classes in the table, and how many the engine decided."""

    classes: int
    decided: int
    engine_runs: int
    kept: bool
    """Whether the table could be written (false when the cache is off)."""


class Decision(Struct, frozen=True):
    """One class of the space and what the engine decided for it under each reading."""

    cell: Cell
    required: tuple[str, ...]
    """The states whose consent the weapon requires (what `cell.consents` is a subset of)."""
    verdicts: tuple[tuple[str, str], ...]
    deciding: tuple[tuple[str, str | None], ...]
    """Per reading, the rule that decided the verdict (None when no rule did)."""

    @property
    def verdict(self) -> str:
        found = {verdict for _, verdict in self.verdicts}
        return found.pop() if len(found) == 1 else "undetermined"


def classes(memo: Memo) -> Iterator[tuple[Cell, dict[str, Trace]]]:
    """Every class of the memo's space with its traces, decided by the engine when new.

    The same pruning as `space.tabulate`: a class outside the consent regime stands for
    every forces and consent value (those fields are None in its cell).
    """
    space = memo.space
    for base in space.base_cells():
        strike = base.strike(space)
        key = memo.key(strike)
        if key[5:] == (None, None):  # outside the consent regime
            yield base, memo.traces(strike, key)
            continue
        for cell in space.refinements(base):
            strike = cell.strike(space)
            yield cell, memo.traces(strike)


def table_run(book: Rulebook, strike: Strike) -> tuple[Outcome, bool]:
    """`space.run_class` read from the rulebook's decision table (the engine decides what
    the table lacks): for `tabulate` in `checker diff` and `checker lock`."""
    if not any(w.id == strike.weapon for w in book.weapons):
        return outside_catalogue(book)
    return outcome(book, memo_for(book).traces(strike))


def compile_table(rulebook: Rulebook) -> Compiled:
    """Decide every class of the rulebook's space and keep the answers in its table."""
    from checker.read import cache

    memo = memo_for(rulebook)
    before = memo.engine_runs
    count = sum(1 for _ in classes(memo))
    runs = memo.engine_runs - before
    memo.save()
    return Compiled(
        classes=count,
        decided=runs // max(1, len(memo.readings)),
        engine_runs=runs,
        kept=cache.cache_dir() is not None,
    )


def decisions(rulebook: Rulebook) -> Iterator[Decision]:
    """The whole decision table, class by class (compiling what it does not hold yet)."""
    memo = memo_for(rulebook)
    for cell, traces in classes(memo):
        strike = cell.strike(memo.space)
        verdicts, deciding = [], []
        for reading, trace in traces.items():
            result = Explainer(rulebook, strike, reading, trace).explain()
            verdicts.append((reading, result.verdict))
            rule = next((r.rule for r in result.reasons if r.deciding and r.rule), None)
            deciding.append((reading, rule or (result.rules[-1] if result.rules else None)))
        yield Decision(
            cell, memo.space.required_states(cell.weapon), tuple(verdicts), tuple(deciding)
        )


def table_columns(rulebook: Rulebook) -> tuple[str, ...]:
    readings = rulebook.readings
    return (
        "weapon",
        "weapon_id",
        "kind",
        "territory",
        "operator",
        "date_from",
        "date_to",
        "forces",
        "consents",
        "required",
        "verdict",
        *(f"verdict_{reading}" for reading in readings),
        *(f"rule_{reading}" for reading in readings),
    )


def table_rows(rulebook: Rulebook) -> Iterator[tuple[str | None, ...]]:
    """The decision table flat, in `table_columns` order: one row per weapon name (folded,
    as `Rulebook.weapon_named` matches it) and target kind of each class, so a join needs
    only equalities and one date range. `territory` is a code, `CC` for a country named
    at country level, `CC-*` for its other subdivisions, `*` for any other country;
    `operator` a code or `*`; dates ISO, inclusive, empty when open; `forces` a class of
    `space.Forces` (`absent`, `empty`, `KP+RU`, `other`) and `consents` the required
    states assumed (`+`-joined, sorted), `*` when they cannot matter."""
    from checker.model.rulebook import fold

    names = {
        weapon.id: sorted({fold(n) for n in (weapon.id, weapon.name, *weapon.aliases)})
        for weapon in rulebook.weapons
    }
    for found in decisions(rulebook):
        cell, span = found.cell, found.cell.span
        rest = (
            cell.territory.key,
            cell.operator,
            None if span.start is None else span.start.isoformat(),
            None if span.last is None else span.last.isoformat(),
            ANY if cell.forces is None else cell.forces.key,
            ANY if cell.consents is None else "+".join(cell.consents),
            "+".join(found.required),
            found.verdict,
            *(verdict for _, verdict in found.verdicts),
            *(rule for _, rule in found.deciding),
        )
        for name in names[cell.weapon]:
            for kind in cell.kinds:
                yield (name, cell.weapon, kind, *rest)
