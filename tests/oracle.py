"""An independent evaluator: the policy read straight from the rule data, in plain Python.

It shares only the loader and the models with the product, never the compiler, the engine
or the explainer, so a wrong join, a dropped fact or an off-by-one date in the compiled
durable_rules rulesets shows up as a disagreement with it (tests/test_oracle.py).

The semantics, as README "The policy, as this project reads it" states them:

- the baseline rule of lowest precedence whose conditions hold and which is in force picks
  the regime; a regime other than `consent` is the verdict;
- under `consent`, each state the weapon needs is `yes` (assumed, or a grant surely
  matches), `maybe` (a grant matches only possibly) or `no`: any `no` -> prohibited, else
  any `maybe` -> undetermined, else permitted (Kleene conjunction);
- a grant clause is the conjunction of its conditions, each `yes`, `maybe` (with why) or
  `no`; a grant's consent is the best of its clauses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

from checker.model.dates import PolicyDate
from checker.model.rulebook import Rulebook
from checker.model.rules import BaselineRule, Grant, InForce, Restriction, TargetClause
from checker.model.scenario import Scenario


class Truth(IntEnum):
    """Three-valued truth; min is Kleene AND, max is Kleene OR."""

    NO = 0
    MAYBE = 1
    YES = 2


# Why a condition holds only possibly -> the uncertainty code the product reports.
CODES = {"month": "month-precision", "forces": "missing-fact", "subdivision": "missing-fact"}
RANK = {"prohibited": 0, "undetermined": 1, "permitted": 2}


@dataclass(frozen=True)
class Strike:
    """The oracle's own view of a scenario (it does not reuse checker.engine.Strike)."""

    weapon: str
    kind: str
    territory: str
    operator: str
    day: date
    forces: frozenset[str] | None
    consents: frozenset[str]

    @property
    def country(self) -> str:
        return self.territory.split("-", 1)[0]


@dataclass(frozen=True)
class Judged:
    truth: Truth
    why: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ReadingOutcome:
    verdict: str
    rules: frozenset[str]
    doubts: frozenset[tuple[str, str]]  # (code, rule id)


@dataclass(frozen=True)
class Outcome:
    """What a verdict must say: per reading, and overall."""

    verdict: str
    readings: tuple[tuple[str, str], ...]
    rules: tuple[tuple[str, frozenset[str]], ...]
    uncertainty: frozenset[tuple[str, str | None, str | None]] = field(default=frozenset())


def resolve_weapon(book: Rulebook, name: str) -> str | None:
    # Names match case-insensitively (the SPEC); the strategies only vary the letter case
    # of catalogue names, so the oracle need not know how the product folds punctuation.
    for weapon in book.weapons:
        if name.casefold() in {n.casefold() for n in (weapon.id, weapon.name, *weapon.aliases)}:
            return weapon.id
    return None


def strike_of(book: Rulebook, scenario: Scenario) -> Strike:
    weapon = resolve_weapon(book, scenario.weapon)
    assert weapon is not None, f"unknown weapon {scenario.weapon!r}"
    forces = scenario.target.forces
    return Strike(
        weapon=weapon,
        kind=scenario.target.kind,
        territory=scenario.target.territory.upper(),
        operator=scenario.operator.upper(),
        day=scenario.date,
        forces=None if forces is None else frozenset(f.upper() for f in forces),
        consents=frozenset(c.upper() for c in scenario.consents),
    )


# --------------------------------------------------------------------------- conditions


def both(*judged: Judged) -> Judged:
    """Kleene AND, keeping the reasons of every condition that holds only possibly."""
    truth = min((j.truth for j in judged), default=Truth.YES)
    why = frozenset().union(*(j.why for j in judged if j.truth is Truth.MAYBE))
    return Judged(truth, why if truth is Truth.MAYBE else frozenset())


def member(value: str, values: list[str]) -> Judged:
    return Judged(Truth.YES if value in values else Truth.NO)


def in_force_always(span: InForce, day: date) -> bool:
    """Day-precision spans (baseline rules, restrictions): both ends inclusive."""
    if span.from_ is not None and day < span.from_.first:
        return False
    return not (span.until is not None and day > span.until.last)


def grant_dates(span: InForce, day: date) -> Judged:
    """Both ends inclusive; a month-only end makes the days of that month only possibly in."""
    parts = []
    if span.from_ is not None:
        parts.append(_edge(span.from_, day, lambda d, start: d >= start.last))
    if span.until is not None:
        parts.append(_edge(span.until, day, lambda d, end: d <= end.first))
    return both(*parts)


def _edge(end: PolicyDate, day: date, holds: Callable[[date, PolicyDate], bool]) -> Judged:
    if end.precision == "month" and end.first <= day <= end.last:
        return Judged(Truth.MAYBE, frozenset({"month"}))
    return Judged(Truth.YES if holds(day, end) else Truth.NO)


def forces_match(clause: TargetClause, forces: frozenset[str] | None) -> Judged:
    if clause.forces is None:
        return Judged(Truth.YES)
    if forces is None:
        return Judged(Truth.MAYBE, frozenset({"forces"}))
    # A grant that names forces needs them named at the target: an empty list names none.
    return Judged(Truth.YES if forces and forces <= set(clause.forces) else Truth.NO)


