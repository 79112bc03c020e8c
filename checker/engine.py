"""The only module that imports durable_rules: compile a rulebook, evaluate strikes.

A rulebook compiles to one durable_rules ruleset per reading (JSON form, actions bound
as closures, nothing from the rule files executed). A strike is evaluated by forward
chaining in three phases within one fresh session, which is always deleted:

1. the strike's facts go in; rules derive the consents the weapon requires, the
   consents in force (from assumptions, and from grants whose conditions hold surely,
   or only possibly: a month-precision date, a missing fact), the baseline rules that
   apply, and the restrictions that withhold consent;
2. a `decide` control fact: the baseline rule of lowest precedence picks the regime
   and, under the consent regime, each required consent is found present, doubtful
   or missing;
3. a `conclude` control fact: the verdict.

Negation (`none`) in durable_rules is decided when a rule's earlier patterns first
match and is never withdrawn, so every negated fact is derived in an earlier phase
than the control fact that opens the rule (see durable_rules.md, 3.16).

Traps handled here, each verified on this machine: conditions are always wrapped in
`$and`; no `$or` (it fires once per true branch) - membership is a full-match regex
`(a|b)` with parentheses (an unparenthesised alternation crashed the C engine); dates
compare as YYYYMMDD integers; the stock host's background threads are disabled;
exceptions swallowed inside actions are read back from the session state and raised;
every session gets a fresh sid, opens with a fact some rule consumes (deleting a session
that stored no fact segfaults) and is deleted in `finally`; every fact carries its session's
id in its content (`e`), because durable_rules identifies facts by a content hash that
ignores the sid and outlives `delete_state`: a derived fact equal to one of an earlier,
deleted session was silently dropped, and its join never fired.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from durable import engine as durable_engine
from durable.engine import MessageNotHandledException, MessageObservedException

from checker.errors import EngineFailure
from checker.model.rulebook import Rulebook
from checker.model.strike import Strike
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


def _day_number(day: date) -> int:
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
        tests.append({"$gte": {"day": _day_number(span.from_.first)}})
    if span.until is not None:
        tests.append({"$lte": {"day": _day_number(span.until.last)}})
    return tests


class _Compiler:
    """Rulebook (under one reading) -> durable_rules ruleset definition."""

    def __init__(self, rulebook: Rulebook, reading: str, record: Callable[[Any], Trace]) -> None:
        self.rulebook, self.reading, self.trace = rulebook, reading, record
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
                _derive(c, {"t": "required", "state": state})

        return action

    def _assumed(self, c: Any) -> None:
        _derive(c, {"t": "consent", "state": c.m.state, "lvl": "sure", "via": "assume", "why": ""})

    def _grant_consent(self, grant: Grant, whys: tuple[str, ...]) -> Action:
        fact = {
            "t": "consent",
            "state": grant.grantor,
            "lvl": "maybe" if whys else "sure",
            "via": grant.id,
            "why": ",".join(whys),
        }
        return lambda c: _derive(c, fact)

    def _withheld(self, rule_id: str, states: tuple[str, ...]) -> Action:
        def action(c: Any) -> None:
            for state in states:
                _derive(c, {"t": "withheld", "state": state, "rule": rule_id})

        return action

    def _derive_one(self, fact: dict[str, Any]) -> Action:
        return lambda c: _derive(c, dict(fact))

    def _regime(self, rule_id: str, then: str) -> Action:
        def action(c: Any) -> None:
            self.trace(c).regime = rule_id
            if then == "consent":
                _derive(c, {"t": "check", "rule": rule_id})
            else:
                _derive(c, {"t": "verdict", "v": then, "rule": rule_id})

        return action

    def _missing(self, c: Any) -> None:
        self.trace(c).missing.setdefault(c.r.state, [])
        _derive(c, {"t": "missing", "state": c.r.state})

    def _cite(self, c: Any) -> None:
        self.trace(c).missing.setdefault(c.r.state, []).append(c.w.rule)

    def _present(self, c: Any) -> None:
        self.trace(c).present.append(Consent(c.r.state, c.c.via, sure=True))

    def _doubtful(self, c: Any) -> None:
        why = tuple(w for w in c.c.why.split(",") if w)
        self.trace(c).doubtful.append(Consent(c.r.state, c.c.via, sure=False, why=why))
        _derive(c, {"t": "doubt", "state": c.r.state, "via": c.c.via})


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
            conditions.append([([{"$gte": {"day": _day_number(start.first)}}], "")])
        else:
            inside = [
                {"$gte": {"day": _day_number(start.first)}},
                {"$lte": {"day": _day_number(start.last)}},
            ]
            conditions.append(
                [([{"$gt": {"day": _day_number(start.last)}}], ""), (inside, "month")]
            )
    if span.until is not None:
        end = span.until
        if end.precision == "day":
            conditions.append([([{"$lte": {"day": _day_number(end.first)}}], "")])
        else:
            inside = [
                {"$gte": {"day": _day_number(end.first)}},
                {"$lte": {"day": _day_number(end.last)}},
            ]
            conditions.append([([{"$lt": {"day": _day_number(end.first)}}], ""), (inside, "month")])
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


def _derive(c: Any, fact: dict[str, Any]) -> None:
    # Fact identity ignores the sid and outlives delete_state: without the session's own
    # id in its content, a fact equal to one of an earlier session is silently dropped.
    # Derived twice by two rules (MessageObservedException): one fact is enough.
    with contextlib.suppress(MessageObservedException):
        c.assert_fact({**fact, "e": c.s.sid})


class _QuietHost(durable_engine.Host):  # type: ignore[misc]
    def _run(self) -> None:
        """No background dispatcher threads: every action runs in the caller's thread."""


