"""The only module that imports durable_rules: host a compiled rulebook, evaluate strikes.

A rulebook compiles (`checker.ruleset`) to one durable_rules ruleset per reading (JSON
form, actions bound as closures, nothing from the rule files executed). A strike is evaluated by forward
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
import itertools
import threading
from collections import OrderedDict
from typing import Any

from durable import engine as durable_engine
from durable.engine import MessageNotHandledException, MessageObservedException

from checker.errors import EngineFailure
from checker.model.rulebook import Rulebook, rules_digest
from checker.model.strike import Strike
from checker.model.trace import Trace
from checker.ruleset import Compiler, day_number


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
            compiler = Compiler(rulebook, reading, self._trace, _derive)
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
        "day": day_number(strike.day),
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
        digest = rules_digest(rulebook)
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
