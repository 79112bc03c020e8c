"""Text and markdown on the memoised path: each class's rendered verdict cached as a template.

The JSON of a verdict is cached per class in `memo.Memo.json_parts`; this does the same for
any renderer that returns text (the text and markdown renderers, given by the command). A
class's verdict is rendered once with a neutral scenario whose name is a marker, then split
at the marker: the literal runs are escaped as the writer escapes text output (control
characters from the input never reach a terminal; `errors.printable` escapes character by
character, so escaping the runs apart is escaping the whole) and encoded. Per scenario only
its name is filled in, and the lines a renderer appends for a located strike (feasibility,
range warnings), cached per weapon and pair of points. As for JSON, a template branches on
the strike values the explanation read (`memo._Recording`). `tests/test_templates.py`
checks the result byte-identical to the renderer's own output on generated scenarios.

The JSON templates (`memo.Memo.json_parts`) are also kept in the data-only cache beside
the decision table, keyed by the rules' digest, the readings and the code version
(`load_json_templates`, `store_json_templates`): a later JSON Lines run renders nothing
an earlier one rendered. They are kept as shared pieces (`_PIECE`), and what a process
keeps is merged with what others kept (`_merge`: the workers of one run each met other
strikes of a class). Text templates are not kept: their renderers are outside the
code the cache's version covers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from msgspec.structs import replace

from checker.errors import printable
from checker.evaluation.memo import (
    _GENERIC,
    MAX_TEMPLATES,
    NAME_SLOT,
    CellKey,
    Memo,
    _Node,
    _Recording,
    keep,
    neutral_scenario,
    template_for,
)
from checker.model.strike import Strike

if TYPE_CHECKING:
    from checker.evaluation.reach import Located
    from checker.model.verdict import Verdict

Render = Callable[["Verdict"], str]


def escaped(text: str) -> bytes:
    """`text` as the writer prints text output off a terminal, encoded."""
    return printable(text, keep="\n").encode()


class Templates:
    """One renderer's output of a memo's verdicts, from per-class templates."""

    def __init__(self, memo: Memo, render: Render) -> None:
        self.memo = memo
        self.render = render
        self._trees: dict[CellKey, _Node] = {}
        self._tails: dict[tuple[Any, ...], bytes | None] = {}
        self._sample: Verdict | None = None
        self._kept = 0

    def parts(self, strike: Strike, name: str, out: list[bytes]) -> None:
        """Append the rendered verdict of a scenario named `name`, without location lines."""
        template = template_for(self._trees, self.memo.key(strike), strike, self._render)
        slot = escaped(name)
        for part in template:
            out.append(part if isinstance(part, bytes) else slot)

    def tail(self, strike: Strike, target: Located, launch: Located) -> bytes | None:
        """What a located strike adds at the end (feasibility, warnings), rendered;
        None if this renderer does not simply append it (then render the verdict whole)."""
        from checker.evaluation.reach import feasibility_between
        from checker.model.feasibility import range_warnings
        from checker.model.verdict import Verdict

        weapon = strike.weapon
        key = (weapon, target.lat, target.lon, launch.lat, launch.lon)
        if key in self._tails:
            return self._tails[key]
        if self._sample is None:
            self._render(self.memo.key(strike), strike)
        sample = cast(Verdict, self._sample)
        feasibility = feasibility_between(self.memo.rulebook, weapon, target, launch)
        warnings = range_warnings(feasibility)
        plain = self.render(sample)
        located = self.render(replace(sample, feasibility=feasibility, warnings=warnings))
        found = None
        if located.startswith(plain):
            found = escaped(located[len(plain) :])
        if len(self._tails) < MAX_TEMPLATES:
            self._tails[key] = found
        return found

    def _render(self, key: CellKey, strike: Strike) -> list[bytes | str]:
        from checker.evaluation.explain import assemble

        recording = _Recording(strike)
        verdict = assemble(
            self.memo.rulebook,
            neutral_scenario(),
            cast(Strike, recording),
            self.memo.traces(strike, key),
            after_sources=self.memo._after_sources(key),
        )
        self._sample = verdict
        runs = self.render(verdict).split(NAME_SLOT)
        template: list[bytes | str] = [escaped(runs[0])]
        for run in runs[1:]:
            template += ["scenario", escaped(run)]
        if self._kept < MAX_TEMPLATES:
            self._kept += 1
            keep(self._trees.setdefault(key, _Node()), strike, recording._reads, template)
        return template


# ---- the JSON templates kept in the cache, beside the decision table

TEMPLATES_KIND = "templates"


def _templates_key(memo: Memo) -> str:
    from checker.model.digest import digest
    from checker.model.rulebook import rules_digest

    readings = "\0".join(memo.readings)
    text = f"{TEMPLATES_KIND}\0json\0{readings}\0{rules_digest(memo.rulebook)}"
    return digest(text.encode())


_PIECE = re.compile(r'(?=\{")')
"""Where a template's literal runs are cut into pieces for keeping: before each JSON
object. Classes share most objects (the same reason, quote or source), so each piece is
kept once and a template lists its pieces: the set is a twentieth of its rendered size."""


def _value_data(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _value(field: str, data: Any) -> Any:
    if field == "day":
        return date.fromisoformat(data)
    return tuple(data) if isinstance(data, list) else data


class _Pool:
    """Pieces kept once each, and literal runs (lists of pieces) once each, by index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.runs: dict[bytes, int] = {}
        self.run_pieces: list[list[int]] = []

    def run(self, run: bytes) -> int:
        found = self.runs.get(run)
        if found is None:
            pieces = [
                self.index.setdefault(piece, len(self.index))
                for piece in _PIECE.split(run.decode())
            ]
            found = self.runs[run] = len(self.run_pieces)
            self.run_pieces.append(pieces)
        return found