_TRIMMED = False


def _tune_malloc() -> None:
    """Stop glibc giving memory back after every session (halves throughput otherwise)."""
    global _TRIMMED
    if _TRIMMED:
        return
    _TRIMMED = True
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to tune
        ctypes.CDLL("libc.so.6").mallopt(-1, 256 * 1024 * 1024)  # M_TRIM_THRESHOLD


class Engine:
    """A compiled rulebook; `run` evaluates one strike under one reading."""

    def __init__(self, rulebook: Rulebook) -> None:
        _tune_malloc()
        self.rulebook = rulebook
        self._host = _QuietHost()
        self._traces: dict[str, Trace] = {}
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self._rulesets: dict[str, str] = {}
        self._clause_types: dict[str, list[str]] = {}
        for index, reading in enumerate(rulebook.readings):
            name = f"policy{index}"
            compiler = _Compiler(rulebook, reading, self._trace)
            rules = compiler.compile()
            self._clause_types[reading] = compiler.clause_types
            try:
                # set_rulesets deletes the `run` keys of what it is given: a fresh dict each time.
                self._host.set_rulesets({name: rules})
            except Exception as err:  # durable reports a bad ruleset only as an error code
                raise EngineFailure(f"durable_rules refused the compiled rulebook: {err}") from err
            self._rulesets[reading] = name

    def _trace(self, c: Any) -> Trace:
        return self._traces[c.s.sid]

    def close(self) -> None:
        """Free the compiled rulesets (durable_rules has no public API for it)."""
        import durable_rules_engine

        with self._lock:
            for name in self._rulesets.values():
                ruleset = self._host._ruleset_directory.pop(name)
                self._host._ruleset_list.remove(ruleset)
                durable_rules_engine.delete_ruleset(ruleset._handle)
            self._rulesets.clear()

    def run(self, strike: Strike, reading: str) -> Trace:
        name = self._rulesets[reading]
        with self._lock:
            sid = f"s{next(self._sids)}"
            trace = self._traces[sid] = Trace()
            try:
                self._assert(name, {"t": "open", "sid": sid, "e": sid})
                strike_fact = _strike_fact(strike, sid)
                self._assert(name, strike_fact)
                for fact_type in self._clause_types[reading]:
                    self._assert(name, {**strike_fact, "t": fact_type})
                for state in strike.consents:
                    self._assert(name, {"t": "assumed", "state": state, "sid": sid, "e": sid})
                self._assert(name, {"t": "decide", "sid": sid, "e": sid})
                self._assert(name, {"t": "conclude", "sid": sid, "e": sid})
                failure = self._host.get_state(name, sid).get("exception")
                if failure:
                    raise EngineFailure(f"a rule action failed: {str(failure)[:500]}")
            finally:
                self._traces.pop(sid, None)
                self._host.delete_state(name, sid)
        if len(trace.verdicts) != 1:
            raise EngineFailure(f"expected one verdict, the rules gave {sorted(trace.verdicts)}")
        return trace

    def _assert(self, ruleset: str, fact: dict[str, Any]) -> None:
        # MessageNotHandled: no rule reads this fact (e.g. an assumed consent nobody needs).
        with contextlib.suppress(MessageNotHandledException):
            self._host.assert_fact(ruleset, fact)


