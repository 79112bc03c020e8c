"""The memoised evaluation path: each equivalence class decided once by the engine, then reused.

A verdict depends only on the scenario's class in the finite scenario space (`checker.space`):
inside a class every rule fires alike, so the engine's traces are the same. `Memo` runs
durable_rules once per (class, reading) and keeps the traces; durable_rules stays the only
decision maker.

The words of a verdict are not quite a function of the class: a few reasons quote the
concrete strike ("2024-05-15 falls inside 2024-05", "territory BY is outside ..."). So the
rendered JSON is cached per class *and* per value of every strike field the explanation
actually read: `verdict.assemble` runs once with a strike that records which fields it reads,
in order, and the result goes into a small decision tree (field -> value -> ... -> template).
A later strike of the class walks the tree with its own values; a value not seen yet renders
afresh. What is scenario-specific but outside the strike (name, file, expectation,
feasibility) is left as slots in the template and filled per scenario. The property suite
(`tests/test_memo.py`) checks that both paths give byte-identical output.
"""

from __future__ import annotations

import json
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from msgspec import Struct
from msgspec.structs import asdict

from checker.errors import CheckerError, Location
from checker.evaluation.slots import dumps, string_slot
from checker.evaluation.space import Cell, Space, build_space
from checker.evaluation.table import DecisionTable
from checker.model.feasibility import range_warnings
from checker.model.strike import Strike

if TYPE_CHECKING:
    from checker.engine import Engine
    from checker.evaluation.reach import Located
    from checker.model.feasibility import Feasibility
    from checker.model.rulebook import Rulebook
    from checker.model.scenario import Scenario
    from checker.model.trace import Trace
    from checker.model.verdict import Verdict

# The explanation (`evaluation.explain`) and the verdict's types are imported where a
# verdict is made: a run whose templates are all kept never makes one.

CellKey = tuple[Any, ...]
"""The fields of a `Cell`, as a plain tuple (cheaper to hash than the record)."""

_NO_CONSENT = (None, None)  # outside the consent regime: neither forces nor consents matter

MAX_TEMPLATES = 100_000
"""Rendered templates kept at most; beyond it, new ones are rendered but not kept."""
MAX_TEMPLATE_BYTES = 24 << 20
"""And their bytes at most (a verdict's JSON is a few KiB): memory bounded for any input."""

_TAG = uuid.uuid4().hex  # a process-unique marker no rule text or scenario can contain
SLOTS = ("scenario", "file", "feasibility", "expect", "warnings")
_ORDER = SLOTS  # the order of these keys in Verdict.to_dict()
_GENERIC = b"generic"  # marks a template whose slots are not in that order
_SENTINELS = {json.dumps(f"\u0000{_TAG}:{slot}"): slot for slot in SLOTS}


class Extras(Struct, frozen=True):
    """What a verdict's JSON holds beyond the strike: per scenario, filled into templates."""

    name: str
    file: str | None
    expect: str | None
    feasibility: Feasibility | None
    weapon: str


class _Node:
    """One step of a template tree: which strike field to read next, or the template."""

    __slots__ = ("children", "field", "template", "wild")

    def __init__(self) -> None:
        self.field: str | None = None
        self.children: dict[Any, _Node] = {}
        self.template: list[bytes | str] | None = None
        self.wild: _Node | None = None  # where any other value leads (`keep`)