def territory_match(territories: list[str], strike: Strike) -> Judged:
    if strike.territory in territories or strike.country in territories:
        return Judged(Truth.YES)
    subdivided = "-" in strike.territory
    regions_of_country = [t for t in territories if t.startswith(strike.country + "-")]
    if not subdivided and regions_of_country:
        # Only the country is given: the strike may or may not be in a covered region.
        return Judged(Truth.MAYBE, frozenset({"subdivision"}))
    return Judged(Truth.NO)


def clause_match(grant: Grant, clause: TargetClause, strike: Strike) -> Judged:
    return both(
        member(strike.weapon, grant.weapons),
        member(strike.kind, list(clause.kinds)),
        forces_match(clause, strike.forces),
        territory_match(grant.territories, strike),
        grant_dates(grant.in_force, strike.day),
    )


# --------------------------------------------------------------------------- one reading


def regime(book: Rulebook, strike: Strike) -> BaselineRule:
    def applies(rule: BaselineRule) -> bool:
        when = rule.when
        return (
            (when.kinds is None or strike.kind in when.kinds)
            and (when.territories is None or strike.country in when.territories)
            and (when.operators is None or strike.operator in when.operators)
            and (when.weapons is None or strike.weapon in when.weapons)
            and in_force_always(rule.in_force, strike.day)
        )

    return min((r for r in book.baseline if applies(r)), key=lambda r: r.precedence)


def withholding(book: Rulebook, state: str, strike: Strike) -> list[Restriction]:
    return [
        r
        for r in book.restrictions
        if state in r.states
        and strike.country in r.territories
        and in_force_always(r.in_force, strike.day)
    ]


def consent_of(
    grants: list[Grant], state: str, strike: Strike
) -> tuple[Truth, list[tuple[str, Judged]]]:
    """How surely `state` consents, and who gives it at that level (`assume` or grant ids)."""
    givers = [("assume", Judged(Truth.YES))] if state in strike.consents else []
    for grant in grants:
        if grant.grantor == state:
            givers += [(grant.id, clause_match(grant, c, strike)) for c in grant.targets]
    best = max((j.truth for _, j in givers), default=Truth.NO)
    return best, [(who, j) for who, j in givers if j.truth is best and best is not Truth.NO]


def judge_reading(book: Rulebook, strike: Strike, reading: str) -> ReadingOutcome:
    rule = regime(book, strike)
    if rule.then != "consent":
        doubts = {("outside-policy", rule.id)} if rule.then == "undetermined" else set()
        return ReadingOutcome(rule.then, frozenset({rule.id}), frozenset(doubts))
    weapon = next(w for w in book.weapons if w.id == strike.weapon)
    grants = [g.under(reading) for g in book.grants]
    rules, doubts, levels = {rule.id, weapon.id}, set(), []
    for state in weapon.consent_required:
        level, givers = consent_of(grants, state, strike)
        levels.append(level)
        if level is Truth.NO:  # cited: the restrictions that withhold it here and now
            rules |= {r.id for r in withholding(book, state, strike)}
        rules |= {who for who, _ in givers if who != "assume"}
        doubts |= {(CODES[why], who) for who, j in givers for why in j.why}
    verdict = ("prohibited", "undetermined", "permitted")[min(levels)]
    return ReadingOutcome(verdict, frozenset(rules), frozenset(doubts))


# --------------------------------------------------------------------------- every reading


def judge(book: Rulebook, scenario: Scenario, reading: str | None = None) -> Outcome:
    """The verdict the rule data imply for `scenario` (under one reading, or all of them)."""
    strike = strike_of(book, scenario)
    names = (reading,) if reading else tuple(book.header.readings) or ("default",)
    results = {name: judge_reading(book, strike, name) for name in names}
    verdicts = {r.verdict for r in results.values()}
    overall = verdicts.pop() if len(verdicts) == 1 else "undetermined"
    uncertainty: set[tuple[str, str | None, str | None]] = set()
    if overall == "undetermined":
        if len({r.verdict for r in results.values()}) > 1:
            uncertainty.add(("readings-disagree", None, None))
        for name, result in results.items():
            uncertainty |= {(code, name, rule) for code, rule in result.doubts}
    return Outcome(
        verdict=overall,
        readings=tuple((name, r.verdict) for name, r in results.items()),
        rules=tuple((name, r.rules) for name, r in results.items()),
        uncertainty=frozenset(uncertainty),
    )


def outcome_of(verdict: object) -> Outcome:
    """The same projection of a product Verdict, for comparison with `judge`."""
    from checker.model.verdict import Verdict

    assert isinstance(verdict, Verdict)
    return Outcome(
        verdict=verdict.verdict,
        readings=tuple(verdict.readings.items()),
        rules=tuple((r.reading, frozenset(r.rules)) for r in verdict.results),
        uncertainty=frozenset((u.code, u.reading, u.rule) for u in verdict.undetermined),
    )