def _strike_fact(strike: Strike, sid: str) -> dict[str, Any]:
    return {
        "t": "strike",
        "sid": sid,
        "e": sid,
        "weapon": strike.weapon,
        "kind": strike.kind,
        "territory": strike.territory,
        "country": strike.country,
        "subdivided": int("-" in strike.territory),
        "operator": strike.operator,
        "day": _day_number(strike.day),
        "forces_given": int(strike.forces is not None),
        "forces": list(strike.forces or ()),
    }


_ENGINES: OrderedDict[str, Engine] = OrderedDict()
_ENGINE_CACHE_SIZE = 64
_DIGESTS: OrderedDict[int, tuple[Rulebook, str]] = OrderedDict()


def engine_for(rulebook: Rulebook) -> Engine:
    """One compiled engine per rulebook *content*, reused for every evaluation.

    durable_rules never gives a compiled ruleset's memory back (about 1.5 MB each, even
    after delete_ruleset), so equal rulebooks - the same rules loaded twice, a mutant
    generated again - must share one engine rather than compile anew.
    """
    known = _DIGESTS.get(id(rulebook))
    if known is not None and known[0] is rulebook:
        digest = known[1]
        _DIGESTS.move_to_end(id(rulebook))
    else:
        digest = _content_digest(rulebook)
        _DIGESTS[id(rulebook)] = (rulebook, digest)  # holds the book: its id stays its own
        while len(_DIGESTS) > 4 * _ENGINE_CACHE_SIZE:
            _DIGESTS.popitem(last=False)
    found = _ENGINES.get(digest)
    if found is None:
        found = _ENGINES[digest] = Engine(rulebook)
        while len(_ENGINES) > _ENGINE_CACHE_SIZE:
            _ENGINES.popitem(last=False)[1].close()
    _ENGINES.move_to_end(digest)
    return found


def _content_digest(rulebook: Rulebook) -> str:
    """What the compiled rules depend on, hashed (not the files' layout or their order).

    Read field by field rather than with `model_dump`, whose first call builds pydantic's
    serializers: two thirds of a cold `checker eval` went there.
    """
    parts = [
        list(rulebook.readings),
        *(_plain(rule) for rule in rulebook.weapons),
        *(_plain(rule) for rule in rulebook.grants),
        *(_plain(rule) for rule in rulebook.restrictions),
        *(_plain(rule) for rule in rulebook.baseline),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _plain(value: Any) -> Any:
    """A model's content as nested tuples of field names and values: equal content, equal repr.

    A plain twin (`checker.plain`, a dataclass) reads like its model: the same digest.
    """
    fields = getattr(type(value), "model_fields", None)
    if fields is None:
        fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None:
        return (
            type(value).__name__,
            tuple((name, _plain(getattr(value, name))) for name in fields),
        )
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _plain(item)) for key, item in value.items()))
    return value
