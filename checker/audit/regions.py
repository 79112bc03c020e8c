"""Regions: boxes of the grid with one outcome, each rendered as one readable line.

Points are shown as *regions* a person can read: first each dimension's values that no
verdict can tell apart are fused (so a rule file that mentions a code or a date without
changing any verdict splits nothing: the lock of a refactor is byte-identical), then boxes
with equal outcomes that differ in one dimension are merged, repeatedly. Each region
renders as one line, in a stable order, from the concrete values it covers. This module
also owns the overall verdict of the readings and the wording of a (before, after) change.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from msgspec import Struct

from checker.audit.grid import Box, Grid, Point, atoms, row_axes, row_codes
from checker.evaluation.space import ANY, Row, Space
from checker.model.codes import country_of
from checker.model.terms import TARGET_KINDS


def overall(verdicts: Iterable[str | None]) -> str | None:
    """The overall verdict from the readings' verdicts: theirs if they agree, else undetermined."""
    found = set(verdicts)
    if found == {None}:
        return None
    return found.pop() if len(found) == 1 else "undetermined"


class Region(Struct, frozen=True):
    """A box of the grid with one outcome, and its rendering as one line."""

    values: Box
    outcome: Hashable
    where: tuple[str, ...]  # rendered segments, dimensions covering everything omitted
    readings: str  # "" when every reading

    def contains(self, point: Point) -> bool:
        return all(value in values for value, values in zip(point, self.values, strict=True))

    def line(self, outcome: str) -> str:
        where = " · ".join(self.where) or "any strike"
        return f"{where} · {self.readings}: {outcome}" if self.readings else f"{where}: {outcome}"


def _classes(grid: Grid) -> list[list[int]]:
    """Per dimension, a class number per atom: atoms no value tells apart share a class."""
    values, total = grid.values, len(grid.values)
    found: list[list[int]] = []
    for size, inner in zip(grid.sizes, grid.strides, strict=True):
        block = inner * size
        signatures: dict[tuple[Hashable, ...], int] = {}
        numbers = []
        for atom in range(size):
            if inner == 1:
                signature = tuple(values[atom::size])
            else:
                signature = tuple(
                    itertools.chain.from_iterable(
                        values[start + atom * inner : start + (atom + 1) * inner]
                        for start in range(0, total, block)
                    )
                )
            numbers.append(signatures.setdefault(signature, len(signatures)))
        found.append(numbers)
    return found


def merge(grid: Grid, keep: Callable[[Hashable], bool]) -> list[tuple[Box, Hashable]]:
    """Boxes covering the kept points, each of one value, as few as greedy merging finds.

    Atoms no value tells apart are fused first, so the result depends only on what the
    values are on concrete strikes, not on where the rulebooks happened to split the space.
    """
    classes = _classes(grid)
    members: list[list[frozenset[Hashable]]] = []
    representatives: list[list[int]] = []
    for dim, numbers in enumerate(classes):
        groups: dict[int, list[int]] = {}
        for atom, number in enumerate(numbers):
            groups.setdefault(number, []).append(atom)
        members.append([frozenset(grid.atoms[dim][a] for a in groups[n]) for n in sorted(groups)])
        representatives.append([groups[n][0] for n in sorted(groups)])
    boxes: dict[tuple[tuple[int, ...], ...], Hashable] = {}
    strides = grid.strides
    for combination in itertools.product(*(range(len(r)) for r in representatives)):
        code = sum(representatives[dim][n] * strides[dim] for dim, n in enumerate(combination))
        value = grid.values[code]
        if keep(value):
            boxes[tuple((n,) for n in combination)] = value
    merged = _greedy(boxes, len(grid.sizes))
    return [
        (
            tuple(
                frozenset().union(*(members[i][n] for n in numbers))
                for i, numbers in enumerate(box)
            ),
            value,
        )
        for box, value in merged.items()
    ]


