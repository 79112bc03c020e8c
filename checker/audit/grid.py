"""The grid: the finite scenario space as points, whatever rulebook split it.

Everything in `checker.audit` stands on the finite scenario space (`checker.space`): a table
with one row per class of strikes, each evaluated through the engine. The table is expanded
into a grid of *points* - one per weapon, territory class, kind, forces class, operator
class, date span, assumed-or-not consent of each state, and reading - so that every
rulebook's table, however its space was split, describes the same kind of object. This
module owns the grid's dimensions and their atoms, the flat `Grid`, the point a concrete
strike falls in, and the atoms a table row covers.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Iterator

from checker.evaluation.space import ANY, Row, Space
from checker.model.strike import Strike
from checker.model.terms import TARGET_KINDS

Point = tuple[Hashable, ...]
Box = tuple[frozenset[Hashable], ...]


def dimensions(space: Space) -> tuple[str, ...]:
    """The grid's dimensions: one per strike fact, one per consent state, and the reading."""
    states = tuple(f"consent:{s}" for s in space.states)
    return ("weapon", "territory", "kind", "forces", "operator", "span", *states, "reading")


def atoms(space: Space) -> tuple[tuple[Hashable, ...], ...]:
    states: list[tuple[Hashable, ...]] = [(True, False) for _ in space.states]
    return (
        tuple(space.weapons),
        tuple(t.key for t in space.territories),
        TARGET_KINDS,
        tuple(f.key for f in space.forces),
        (*space.operators, ANY),
        tuple(range(len(space.spans))),
        *states,
        tuple(space.readings),
    )


class Grid:
    """A value at every point of the product of the space's dimensions, stored flat."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self.atoms = atoms(space)
        self.sizes = [len(axis) for axis in self.atoms]
        self.strides = [1] * len(self.sizes)
        for i in range(len(self.sizes) - 2, -1, -1):
            self.strides[i] = self.strides[i + 1] * self.sizes[i + 1]
        self.index = [{atom: n for n, atom in enumerate(axis)} for axis in self.atoms]
        self.values: list[Hashable] = [None] * (self.strides[0] * self.sizes[0])

    def offsets(self, dim: int, atoms: Iterable[Hashable]) -> list[int]:
        return [self.index[dim][atom] * self.strides[dim] for atom in atoms]

    def code(self, point: Point) -> int:
        return sum(self.index[i][atom] * self.strides[i] for i, atom in enumerate(point))

    def point(self, code: int) -> Point:
        return tuple(
            self.atoms[i][(code // stride) % size]
            for i, (stride, size) in enumerate(zip(self.strides, self.sizes, strict=True))
        )


def point_of(space: Space, strike: Strike, reading: str) -> Point:
    """The grid point a concrete strike falls in, under one reading."""
    cell = space.cell_of(strike)
    assert cell.forces is not None
    return (
        strike.weapon,
        cell.territory.key,
        strike.kind,
        cell.forces.key,
        cell.operator,
        space.spans.index(cell.span),
        *(state in strike.consents for state in space.states),
        reading,
    )


def row_axes(space: Space, row: Row) -> list[tuple[Hashable, ...]]:
    """The atoms a row covers in each dimension but the reading."""
    cell = row.cell
    required = space.required_states(cell.weapon)
    axes: list[tuple[Hashable, ...]] = [
        (cell.weapon,),
        (cell.territory.key,),
        cell.kinds,
        (cell.forces.key,) if cell.forces else tuple(f.key for f in space.forces),
        (cell.operator,),
        (space.spans.index(cell.span),),
    ]
    for state in space.states:
        if cell.consents is None or state not in required:
            axes.append((True, False))
        else:
            axes.append((state in cell.consents,))
    return axes


def row_codes(grid: Grid, row: Row, *, readings: bool = True) -> Iterator[int]:
    axes = [grid.offsets(i, atoms) for i, atoms in enumerate(row_axes(grid.space, row))]
    if readings:
        axes.append(grid.offsets(len(grid.sizes) - 1, grid.space.readings))
    for combination in itertools.product(*axes):
        yield sum(combination)
