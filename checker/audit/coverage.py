"""Coverage: which rules, conditions and date boundaries a scenario corpus exercises.

This module owns `CoverageItem`, `Coverage` and `coverage`, which lists every item a
corpus should exercise and runs each scenario through the engine to see which it does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from msgspec import Struct

from checker.engine import engine_for
from checker.model.rulebook import Rulebook
from checker.model.rules import Grant, InForce
from checker.model.scenario import Scenario
from checker.model.strike import Strike
from checker.model.trace import Trace


class CoverageItem(Struct, frozen=True):
    """Something a scenario corpus should exercise: a rule, a condition or a date boundary."""

    kind: str  # rule | condition | boundary
    rule: str
    what: str

    def __str__(self) -> str:
        return f"{self.kind} {self.rule}: {self.what}"


class Coverage(Struct, frozen=True):
    items: tuple[CoverageItem, ...]
    exercised: frozenset[CoverageItem]

    @property
    def missing(self) -> list[CoverageItem]:
        return [item for item in self.items if item not in self.exercised]

    @property
    def percent(self) -> float:
        """The share of items exercised, in percent (100 when there is nothing to cover)."""
        return 100.0 * len(self.exercised) / len(self.items) if self.items else 100.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": len(self.items),
            "exercised": len(self.exercised),
            "missing": [{"kind": i.kind, "rule": i.rule, "what": i.what} for i in self.missing],
        }


def _boundaries(span: InForce) -> list[tuple[str, date]]:
    found: list[tuple[str, date]] = []
    if span.from_ is not None:
        found.append((f"from {span.from_}", span.from_.first))
        if span.from_.precision == "month":
            found.append((f"after the month {span.from_}", span.from_.last + timedelta(days=1)))
    if span.until is not None:
        if span.until.precision == "month":
            found.append((f"the month {span.until}", span.until.first))
        found.append((f"after until {span.until}", span.until.last + timedelta(days=1)))
    return found


def coverage(book: Rulebook, scenarios: Sequence[Scenario]) -> Coverage:
    """Which rules, conditions and date boundaries the scenarios exercise, and which not.

    Conditions: each kind of each grant clause (a consent given through it), each reading
    override (a scenario its reading decides differently), each forces condition met,
    not met (given but outside, or empty: shown deciding by re-running with the listed
    forces) and missing, a missing subdivision, a strike inside a month-precision date.
    Boundaries: the day before and the day of each date a rule is in force from or until.
    """
    from checker.evaluation.scenario import evaluate
    from checker.read.scenario import strike_of

    items: list[CoverageItem] = []
    hit: set[CoverageItem] = set()

    def item(kind: str, rule: str, what: str) -> CoverageItem:
        found = CoverageItem(kind, rule, what)
        if found not in items:
            items.append(found)
        return found

    for rule in book.rules():
        item("rule", rule.id, "fires for some scenario")
    for grant in book.grants:
        for reading in book.readings:
            version = grant.under(reading)
            tag = f"[{reading}] " if reading in grant.readings else ""
            for index, clause in enumerate(version.targets):
                for kind in clause.kinds:
                    item("condition", grant.id, f"{tag}targets[{index}] kind {kind}")
                if clause.forces is not None:
                    for how in ("within", "outside", "empty", "absent"):
                        item("condition", grant.id, f"{tag}targets[{index}] forces {how}")
            if any("-" in code for code in version.territories):
                item("condition", grant.id, f"{tag}subdivision missing (country only)")
            months = [d for d in (version.in_force.from_, version.in_force.until) if d]
            for month in (d for d in months if d.precision == "month"):
                item("condition", grant.id, f"{tag}a strike inside the month {month}")
        for reading in grant.readings:
            item("condition", grant.id, f"[{reading}] decides some scenario unlike another reading")
    boundary_rules: list[tuple[str, tuple[str, ...] | None, InForce]] = []
    for grant in book.grants:
        boundary_rules.append((grant.id, tuple(grant.weapons), grant.in_force))
        for override in grant.readings.values():
            if override.in_force is not None:
                boundary_rules.append((grant.id, tuple(grant.weapons), override.in_force))
    for base in book.baseline:
        boundary_rules.append((base.id, None, base.in_force))
    for restriction in book.restrictions:
        boundary_rules.append((restriction.id, None, restriction.in_force))
    for rule_id, _, span in boundary_rules:
        for label, day in _boundaries(span):
            item("boundary", rule_id, f"{day - timedelta(days=1)} (the day before, {label})")
            item("boundary", rule_id, f"{day} (the day of, {label})")

    engine = engine_for(book)
    for scenario in scenarios:
        verdict = evaluate(book, scenario)
        for rule_id in verdict.rules:
            hit.add(CoverageItem("rule", rule_id, "fires for some scenario"))
        strike = strike_of(book, scenario)
        traces = {r: engine.run(strike, r) for r in book.readings}
        for rule_id, weapons, span in boundary_rules:
            if weapons is not None and strike.weapon not in weapons:
                continue
            for label, day in _boundaries(span):
                if strike.day == day - timedelta(days=1):
                    hit.add(
                        CoverageItem("boundary", rule_id, f"{strike.day} (the day before, {label})")
                    )
                if strike.day == day:
                    hit.add(CoverageItem("boundary", rule_id, f"{day} (the day of, {label})"))
        for grant in book.grants:
            if strike.weapon not in grant.weapons:
                continue
            for reading, trace in traces.items():
                hit.update(_grant_hits(book, grant, reading, strike, trace, engine))
            for reading in grant.readings:
                mine = verdict.readings.get(reading)
                if any(v != mine for r, v in verdict.readings.items() if r != reading):
                    hit.add(
                        CoverageItem(
                            "condition",
                            grant.id,
                            f"[{reading}] decides some scenario unlike another reading",
                        )
                    )
    return Coverage(tuple(items), frozenset(hit & set(items)))


def _grant_hits(
    book: Rulebook, grant: Grant, reading: str, strike: Strike, trace: Trace, engine: Any
) -> Iterator[CoverageItem]:
    version = grant.under(reading)
    tag = f"[{reading}] " if reading in grant.readings else ""
    via = [c for c in (*trace.present, *trace.doubtful) if c.via == grant.id]
    for index, clause in enumerate(version.targets):
        if strike.kind not in clause.kinds:
            continue
        if via:
            yield CoverageItem("condition", grant.id, f"{tag}targets[{index}] kind {strike.kind}")
        if clause.forces is None:
            continue
        if strike.forces is None:
            if any("forces" in c.why for c in trace.doubtful if c.via == grant.id):
                yield CoverageItem("condition", grant.id, f"{tag}targets[{index}] forces absent")
        elif strike.forces and set(strike.forces) <= set(clause.forces):
            if via:
                yield CoverageItem("condition", grant.id, f"{tag}targets[{index}] forces within")
        elif not via:
            # Did the forces decide? The same strike with the listed forces gets the consent.
            other = strike._replace(forces=tuple(clause.forces))
            again = engine.run(other, reading)
            if any(c.via == grant.id for c in (*again.present, *again.doubtful)):
                how = "empty" if not strike.forces else "outside"
                yield CoverageItem("condition", grant.id, f"{tag}targets[{index}] forces {how}")
    for consent in trace.doubtful:
        if consent.via != grant.id:
            continue
        if "subdivision" in consent.why:
            yield CoverageItem("condition", grant.id, f"{tag}subdivision missing (country only)")
        if "month" in consent.why:
            for month in (version.in_force.from_, version.in_force.until):
                if month is not None and month.precision == "month":
                    yield CoverageItem(
                        "condition", grant.id, f"{tag}a strike inside the month {month}"
                    )