def _greedy(boxes: dict[tuple[Any, ...], Hashable], size: int) -> dict[tuple[Any, ...], Hashable]:
    """Merge boxes of equal value that differ in one dimension, until none do."""
    order = [*range(6, size - 1), 3, size - 1, 4, 5, 2, 1, 0]  # consents first, weapon last
    changed = True
    while changed:
        changed = False
        for i in order:
            grouped: dict[tuple[Hashable, tuple[Any, ...]], set[Any]] = {}
            for box, value in boxes.items():
                grouped.setdefault((value, box[:i] + box[i + 1 :]), set()).update(box[i])
            if len(grouped) < len(boxes):
                changed = True
            boxes = {
                (*rest[:i], tuple(sorted(union, key=repr)), *rest[i:]): value
                for (value, rest), union in grouped.items()
            }
    return boxes


GRID_LIMIT = 3_000_000
"""Above this many grid points, regions are merged from the table's rows directly (still
exact, but values no verdict tells apart are no longer fused first)."""


def table_regions(
    space: Space,
    rows: Sequence[Row],
    value: Callable[[Row, str], Hashable],
    keep: Callable[[Hashable], bool],
) -> list[Region]:
    """Readable regions covering every (class, reading) whose `value` is kept."""
    points = 1
    for axis in atoms(space):
        points *= len(axis)
    if points <= GRID_LIMIT:
        grid = Grid(space)
        reading_dim = len(grid.sizes) - 1
        for row in rows:
            codes = list(row_codes(grid, row, readings=False))
            for reading in space.readings:
                found = value(row, reading)
                base = grid.index[reading_dim][reading] * grid.strides[reading_dim]
                for code in codes:
                    grid.values[base + code] = found
        return regions(grid, keep)
    boxes: dict[tuple[Any, ...], Hashable] = {}
    for row in rows:
        axes = row_axes(space, row)
        for reading in space.readings:
            found = value(row, reading)
            if keep(found):
                boxes[(*(tuple(axis) for axis in axes), (reading,))] = found
    merged = _greedy(boxes, len(atoms(space)))
    return _finish(space, [(tuple(frozenset(v) for v in box), val) for box, val in merged.items()])


def regions(grid: Grid, keep: Callable[[Hashable], bool]) -> list[Region]:
    """Readable regions covering every kept point of the grid, in a stable order."""
    return _finish(grid.space, merge(grid, keep))


def _finish(space: Space, boxes: list[tuple[Box, Hashable]]) -> list[Region]:
    names = _WeaponNames(space)
    found = []
    for values, outcome in boxes:
        where, readings = _render(space, values, names)
        found.append(Region(values, outcome, where, readings))
    found.sort(key=lambda r: (*_sort_key(space, r.values, names), r.readings, repr(r.outcome)))
    return found


class _WeaponNames:
    def __init__(self, space: Space) -> None:
        self.names: dict[str, str] = {}
        for book in space.rulebooks:
            for weapon in book.weapons:
                self.names.setdefault(weapon.id, weapon.name)

    def __call__(self, weapon: Hashable) -> str:
        return self.names.get(str(weapon), str(weapon))


def _sort_key(space: Space, values: Box, names: _WeaponNames) -> tuple[Any, ...]:
    every = len(values[0]) == len(space.weapons)
    return (
        not every,
        sorted(names(w) for w in values[0]),
        _territory_text(space, values[1]),
        min(TARGET_KINDS.index(str(k)) for k in values[2]),
        sorted(str(k) for k in values[3]),
        sorted(str(o) for o in values[4]),
        min(int(str(s)) for s in values[5]),
        [sorted(map(str, v)) for v in values[6:-1]],
    )


def _render(space: Space, values: Box, names: _WeaponNames) -> tuple[tuple[str, ...], str]:
    axes = atoms(space)
    full = [set(values[i]) == set(axes[i]) for i in range(len(values))]
    parts: list[str] = []
    if not full[0]:
        parts.append(
            _some(sorted(names(w) for w in values[0]), sorted(names(w) for w in axes[0]), "weapon")
        )
    if not full[1]:
        parts.append(_territory_text(space, values[1]))
    if not full[2]:
        kinds = [k for k in TARGET_KINDS if k in values[2]]
        parts.append(_some(kinds, list(TARGET_KINDS), "kind"))
    if not full[3]:
        parts.append(_forces_text(space, values[3]))
    if not full[4]:
        parts.append(_operator_text(space, values[4]))
    if not full[5]:
        parts.append(_span_text(space, values[5]))
    states = space.states
    assumed = [s for s, v in zip(states, values[6:-1], strict=True) if set(v) == {True}]
    lacking = [s for s, v in zip(states, values[6:-1], strict=True) if set(v) == {False}]
    if assumed or lacking:
        said = []
        if assumed:
            said.append(f"consent of {', '.join(assumed)} assumed")
        if lacking:
            said.append(
                f"of {', '.join(lacking)} not assumed"
                if assumed
                else f"consent of {', '.join(lacking)} not assumed"
            )
        parts.append(", ".join(said))
    readings = "" if full[-1] else ", ".join(sorted(str(r) for r in values[-1]))
    return tuple(parts), readings


