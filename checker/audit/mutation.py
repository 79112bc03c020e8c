"""The mutation score: which mutants of a rulebook the scenario corpus detects.

Each mutant (`checker.audit.mutants`) is judged: detected when a corpus scenario's overall
verdict changes, else the whole-space diff of its overall verdicts tells a survivor (shown
as regions) from a mutant only the policy lock catches and from an equivalent one. This
module owns `MutantResult`, `MutationReport` and `mutation_report`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from msgspec import Struct

from checker.audit.mutants import Mutant, mutants
from checker.audit.regions import change_text, overall, table_regions
from checker.engine import engine_for
from checker.errors import CheckerError, Problem
from checker.evaluation.space import Outcome, Row, build_space, run_class, tabulate
from checker.model.rulebook import Rulebook
from checker.model.scenario import Scenario
from checker.model.strike import Strike


class MutantResult(Struct, frozen=True):
    """What became of one mutant.

    status: `detected` (a corpus scenario's verdict changes, so `checker test` fails),
    `survived` (some verdict changes, but no scenario of the corpus shows it),
    `lock-only` (only which reading says what changes, never an overall verdict: a scenario
    pins overall verdicts only, so the policy lock is what catches it), or `equivalent`
    (no verdict changes anywhere: discarded).
    """

    mutant: Mutant
    status: str
    by: str | None = None  # the scenario that detects it
    regions: tuple[str, ...] = ()  # where overall verdicts change (for survivors)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mutant": self.mutant.name,
            "rule": self.mutant.rule,
            "change": self.mutant.change,
            "status": self.status,
            "detected_by": self.by,
            "regions": list(self.regions),
        }


class MutationReport(Struct, frozen=True):
    results: tuple[MutantResult, ...]
    scenarios: int

    def having(self, status: str) -> list[MutantResult]:
        return [r for r in self.results if r.status == status]

    @property
    def score(self) -> float:
        """Detected mutants over all mutants whose overall verdicts differ somewhere."""
        detected, survived = len(self.having("detected")), len(self.having("survived"))
        return 1.0 if detected + survived == 0 else detected / (detected + survived)

    @property
    def ok(self) -> bool:
        return not self.having("survived")

    def to_dict(self) -> dict[str, Any]:
        return {
            "mutants": len(self.results),
            "detected": len(self.having("detected")),
            "survived": len(self.having("survived")),
            "lock_only": len(self.having("lock-only")),
            "equivalent": len(self.having("equivalent")),
            "score": round(self.score, 4),
            "scenarios": self.scenarios,
            "results": [r.to_dict() for r in self.results],
        }


def mutation_report(
    book: Rulebook,
    corpus: Sequence[tuple[str, str]],
    progress: Callable[[int, int], None] | None = None,
    select: Callable[[Mutant], bool] | None = None,
) -> MutationReport:
    """Apply every mutant; detection evaluates only the corpus, the whole-space diff is run
    only for the mutants the corpus misses (to tell survivors from equivalent ones)."""
    from checker.read.scenario import parse_scenario, strike_of

    parsed: list[tuple[str, Scenario]] = []
    problems: list[Problem] = []
    for name, text in corpus:
        try:
            scenario = parse_scenario(text, name, book)
        except CheckerError as err:
            problems.extend(err.problems)
            continue
        if scenario.expect is not None:
            parsed.append((name, scenario))
    if problems:
        raise CheckerError(problems)
    engine = engine_for(book)
    strikes = [(name, scenario, strike_of(book, scenario)) for name, scenario in parsed]
    baseline = {
        name: overall(next(iter(engine.run(strike, r).verdicts)) for r in book.readings)
        for name, _, strike in strikes
    }
    results: list[MutantResult] = []
    made = [m for m in mutants(book) if select is None or select(m)]
    memo: dict[Strike, tuple[Outcome, bool]] = {}

    def run(which: Rulebook, strike: Strike) -> tuple[Outcome, bool]:
        if which is not book:
            return run_class(which, strike)
        found = memo.get(strike)
        if found is None:
            found = memo[strike] = run_class(book, strike)
        return found

    for number, mutant in enumerate(made):
        if progress is not None:
            progress(number, len(made))
        results.append(_judge(book, mutant, strikes, baseline, run))
    return MutationReport(tuple(results), len(parsed))


def _judge(
    book: Rulebook,
    mutant: Mutant,
    strikes: Sequence[tuple[str, Scenario, Strike]],
    baseline: dict[str, str | None],
    run: Callable[[Rulebook, Strike], tuple[Outcome, bool]],
) -> MutantResult:
    engine = engine_for(mutant.rulebook)  # cached (a few): the diff below reuses it
    for name, _, strike in strikes:
        verdicts = [next(iter(engine.run(strike, r).verdicts)) for r in book.readings]
        if overall(verdicts) != baseline[name]:
            return MutantResult(mutant, "detected", by=name)
    space = build_space(book, mutant.rulebook)
    if mutant.weapons is not None:  # exact: no other weapon's strikes read the changed rule
        space.weapons = tuple(w for w in space.weapons if w in mutant.weapons)
    rows = list(tabulate(space, run))
    per_reading = any(row.outcomes[0] != row.outcomes[1] for row in rows)
    if not per_reading:
        return MutantResult(mutant, "equivalent")

    def change(row: Row, reading: str) -> Hashable:  # overall verdicts: every reading alike
        before = overall(v for _, v in row.outcomes[0])
        after = overall(v for _, v in row.outcomes[1])
        return (before, after) if before != after else None

    found = table_regions(space, rows, change, lambda value: value is not None)
    if not found:
        return MutantResult(mutant, "lock-only")
    return MutantResult(
        mutant, "survived", regions=tuple(r.line(change_text(r.outcome)) for r in found)
    )