class _Recording:
    """Stands in for a Strike, noting each field read (first read only) in order."""

    def __init__(self, strike: Strike) -> None:
        self._recorded_strike = strike
        self._reads: list[tuple[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._recorded_strike, name)
        if all(name != seen for seen, _ in self._reads):
            self._reads.append((name, value))
        return value


def readings_to_run(rulebook: Rulebook, reading: str | None) -> tuple[str, ...]:
    if reading is None:
        return rulebook.readings
    reading = next((r for r in rulebook.readings if r.lower() == reading.lower()), reading)
    if reading not in rulebook.readings:
        known = ", ".join(rulebook.readings)
        raise CheckerError.at(
            Location("--reading"), f"unknown reading '{reading}' (known: {known})"
        )
    return (reading,)


_MEMOS: OrderedDict[tuple[int, str | None], Memo] = OrderedDict()
_MEMO_CACHE_SIZE = 64


def memo_for(rulebook: Rulebook, reading: str | None = None) -> Memo:
    """The memo of `rulebook` under `reading`, shared by every evaluation in this process.

    Kept for the very rulebook object (its sources and titles are read when explaining),
    a few rulebooks at a time; what one learns is kept in its decision table.
    """
    key = (id(rulebook), reading)
    memo = _MEMOS.get(key)
    if memo is None or memo.rulebook is not rulebook:
        memo = _MEMOS[key] = Memo(rulebook, reading=reading)
        while len(_MEMOS) > _MEMO_CACHE_SIZE:
            _MEMOS.popitem(last=False)[1].save()
    _MEMOS.move_to_end(key)
    return memo


def save_all() -> None:
    """Write what every memo of this process learnt into the decision tables."""
    for memo in _MEMOS.values():
        memo.save()


class Memo:
    """Evaluate many scenarios under one rulebook, each class through the engine only once."""

    def __init__(
        self, rulebook: Rulebook, *, reading: str | None = None, engine: Engine | None = None
    ) -> None:
        self.rulebook = rulebook
        self.readings = readings_to_run(rulebook, reading)
        self.space: Space = build_space(rulebook)
        self._engine = engine
        self.table = DecisionTable(rulebook)
        self.engine_runs = 0
        self._traces: dict[CellKey, dict[str, Trace]] = {}
        self._trees: dict[CellKey, _Node] = {}
        self._templates = 0
        self.templates_rendered = False
        """Whether a JSON template was rendered since they were last kept (`templates.py`)."""
        self.savers: list[Callable[[Memo], None]] = []
        self._template_bytes = 0
        # Classes in keys by their cheap names (a territory's and forces' `key`, a span's
        # index): hashing the records themselves cost a tenth of a JSON Lines run.
        self._kinds: dict[str, tuple[str, ...]] = {}
        self._territories: dict[str, str] = {}
        self._spans: dict[date, int] = {}
        self._forces: dict[tuple[str, ...] | None, str] = {}
        self._territory_named = {t.key: t for t in self.space.territories}
        self._forces_named = {f.key: f for f in self.space.forces}
        self._required: dict[str, tuple[str, ...]] = {}
        self._operators = frozenset(self.space.operators)
        self._consent: dict[CellKey, bool] = {}
        self._forces_matter: dict[CellKey, bool] = {}
        self._then = {rule.id: rule.then for rule in rulebook.baseline}
        self._feasibility: dict[tuple[Any, ...], tuple[bytes, bytes]] = {}
        self._newest = rulebook.newest_source

    @property
    def engine(self) -> Engine:
        """The compiled rulebook: compiled (and durable_rules imported) only when a class
        is not in the decision table."""
        if self._engine is None:
            from checker.engine import engine_for

            self._engine = engine_for(self.rulebook)
        return self._engine

    def save(self) -> None:
        self.table.save()
        for keep_more in self.savers:  # what else is kept beside the table (the templates)
            keep_more(self)

    # ---- classes

    def cell_key(self, strike: Strike) -> CellKey:
        """The fields of `space.cell_of(strike)`, from per-dimension caches."""
        weapon, kinds, territory, operator, span = self._base(strike)
        forces, consents = self._consent_part(strike, every_field=True)
        return (
            weapon,
            kinds,
            self._territory_named[territory],
            operator,
            self.space.spans[span],
            self._forces_named[forces],
            consents,
        )

    def cell(self, strike: Strike) -> Cell:
        return Cell(*self.cell_key(strike))

    def key(self, strike: Strike) -> CellKey:
        """The strike's class with the dimensions that cannot matter left out (None).

        The same pruning as `space.tabulate`, exact by construction of the rule language:
        baseline rules read neither forces nor assumed consents, so outside the consent
        regime neither matters; forces matter only when a grant conditions on them for the
        weapon and kind. Whether a base class falls under the consent regime is learnt
        from its first engine run.
        """
        base = self._base(strike)
        consent = self._consent.get(base)
        if consent is None:
            consent = self.table.consent(base)
            if consent is None:
                return self._first_of_base(base, strike)
            self._consent[base] = consent
        return base + self._consent_part(strike) if consent else base + _NO_CONSENT

    def _first_of_base(self, base: CellKey, strike: Strike) -> CellKey:
        """`key` for a base class met for the first time: its first engine run says
        whether it falls under the consent regime."""
        traces = self._run(strike)
        consent = self._consent[base] = any(
            trace.regime is not None and self._then.get(trace.regime) == "consent"
            for trace in traces.values()
        )
        self.table.learn_consent(base, consent)
        key = base + self._consent_part(strike) if consent else base + _NO_CONSENT
        if key not in self._traces:
            self._traces[key] = traces
            self.table.learn(key, traces)
        return key

    def _base(self, strike: Strike) -> CellKey:
        """The class's weapon, kinds, territory, operator and dates (what every rule reads)."""
        weapon, kind, territory, operator, day = strike[:5]  # (per line: no attribute reads)
        kinds = self._kinds.get(kind)
        if kinds is None:
            kinds = self._kinds[kind] = self.space.kinds_of(kind)
        named = self._territories.get(territory)
        if named is None:
            named = self._territories[territory] = self.space.territory_of(territory).key
        span = self._spans.get(day)
        if span is None:
            span = self.space.spans.index(self.space.span_of(day))
            _keep(self._spans, day, span)
        return (weapon, kinds, named, operator if operator in self._operators else "*", span)

    def _consent_part(self, strike: Strike, *, every_field: bool = False) -> CellKey:
        """The class's forces and assumed consents; forces None where no grant reads them
        for the weapon and kind (unless `every_field`: the full cell keeps them)."""
        weapon, kind, _, _, _, forces, assumed = strike[:7]
        required = self._required.get(weapon)
        if required is None:
            required = self._required[weapon] = self.space.required_states(weapon)
        consents = tuple(s for s in required if s in assumed) if assumed else ()
        if not (every_field or self._forces_read(weapon, self._kinds[kind])):
            return (None, consents)
        found = self._forces.get(forces)
        if found is None:
            found = self.space.forces_of(forces).key
            _keep(self._forces, forces, found)
        return (found, consents)

    def _forces_read(self, weapon: str, kinds: tuple[str, ...]) -> bool:
        found = self._forces_matter.get((weapon, kinds))
        if found is None:
            found = self._forces_matter[(weapon, kinds)] = self.space.forces_matter(weapon, kinds)
        return found

    def _run(self, strike: Strike) -> dict[str, Trace]:
        self.engine_runs += len(self.readings)
        return {name: self.engine.run(strike, name) for name in self.readings}

    def traces(self, strike: Strike, key: CellKey | None = None) -> dict[str, Trace]:
        """Each reading's trace for the strike's class: run by the engine on first sight."""
        key = self.key(strike) if key is None else key
        found = self._traces.get(key)
        if found is None:
            found = self.table.traces(key, self.readings)
            if found is None:
                found = self._run(strike)
                self.table.learn(key, found)
            self._traces[key] = found
        return found

    # ---- verdicts and their JSON

    def verdict(self, scenario: Scenario, strike: Strike, *, file: str | None = None) -> Verdict:
        """Exactly `evaluation.evaluate(...)`, with the traces reused from the class."""
        from checker.evaluation.explain import assemble

        self.table.read_whole()  # the traces are needed: the consent part comes with them
        key = self.key(strike)
        return assemble(
            self.rulebook,
            scenario,
            strike,
            self.traces(strike, key),
            file=file,
            after_sources=self._after_sources(key),
        )

    def _after_sources(self, key: CellKey) -> bool:
        """Whether the class's days are all later than the newest source (the space has a
        boundary the day after each source's publication, so no class straddles it)."""
        start = self.space.spans[key[4]].start
        return start is not None and start > self._newest

    def feasibility_slots(
        self, weapon: str, target: Located, launch: Located
    ) -> tuple[bytes, bytes]:
        """The feasibility and warnings slots of a located strike, encoded; cached by input."""
        key = (weapon, target.lat, target.lon, launch.lat, launch.lon)
        found = self._feasibility.get(key)
        if found is None:
            from checker.evaluation.reach import feasibility_between

            feasibility = feasibility_between(self.rulebook, weapon, target, launch)
            found = (_FILLERS["feasibility"](feasibility), _FILLERS["warnings"](feasibility))
            _keep(self._feasibility, key, found)
        return found

    def json_line(self, strike: Strike, extras: Extras) -> bytes:
        """Exactly `report.as_json(self.verdict(...))`, encoded, from a cached template."""
        out: list[bytes] = []
        slots = tuple(
            _FILLERS[slot](extras.feasibility if slot in _FEASIBLE else extras) for slot in SLOTS
        )
        self.json_parts(strike, slots, out)
        return b"".join(out)

    def json_parts(self, strike: Strike, slots: tuple[bytes, ...], out: list[bytes]) -> None:
        """Append the pieces of one verdict's JSON to `out` (joined later, once).

        `slots` holds the encoded values of `SLOTS`, in that order.
        """
        template = template_for(self._trees, self.key(strike), strike, self._render)
        if template[0] is not _GENERIC:  # the slots in to_dict's order, once each
            out += (  # type: ignore[arg-type]  # literal runs are bytes in the fast layout
                template[0],
                slots[0],
                template[2],
                slots[1],
                template[4],
                slots[2],
                template[6],
                slots[3],
                template[8],
                slots[4],
                template[10],
            )
        else:
            out.append(fill(template[1:], slots))

    def _render(self, key: CellKey, strike: Strike) -> list[bytes | str]:
        from checker.evaluation.explain import assemble

        recording = _Recording(strike)
        verdict = assemble(
            self.rulebook,
            neutral_scenario(),
            cast(Strike, recording),
            self.traces(strike, key),
            after_sources=self._after_sources(key),
        )
        data = verdict.to_dict()
        for slot in SLOTS:
            data[slot] = f"\u0000{_TAG}:{slot}"
        template = _split(json.dumps(data, ensure_ascii=False) + "\n")
        if template[1::2] != list(_ORDER):  # not to_dict's usual order: fill generically
            template = [_GENERIC, *template]
        size = sum(map(len, template))
        if self._templates < MAX_TEMPLATES and self._template_bytes + size <= MAX_TEMPLATE_BYTES:
            self._templates += 1
            self._template_bytes += size
            self.templates_rendered = True
            keep(self._trees[key], strike, recording._reads, template)
        return template


def template_for(
    trees: dict[CellKey, _Node],
    key: CellKey,
    strike: Strike,
    render: Callable[[CellKey, Strike], list[bytes | str]],
) -> list[bytes | str]:
    """The template of the strike's class kept in `trees`, or `render`'s new one."""
    node = trees.get(key)
    if node is None:
        node = trees[key] = _Node()
    template = walk(node, strike).template
    return template if template is not None else render(key, strike)


def walk(node: _Node, strike: Strike) -> _Node:
    """Down a template tree by the strike's values: to its template, or where one is missing."""
    while node.template is None and node.field is not None:
        child = node.children.get(getattr(strike, node.field))
        if child is None:
            child = node.wild
            if child is None:
                break
        node = child
    return node


def keep(root: _Node, strike: Strike, reads: list[tuple[str, Any]], template: Any) -> None:
    """Keep `template` in the tree at the path of the strike values the rendering `reads`.

    A day is read to compare it with rule dates, constant inside a class, and is quoted
    (one reason names it); so when a template for another day of the class is the same
    as this one, the day is not quoted and the node sends every other day there (`wild`).
    """
    node = root
    for name, value in reads:
        if node.field is None:
            node.field = name
        if node.field != name:
            return  # read in another order than an earlier rendering: not kept
        child = node.children.get(value) or node.wild
        if child is None and name == "day" and node.children:
            day, other = next(iter(node.children.items()))
            if walk(other, strike._replace(day=day)).template == template:
                child = node.wild = other
        if child is None:
            child = node.children[value] = _Node()
        node = child
    node.template = template


MAX_VALUES = 10_000
"""Values kept at most per per-value cache (days, forces lists); the oldest goes first."""


def _keep(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Keep `value` under `key`, the cache bounded (input may hold any number of values)."""
    if len(cache) >= MAX_VALUES:
        del cache[next(iter(cache))]
    cache[key] = value


NAME_SLOT = f"\u0000{_TAG}:scenario"
"""The name of `neutral_scenario()`: where a template's scenario name goes."""


@cache
def neutral_scenario() -> Scenario:
    """A scenario with nothing of its own: no expectation, no locations, its name a slot."""
    from checker.model.scenario import Scenario, Target

    return Scenario(date=date.min, weapon="", target=Target("", ""), id=NAME_SLOT)


def _split(text: str) -> list[bytes | str]:
    """JSON text -> literal byte runs and slot names, in order."""
    parts: list[bytes | str] = []
    rest = text
    while True:
        found = [(rest.find(s), s) for s in _SENTINELS if s in rest]
        if not found:
            parts.append(rest.encode())
            return parts
        at, sentinel = min(found)
        parts.append(rest[:at].encode())
        parts.append(_SENTINELS[sentinel])
        rest = rest[at + len(sentinel) :]


_FEASIBLE = frozenset(("feasibility", "warnings"))
_FILLERS: dict[str, Callable[[Any], bytes]] = {
    "scenario": lambda e: string_slot(e.name),
    "file": lambda e: string_slot(e.file),
    "expect": lambda e: string_slot(e.expect),
    "feasibility": lambda f: b"null" if f is None else dumps(asdict(f)),
    "warnings": lambda f: dumps(list(range_warnings(f))),
}
_SLOT_INDEX = {slot: index for index, slot in enumerate(SLOTS)}


def fill(template: list[bytes | str], slots: tuple[bytes, ...]) -> bytes:
    return b"".join(
        part if isinstance(part, bytes) else slots[_SLOT_INDEX[part]] for part in template
    )