def _some(chosen: list[str], every: list[str], noun: str) -> str:
    if len(chosen) > len(every) / 2 + 1:
        return f"any {noun} except " + ", ".join(x for x in every if x not in chosen)
    return ", ".join(chosen)


def _territory_text(space: Space, keys: frozenset[Hashable]) -> str:
    countries = sorted(t.key for t in space.territories if t.key != ANY and "-" not in t.key)
    parts: list[str] = []
    excluded: list[str] = []
    for country in countries:
        named = sorted(
            t.key
            for t in space.territories
            if "-" in t.key and not t.key.endswith("-*") and country_of(t.key) == country
        )
        has_others = f"{country}-*" in {t.key for t in space.territories}
        inside = [code for code in named if code in keys]
        others = f"{country}-*" in keys or not has_others
        every_subdivision = others and len(inside) == len(named)
        level = country in keys
        if level and every_subdivision:
            if ANY not in keys:
                parts.append(f"anywhere in {country}")
            continue
        excluded.append(country)
        if level:
            parts.append(f"{country} (country level)")
        if every_subdivision:
            parts.append(f"any {country} subdivision")
        elif others and inside != named:
            missing = [code for code in named if code not in keys]
            parts.append(f"any {country} subdivision except {'/'.join(missing)}")
        else:
            parts.extend(inside)
    if ANY in keys:
        parts.append("any country other than " + "/".join(excluded) if excluded else "any country")
    return ", ".join(parts)


def _forces_text(space: Space, keys: frozenset[Hashable]) -> str:
    parts: list[str] = [word for word in ("absent", "empty") if word in keys]
    subsets = {
        frozenset(f.key.split("+"))
        for f in space.forces
        if f.key not in ("absent", "empty", "other")
    }
    chosen = {frozenset(str(k).split("+")) for k in keys if k not in ("absent", "empty", "other")}
    other = "other" in keys
    missing = subsets - chosen
    if chosen == subsets and other:
        parts.append("any non-empty")
    elif chosen and not other and _all_subsets(chosen):
        parts.append("within " + "/".join(sorted(frozenset().union(*chosen))))
    elif other and missing and _all_subsets(missing):
        parts.append("not within " + "/".join(sorted(frozenset().union(*missing))))
    elif chosen or other:
        listed = sorted("+".join(sorted(s)) for s in chosen) + (["other"] if other else [])
        parts.append("exactly " + " or ".join(listed))
    return "forces " + " or ".join(parts)


def _all_subsets(found: set[frozenset[str]]) -> bool:
    union: frozenset[str] = frozenset().union(*found)
    return len(found) == (1 << len(union)) - 1


def _operator_text(space: Space, keys: frozenset[Hashable]) -> str:
    named = [o for o in space.operators if o in keys]
    if ANY in keys:
        left = [o for o in space.operators if o not in keys]
        return "operator other than " + "/".join(left)
    return "operator " + " or ".join(named)


def _span_text(space: Space, keys: frozenset[Hashable]) -> str:
    indices = sorted(int(str(k)) for k in keys)
    runs: list[list[int]] = []
    for index in indices:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    texts = []
    for run in runs:
        start, end = space.spans[run[0]].start, space.spans[run[-1]].end
        texts.append(str(type(space.spans[0])(start, end)))
    return " and ".join(texts)


def pair(outcome: Hashable) -> tuple[str, str]:
    assert isinstance(outcome, tuple)
    return str(outcome[0]), str(outcome[1])


def change_text(outcome: Hashable) -> str:
    before, after = pair(outcome)
    return f"{before} → {after}"