def _node_data(node: _Node, pool: _Pool) -> list[Any]:
    """A tree as JSON: [field, [[value, child], ...], wild child's index, template], the
    template's literal runs by their index in the pool, its slots by name."""
    children = list(node.children.items())
    wild = next((i for i, (_, c) in enumerate(children) if c is node.wild), None)
    template = None
    if node.template is not None:
        template = [pool.run(part) if isinstance(part, bytes) else part for part in node.template]
    return [
        node.field,
        [[_value_data(v), _node_data(c, pool)] for v, c in children],
        wild,
        template,
    ]


def _node(data: list[Any], runs: _Runs) -> _Node:
    field, children, wild, template_data = data
    node = _Node()
    node.field = field
    for value, child in children:
        node.children[_value(str(field), value)] = _node(child, runs)
    if wild is not None:
        node.wild = list(node.children.values())[wild]
    if template_data is not None:
        template: list[bytes | str] = [
            part if isinstance(part, str) else runs.joined[part] for part in template_data
        ]
        if template[0] == _GENERIC:
            template[0] = _GENERIC  # the very marker: `json_parts` tests identity
        node.template = template
    return node


class _Runs:
    """The kept literal runs, each joined from its pieces once: many templates share whole
    runs (the same verdict's words under other branches), and then their bytes."""

    def __init__(self, pieces: list[Any], runs: list[list[int]]) -> None:
        encoded = [str(piece).encode() for piece in pieces]
        self.joined = [b"".join([encoded[i] for i in run]) for run in runs]


def load_json_templates(memo: Memo) -> None:
    """Read the JSON templates an earlier run kept for these rules, code and readings
    (anything unreadable is ignored: they are rendered afresh), and keep the memo's
    templates whenever it saves its decision table."""
    if store_json_templates not in memo.savers:
        memo.savers.append(store_json_templates)
    if not memo._trees:
        memo._trees.update(_kept_trees(memo))


def _kept_trees(memo: Memo) -> dict[CellKey, _Node]:
    """The templates kept for the memo's rules, code and readings; none if unreadable."""
    from checker.read import cache

    with cache.long_lived():
        found = cache.load(TEMPLATES_KIND, _templates_key(memo), dict[str, Any])
        if not found:
            return {}
        try:
            runs = _Runs(found["pool"], found["runs"])
            return {_cell_key(key): _node(tree, runs) for key, tree in found["trees"]}
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return {}


def _cell_key(key: list[Any]) -> CellKey:
    """A key back from JSON: the kinds as a tuple, as `Memo.key` makes it."""
    return tuple(tuple(part) if isinstance(part, list) else part for part in key)


def store_json_templates(memo: Memo) -> None:
    """Keep the memo's JSON templates for the next run (best effort, as the table), when
    new ones were rendered. Classes and branches kept by another process (the other
    workers of a run) and not met here are kept too."""
    from checker.read import cache

    if not memo.templates_rendered or cache.cache_dir() is None:  # (--no-cache)
        return
    memo.templates_rendered = False
    others = {}
    for key, tree in _kept_trees(memo).items():
        if key in memo._trees:
            _merge(memo._trees[key], tree)
        else:
            others[key] = tree  # kept, not taken into this process's memory
    pool = _Pool()
    trees = [[key, _node_data(tree, pool)] for key, tree in [*memo._trees.items(), *others.items()]]
    data = {"pool": list(pool.index), "runs": pool.run_pieces, "trees": trees}
    cache.store(TEMPLATES_KIND, _templates_key(memo), data)


def _merge(into: _Node, other: _Node) -> None:
    """Add to a class's tree the branches another process rendered for the same class
    (both rendered by the same code: where both have a template, they are the same)."""
    if into.template is None:
        into.template = other.template
    if into.field is None and not into.children:
        into.field = other.field
    if other.field != into.field:
        return  # read in another order (`keep` keeps such a rendering nowhere either)
    for value, child in other.children.items():
        mine = into.children.get(value)
        if mine is None:
            into.children[value] = child
        else:
            _merge(mine, child)
    if into.wild is None and other.wild is not None:
        value = next(v for v, c in other.children.items() if c is other.wild)
        into.wild = into.children[value]
