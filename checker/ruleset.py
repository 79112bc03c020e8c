"""A rulebook compiled into durable_rules' JSON form, one ruleset per reading.

Pure data and closures: nothing here imports durable_rules (`checker.engine` hosts the
rulesets and runs the sessions, and hands in how an action derives a fact). The three
phases, and the traps each rule's shape avoids, are described in `checker.engine`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from checker.errors import EngineFailure
from checker.model.rulebook import Rulebook
from checker.model.trace import Consent, Trace

if TYPE_CHECKING:
    from checker.model.rules import (
        BaselineRule,
        Conditions,
        Grant,
        InForce,
        Restriction,
        TargetClause,
    )

Action = Callable[[Any], None]
Pattern = dict[str, Any]
Variant = tuple[list[Pattern], str]  # the tests of one way a condition can hold, and why not surely

_SAFE_VALUE = re.compile(r"^[A-Za-z0-9_-]+$")


def day_number(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _one_of(field_name: str, values: Sequence[str]) -> Pattern:
    """Membership as one condition: equality, or a full-match regex over the values."""
    for value in values:
        if not _SAFE_VALUE.match(value):
            raise EngineFailure(f"value {value!r} cannot be compiled safely")
    unique = sorted(set(values))
    if len(unique) == 1:
        return {field_name: unique[0]}
    return {"$mt": {field_name: "(" + "|".join(unique) + ")"}}


def _fact(kind: str, *tests: Pattern) -> Pattern:
    return {"$and": [{"t": kind}, *tests]}


def _span_tests(span: InForce) -> list[Pattern]:
    """Day-precision in-force tests (months are handled by grants' conditions)."""
    tests: list[Pattern] = []
    if span.from_ is not None:
        tests.append({"$gte": {"day": day_number(span.from_.first)}})
    if span.until is not None:
        tests.append({"$lte": {"day": day_number(span.until.last)}})
    return tests


class Compiler:
    """Rulebook (under one reading) -> durable_rules ruleset definition."""

    def __init__(
        self,
        rulebook: Rulebook,
        reading: str,
        record: Callable[[Any], Trace],
        derive: Callable[[Any, dict[str, Any]], None],
    ) -> None:
        self.rulebook, self.reading, self.trace = rulebook, reading, record
        self._derive = derive
        self.rules: dict[str, dict[str, Any]] = {}
        self.count = itertools.count()
        # durable_rules keeps every alpha node a fact matches on a stack of 64 (error 303
        # beyond): sharing one strike fact among all grant clauses overflowed it with a few
        # dozen clauses. Each clause reads its own copy of the strike, typed by its key.
        self.clause_types: list[str] = []

    def add(self, purpose: str, patterns: list[Pattern], action: Action) -> None:
        self.rules[f"r{next(self.count):04d}_{purpose}"] = {"all": patterns, "run": action}

    def compile(self) -> dict[str, dict[str, Any]]:
        self.add("open", [{"m": {"t": "open"}}], lambda c: None)
        self.add("assumed", [{"m": {"t": "assumed"}}], self._assumed)
        for weapon in self.rulebook.weapons:
            self.add(
                f"weapon_{weapon.id}",
                [{"m": _fact("strike", {"weapon": weapon.id})}],
                self._require(weapon.id, tuple(weapon.consent_required)),
            )
        for grant in self.rulebook.grants_under(self.reading):
            for index, clause in enumerate(grant.targets):
                self._grant(grant, index, clause)
        for restriction in self.rulebook.restrictions:
            self._restriction(restriction)
        for rule in self.rulebook.baseline:
            self._baseline(rule)
        self._consent_phase()
        self._verdict_phase()
        return self.rules

    # ---- phase 1: derivations from the strike

    def _grant(self, grant: Grant, index: int, clause: TargetClause) -> None:
        """One single-pattern rule per combination of each condition's variants.

        A condition holds surely, or only possibly (a month-precision date, a missing fact):
        each is a list of (tests, why) variants. A combination whose whys are all empty
        derives a sure consent; any other, a doubtful one carrying its whys.
        """
        forces: list[Variant] = [([], "")]
        if clause.forces is not None:
            within = {"$iall": {"forces": {"$mt": {"$i": _regex(clause.forces)}}}}
            forces = [([{"forces_given": 1}, within], ""), ([{"forces_given": 0}], "forces")]
        conditions: list[list[Variant]] = [
            [([_one_of("weapon", grant.weapons), _one_of("kind", clause.kinds)], "")],
            forces,
            _territory_variants(grant.territories),
            *_date_variants(grant.in_force),
        ]
        fact_type = f"strike:{grant.id}#{index}"
        self.clause_types.append(fact_type)
        for number, combination in enumerate(itertools.product(*conditions)):
            tests = [test for variant_tests, _ in combination for test in variant_tests]
            whys = tuple(sorted({why for _, why in combination if why}))
            self.add(
                f"grant_{grant.id}#{index}_{number}",
                [{"m": _fact(fact_type, *tests)}],
                self._grant_consent(grant, whys),
            )

    def _restriction(self, rule: Restriction) -> None:
        tests = [_one_of("country", rule.territories), *_span_tests(rule.in_force)]
        self.add(
            f"restriction_{rule.id}",
            [{"m": _fact("strike", *tests)}],
            self._withheld(rule.id, tuple(rule.states)),
        )

    def _baseline(self, rule: BaselineRule) -> None:
        tests = [*_when_tests(rule.when), *_span_tests(rule.in_force)]
        self.add(
            f"applies_{rule.id}",
            [{"m": _fact("strike", *tests)}],
            self._derive_one({"t": "applies", "rule": rule.id, "rank": rule.precedence}),
        )

    # ---- phase 2: decide

    def _consent_phase(self) -> None:
        for rule in self.rulebook.baseline:
            self.add(
                f"regime_{rule.id}",
                [
                    {"d": {"t": "decide"}},
                    {"a": _fact("applies", {"rule": rule.id})},
                    {"x$not": _fact("applies", {"$lt": {"rank": rule.precedence}})},
                ],
                self._regime(rule.id, rule.then),
            )
        same_state = {"state": {"r": "state"}}
        self.add(
            "missing",
            [
                {"k": {"t": "check"}},
                {"r": {"t": "required"}},
                {"c$not": _fact("consent", same_state)},
            ],
            self._missing,
        )
        self.add(
            "missing_cited",
            [
                {"k": {"t": "check"}},
                {"r": {"t": "required"}},
                {"w": _fact("withheld", same_state)},
                {"c$not": _fact("consent", same_state)},
            ],
            self._cite,
        )
        self.add(
            "present",
            [
                {"k": {"t": "check"}},
                {"r": {"t": "required"}},
                {"c": _fact("consent", same_state, {"lvl": "sure"})},
            ],
            self._present,
        )
        self.add(
            "doubtful",
            [
                {"k": {"t": "check"}},
                {"r": {"t": "required"}},
                {"c": _fact("consent", same_state, {"lvl": "maybe"})},
                {"s$not": _fact("consent", same_state, {"lvl": "sure"})},
            ],
            self._doubtful,
        )

    # ---- phase 3: conclude

    def _verdict_phase(self) -> None:
        self.add(
            "verdict_regime",
            [{"z": {"t": "conclude"}}, {"v": {"t": "verdict"}}],
            lambda c: self.trace(c).verdicts.add(c.v.v),
        )
        self.add(
            "verdict_prohibited",
            [
                {"z": {"t": "conclude"}},
                {"k": {"t": "check"}},
                {"m": {"t": "missing"}},
            ],
            lambda c: self.trace(c).verdicts.add("prohibited"),
        )
        self.add(
            "verdict_undetermined",
            [
                {"z": {"t": "conclude"}},
                {"k": {"t": "check"}},
                {"m$not": {"t": "missing"}},
                {"d": {"t": "doubt"}},
            ],
            lambda c: self.trace(c).verdicts.add("undetermined"),
        )
        self.add(
            "verdict_permitted",
            [
                {"z": {"t": "conclude"}},
                {"k": {"t": "check"}},
                {"m$not": {"t": "missing"}},
                {"d$not": {"t": "doubt"}},
            ],
            lambda c: self.trace(c).verdicts.add("permitted"),
        )

    # ---- actions (closures over compile-time values; no rule text is executed)

    def _require(self, weapon_id: str, states: tuple[str, ...]) -> Action:
        def action(c: Any) -> None:
            trace = self.trace(c)
            trace.weapon_rule, trace.required = weapon_id, states
            for state in states:
                self._derive(c, {"t": "required", "state": state})

        return action

    def _assumed(self, c: Any) -> None:
        self._derive(
            c, {"t": "consent", "state": c.m.state, "lvl": "sure", "via": "assume", "why": ""}
        )

    def _grant_consent(self, grant: Grant, whys: tuple[str, ...]) -> Action:
        fact = {
            "t": "consent",
            "state": grant.grantor,
            "lvl": "maybe" if whys else "sure",
            "via": grant.id,
            "why": ",".join(whys),
        }
        return lambda c: self._derive(c, fact)

    def _withheld(self, rule_id: str, states: tuple[str, ...]) -> Action:
        def action(c: Any) -> None:
            for state in states:
                self._derive(c, {"t": "withheld", "state": state, "rule": rule_id})

        return action

    def _derive_one(self, fact: dict[str, Any]) -> Action:
        return lambda c: self._derive(c, dict(fact))

    def _regime(self, rule_id: str, then: str) -> Action:
        def action(c: Any) -> None:
            self.trace(c).regime = rule_id
            if then == "consent":
                self._derive(c, {"t": "check", "rule": rule_id})
            else:
                self._derive(c, {"t": "verdict", "v": then, "rule": rule_id})

        return action

    def _missing(self, c: Any) -> None:
        self.trace(c).missing.setdefault(c.r.state, [])
        self._derive(c, {"t": "missing", "state": c.r.state})

    def _cite(self, c: Any) -> None:
        self.trace(c).missing.setdefault(c.r.state, []).append(c.w.rule)

    def _present(self, c: Any) -> None:
        self.trace(c).present.append(Consent(c.r.state, c.c.via, sure=True))

    def _doubtful(self, c: Any) -> None:
        why = tuple(w for w in c.c.why.split(",") if w)
        self.trace(c).doubtful.append(Consent(c.r.state, c.c.via, sure=False, why=why))
        self._derive(c, {"t": "doubt", "state": c.r.state, "via": c.c.via})


def _regex(values: Sequence[str]) -> str:
    for value in values:
        if not _SAFE_VALUE.match(value):
            raise EngineFailure(f"value {value!r} cannot be compiled safely")
    return "(" + "|".join(sorted(set(values))) + ")"


def _territory_variants(codes: Sequence[str]) -> list[Variant]:
    countries = sorted({c for c in codes if "-" not in c})
    subdivisions = sorted({c for c in codes if "-" in c and c[:2] not in countries})
    variants: list[Variant] = []
    if countries:
        variants.append(([_one_of("country", countries)], ""))
    if subdivisions:
        variants.append(([_one_of("territory", subdivisions)], ""))
        # Only the country is given: the strike may or may not be in a listed subdivision.
        where = sorted({c[:2] for c in subdivisions})
        variants.append(([{"subdivided": 0}, _one_of("country", where)], "subdivision"))
    return variants


def _date_variants(span: InForce) -> list[list[Variant]]:
    conditions: list[list[Variant]] = []
    if span.from_ is not None:
        start = span.from_
        if start.precision == "day":
            conditions.append([([{"$gte": {"day": day_number(start.first)}}], "")])
        else:
            inside = [
                {"$gte": {"day": day_number(start.first)}},
                {"$lte": {"day": day_number(start.last)}},
            ]
            conditions.append([([{"$gt": {"day": day_number(start.last)}}], ""), (inside, "month")])
    if span.until is not None:
        end = span.until
        if end.precision == "day":
            conditions.append([([{"$lte": {"day": day_number(end.first)}}], "")])
        else:
            inside = [
                {"$gte": {"day": day_number(end.first)}},
                {"$lte": {"day": day_number(end.last)}},
            ]
            conditions.append([([{"$lt": {"day": day_number(end.first)}}], ""), (inside, "month")])
    return conditions


def _when_tests(when: Conditions) -> list[Pattern]:
    tests: list[Pattern] = []
    if when.kinds:
        tests.append(_one_of("kind", when.kinds))
    if when.territories:
        tests.append(_one_of("country", when.territories))
    if when.operators:
        tests.append(_one_of("operator", when.operators))
    if when.weapons:
        tests.append(_one_of("weapon", when.weapons))
    return tests
