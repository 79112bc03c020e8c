"""Why not: the smallest changes to a scenario that give a different verdict.

Owns the result types (`Alternative`, `WhyNot`), the search (`_Search`: each dimension's
single-field variants, then other readings, then pairs of fields when no single change is
enough), the pruning and ranking of what it finds (`_prune`), and `why_not`. Each
alternative names the rule that makes the difference.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from msgspec import Struct, field
from msgspec.structs import replace

from checker.evaluation.explain import reading_scope
from checker.evaluation.memo import readings_to_run
from checker.evaluation.scenario import evaluate
from checker.evaluation.space import build_space
from checker.explore.refs import RuleRef, boundary_refs, date_events, rule_ref
from checker.explore.variants import FieldChange, Variant, Variants
from checker.model.rulebook import Rulebook
from checker.model.rules import Grant
from checker.model.scenario import Scenario
from checker.read.scenario import strike_of


class Alternative(Struct, frozen=True):
    changes: tuple[FieldChange, ...]
    verdict: str
    readings: dict[str, str]
    because: tuple[RuleRef, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": [
                {"field": c.field, "value": c.value, "label": c.label} for c in self.changes
            ],
            "fields_changed": len(self.changes),
            "verdict": self.verdict,
            "readings": self.readings,
            "because": [r.to_dict() for r in self.because],
        }


class WhyNot(Struct, frozen=True):
    scenario: str
    file: str | None
    verdict: str
    readings: dict[str, str]
    alternatives: tuple[Alternative, ...]
    searched: int = 0  # how many variants were evaluated
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "file": self.file,
            "verdict": self.verdict,
            "readings": self.readings,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "searched": self.searched,
            "notes": list(self.notes),
        }


class _Search(Variants):
    def __init__(self, book: Rulebook, scenario: Scenario, reading: str | None) -> None:
        self.book, self.scenario, self.reading = book, scenario, reading
        self.space = build_space(book)
        self.strike = strike_of(book, scenario)
        self.readings = readings_to_run(book, reading)
        self.base = evaluate(book, scenario, reading=reading)
        self.count = 0

    def verdict_of(self, scenario: Scenario, reading: str | None = None) -> Any:
        self.count += 1
        return evaluate(self.book, scenario, reading=reading or self.reading)

    # ---- the search

    def run(self) -> WhyNot:
        base = self.base
        found: list[Alternative] = []
        dimensions = self.dimensions()
        for variants in dimensions:
            found += self._try([[v] for v in variants])
        found += self._readings()
        causes = tuple(u.field or u.code for u in base.undetermined)
        found = _prune(found, self.strike.day, base.verdict, causes)
        if not found:
            for first, second in itertools.combinations(dimensions, 2):
                found += self._try([[a, b] for a in first for b in second])
            found = _prune(found, self.strike.day, base.verdict, causes)
        notes = []
        if not found:
            notes.append("no change of one or two fields gives a different verdict")
        return WhyNot(
            scenario=base.scenario,
            file=base.file,
            verdict=base.verdict,
            readings=base.readings,
            alternatives=tuple(found),
            searched=self.count,
            notes=tuple(notes),
        )

    def _try(self, combos: list[list[Variant]]) -> list[Alternative]:
        found = []
        for combo in combos:
            scenario = self.scenario
            for _, apply in combo:
                scenario = apply(scenario)
            verdict = self.verdict_of(scenario)
            if verdict.verdict == self.base.verdict:
                continue
            changes = tuple(change for change, _ in combo)
            because = self._because(changes, verdict)
            found.append(Alternative(changes, verdict.verdict, verdict.readings, because))
        return found

    def _readings(self) -> list[Alternative]:
        found: list[Alternative] = []
        others = [r for r in self.book.readings if (r,) != self.readings]
        for name in others:
            verdict = self.verdict_of(self.scenario, name)
            if verdict.verdict == self.base.verdict:
                continue
            scope = reading_scope(self.book, name)
            label = f"the {name} reading only" + (f" ({scope})" if scope else "")
            change = FieldChange("reading", name, label)
            refs = tuple(
                rule_ref(
                    self.book,
                    rule,
                    f"read as: {self.book.header.readings.get(name, name)}",
                    readings=(name,),
                    prefer=("reading", "territories"),
                )
                for rule in verdict.rules
                if isinstance(self.book.rule(rule), Grant) and self.book.rule(rule).readings  # type: ignore[union-attr]
            )
            found.append(Alternative((change,), verdict.verdict, verdict.readings, refs))
        return found

    def _because(self, changes: tuple[FieldChange, ...], verdict: Any) -> tuple[RuleRef, ...]:
        refs: list[RuleRef] = []
        readings = [r.reading for r in verdict.results]
        for change in changes:
            if change.field == "date":
                day = date.fromisoformat(change.value)
                refs += self._date_refs(day)
            elif change.field == "assume.consent":
                refs.append(rule_ref(self.book, "assume.consent", change.label))
        old, new = set(self.base.rules), list(verdict.rules)
        prefer = {
            "target.territory": ("reading", "territories"),
            "target.kind": ("kinds",),
            "target.forces": ("forces", "kinds"),
        }
        words = tuple(w for c in changes for w in prefer.get(c.field, ()))
        gained = [r for r in new if r not in old]
        lost = [r for r in self.base.rules if r not in set(new)]
        # The rule that makes the difference: one that now applies, else one that no longer does.
        if refs:  # a date's boundary rule, or the assumed consent, is the difference
            return tuple(refs)
        for rule in gained:
            refs.append(rule_ref(self.book, rule, "now applies", readings=readings, prefer=words))
        if not refs and lost:
            refs.append(
                rule_ref(self.book, lost[0], "no longer applies", readings=readings, prefer=words)
            )
        if not refs:  # the same rules fire, but a grant now holds surely (or no longer)
            grants = [r for r in new if isinstance(self.book.rule(r), Grant)]
            refs += [
                rule_ref(
                    self.book, r, "now surely covers this strike", readings=readings, prefer=words
                )
                for r in grants
            ]
        return tuple(refs)

    def _date_refs(self, day: date) -> list[RuleRef]:
        here = self.strike.day
        lo, hi = min(here, day), max(here, day)
        refs: list[RuleRef] = []
        events = date_events(self.book, self.readings, self.strike.weapon)
        for boundary in sorted(events):
            if lo < boundary <= hi:
                refs += boundary_refs(self.book, self.readings, self.strike.weapon, boundary)
        return refs


def _prune(
    found: list[Alternative], today: date, verdict: str, causes: tuple[str, ...] = ()
) -> list[Alternative]:
    """Keep the minimal ones: for dates the nearest per direction and verdict; for consents,
    no superset of a consent that already suffices. Then rank them by the question a
    reader asks: for `prohibited`, what permits; for `permitted`, what prohibits; for
    `undetermined`, what decides it (the reading, the missing fact, the day within a
    month-precision window) - each by the fewest fields changed."""
    kept: list[Alternative] = []
    for alt in found:
        fields = [c.field for c in alt.changes]
        if fields == ["date"]:
            day = date.fromisoformat(alt.changes[0].value)
            later = "(later)" in alt.changes[0].label
            rivals = [
                date.fromisoformat(o.changes[0].value)
                for o in found
                if [c.field for c in o.changes] == ["date"]
                and o.verdict == alt.verdict
                and ("(later)" in o.changes[0].label) == later
            ]
            if day != (min(rivals) if later else max(rivals)):
                continue
        if fields == ["assume.consent"]:
            mine = set(alt.changes[0].value)
            if any(
                [c.field for c in o.changes] == ["assume.consent"]
                and o.verdict == alt.verdict
                and set(o.changes[0].value) < mine
                for o in found
            ):
                continue
        kept.append(alt)
    order = [
        "date",
        "assume.consent",
        "target.kind",
        "target.territory",
        "target.forces",
        "operator",
        "reading",
    ]

    # The answer a reader wants first: what permits a prohibited strike, what prohibits a
    # permitted one; for an undetermined one both settle it, a permission first.
    wanted = {"prohibited": ("permitted",), "permitted": ("prohibited",)}.get(
        verdict, ("permitted",)
    )
    deciders = [field for cause in causes for field in _DECIDERS.get(cause, ())]

    def rank(alt: Alternative) -> tuple[int, int, int, list[int], int]:
        days = [
            abs((date.fromisoformat(c.value) - today).days)
            for c in alt.changes
            if c.field == "date"
        ]
        answers = 0 if alt.verdict in wanted else 1
        fields = [c.field for c in alt.changes]
        decides = min((deciders.index(f) for f in fields if f in deciders), default=len(deciders))
        return (
            decides if verdict == "undetermined" else answers,
            len(alt.changes),
            answers if verdict == "undetermined" else decides,
            [order.index(c.field) for c in alt.changes],
            sum(days),
        )

    return sorted(kept, key=rank)


_DECIDERS = {
    "readings-disagree": ("reading",),
    "target.forces": ("target.forces",),
    "target.territory": ("target.territory",),
    "month-precision": ("date",),
    "outside-policy": ("target.territory", "operator"),
}
"""For each cause of an undetermined verdict, the changes that settle it."""


def why_not(
    book: Rulebook, scenario: Scenario, *, reading: str | None = None, file: str | None = None
) -> WhyNot:
    """The minimal changes to `scenario` that would give a different verdict."""
    result = _Search(book, scenario, reading).run()
    return replace(result, file=file) if file else result
