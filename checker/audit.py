"""Auditing rule changes: the exact semantic diff, the policy lock, mutants and coverage.

Everything here stands on the finite scenario space (`checker.space`): a table with one
row per class of strikes, each evaluated through the engine. The table is expanded into a
grid of *points* - one per weapon, territory class, kind, forces class, operator class,
date span, assumed-or-not consent of each state, and reading - so that every rulebook's
table, however its space was split, describes the same kind of object.

Points are then shown as *regions* a person can read: first each dimension's values that
no verdict can tell apart are fused (so a rule file that mentions a code or a date without
changing any verdict splits nothing: the lock of a refactor is byte-identical), then boxes
with equal outcomes that differ in one dimension are merged, repeatedly. Each region
renders as one line, in a stable order, from the concrete values it covers.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from checker.engine import engine_for
from checker.errors import CheckerError, Location, Problem
from checker.evaluation.space import ANY, Outcome, Row, Space, build_space, run_class, tabulate
from checker.model.codes import country_of
from checker.model.dates import PolicyDate
from checker.model.rulebook import Rulebook
from checker.model.rules import Grant, InForce
from checker.model.scenario import Scenario
from checker.model.strike import Strike
from checker.model.terms import TARGET_KINDS
from checker.model.trace import Trace
from checker.read.rulebook import load_rulebook

NOT_IN_CATALOGUE = "not in catalogue"
NO_SUCH_READING = "no such reading"
LOCK_NAME = "policy.lock"

Point = tuple[Hashable, ...]
Box = tuple[frozenset[Hashable], ...]


def overall(verdicts: Iterable[str | None]) -> str | None:
    """The overall verdict from the readings' verdicts: theirs if they agree, else undetermined."""
    found = set(verdicts)
    if found == {None}:
        return None
    return found.pop() if len(found) == 1 else "undetermined"


# --------------------------------------------------------------------------- the grid


def dimensions(space: Space) -> tuple[str, ...]:
    """The grid's dimensions: one per strike fact, one per consent state, and the reading."""
    states = tuple(f"consent:{s}" for s in space.states)
    return ("weapon", "territory", "kind", "forces", "operator", "span", *states, "reading")


def _atoms(space: Space) -> tuple[tuple[Hashable, ...], ...]:
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
        self.atoms = _atoms(space)
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


# --------------------------------------------------------------------------- regions


@dataclass(frozen=True)
class Region:
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
    for axis in _atoms(space):
        points *= len(axis)
    if points <= GRID_LIMIT:
        grid = Grid(space)
        reading_dim = len(grid.sizes) - 1
        for row in rows:
            codes = list(_row_codes(grid, row, readings=False))
            for reading in space.readings:
                found = value(row, reading)
                base = grid.index[reading_dim][reading] * grid.strides[reading_dim]
                for code in codes:
                    grid.values[base + code] = found
        return regions(grid, keep)
    boxes: dict[tuple[Any, ...], Hashable] = {}
    for row in rows:
        axes = _row_axes(space, row)
        for reading in space.readings:
            found = value(row, reading)
            if keep(found):
                boxes[(*(tuple(axis) for axis in axes), (reading,))] = found
    merged = _greedy(boxes, len(_atoms(space)))
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
    atoms = _atoms(space)
    full = [set(values[i]) == set(atoms[i]) for i in range(len(values))]
    parts: list[str] = []
    if not full[0]:
        parts.append(
            _some(sorted(names(w) for w in values[0]), sorted(names(w) for w in atoms[0]), "weapon")
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


# --------------------------------------------------------------------------- the lock


LOCK_HEADER = (
    "# Policy lock: every class of strike and what this rulebook decides for it.\n"
    "# Generated by `checker lock`; `checker lock --check` fails when the rules no longer\n"
    "# match it. A change to this file is a change to what the policy means: review it.\n"
    "# One region per line: where · what · when · [readings:] verdict. Do not edit by hand.\n"
)


_LOCKS: dict[str, str] = {}


def lock_text(book: Rulebook) -> str:
    """The full semantic table of `book` as compact regions: deterministic, diff-friendly."""
    if book.fingerprint and book.fingerprint in _LOCKS:  # the fingerprint hashes the files
        return _LOCKS[book.fingerprint]
    text = _lock_text(book)
    if book.fingerprint:
        _LOCKS[book.fingerprint] = text
    return text


def _lock_text(book: Rulebook) -> str:
    space = build_space(book)
    found = table_regions(
        space, list(tabulate(space)), lambda row, r: dict(row.outcomes[0])[r], lambda _: True
    )
    lines = [region.line(str(region.outcome)) for region in found]
    readings = ", ".join(sorted(book.readings))
    return f"{LOCK_HEADER}# readings: {readings}\n\n" + "\n".join(lines) + "\n"


def lock_path(book: Rulebook, lock: str | Path | None = None) -> Path:
    return Path(lock) if lock is not None else Path(book.root) / LOCK_NAME


@dataclass(frozen=True)
class LockCheck:
    """Whether the lock file matches the rules, and the difference as a unified diff."""

    path: str
    ok: bool
    missing: bool
    diff: tuple[str, ...]  # unified diff lines, lock file -> rules
    regions: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "lock": self.path,
            "ok": self.ok,
            "missing": self.missing,
            "regions": self.regions,
            "diff": list(self.diff),
        }


def check_lock(book: Rulebook, lock: str | Path | None = None) -> LockCheck:
    import difflib

    path = lock_path(book, lock)
    expected = lock_text(book)
    count = sum(1 for line in expected.splitlines() if line and not line.startswith("#"))
    if not path.exists():
        return LockCheck(str(path), False, True, (), count)
    try:
        found = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CheckerError.at(Location(str(path)), f"cannot read the lock: {err}") from None
    diff = tuple(
        line.rstrip("\n")
        for line in difflib.unified_diff(
            found.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            fromfile=f"{path} (locked)",
            tofile=f"{path} (the rules now)",
            n=0,
        )
    )
    return LockCheck(str(path), found == expected, False, diff, count)


def write_lock(book: Rulebook, lock: str | Path | None = None) -> tuple[Path, bool]:
    """Write the lock; (its path, whether the file changed)."""
    path = lock_path(book, lock)
    text = lock_text(book)
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old != text:
        path.write_text(text, encoding="utf-8")
    return path, old != text


# --------------------------------------------------------------------------- the diff


@dataclass(frozen=True)
class ScenarioOutcome:
    """A scenario's verdict and readings under one rulebook, or why it could not be read."""

    verdict: str | None
    readings: tuple[tuple[str, str], ...] = ()
    error: str | None = None

    def __str__(self) -> str:
        if self.error is not None:
            return f"not evaluated ({self.error})"
        return str(self.verdict)


@dataclass(frozen=True)
class ScenarioChange:
    file: str
    scenario: str
    before: ScenarioOutcome
    after: ScenarioOutcome

    def describe(self) -> str:
        text = f"{self.before} → {self.after}"
        old, new = dict(self.before.readings), dict(self.after.readings)
        changed = [r for r in sorted({*old, *new}) if old.get(r) != new.get(r)]
        if changed and self.before.error is None and self.after.error is None:
            text += (
                " ("
                + ", ".join(
                    f"{r}: {old.get(r, NO_SUCH_READING)} → {new.get(r, NO_SUCH_READING)}"
                    for r in changed
                )
                + ")"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        def side(o: ScenarioOutcome) -> dict[str, Any]:
            return {"verdict": o.verdict, "readings": dict(o.readings), "error": o.error}

        return {
            "file": self.file,
            "scenario": self.scenario,
            "before": side(self.before),
            "after": side(self.after),
        }


@dataclass(frozen=True)
class SemanticDiff:
    """Every class whose verdict changes under some reading, as readable regions."""

    old: str
    new: str
    space: Space = field(repr=False)
    regions: tuple[Region, ...]
    classes: int  # classes in the joint table
    changed: int  # (class, reading) pairs whose verdict changes
    scenarios: tuple[ScenarioChange, ...] = ()
    scenarios_checked: int = 0

    @property
    def empty(self) -> bool:
        return not self.regions and not self.scenarios

    def contains(self, strike: Strike, reading: str) -> bool:
        """Whether the diff reports the class of this strike under this reading."""
        point = point_of(self.space, strike, reading)
        return any(region.contains(point) for region in self.regions)

    def lines(self) -> list[str]:
        return [region.line(_change_text(region.outcome)) for region in self.regions]

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "changed": not self.empty,
            "classes": self.classes,
            "changed_classes": self.changed,
            "regions": [
                {
                    "where": list(r.where),
                    "readings": r.readings or "every reading",
                    "before": _pair(r.outcome)[0],
                    "after": _pair(r.outcome)[1],
                    "line": r.line(_change_text(r.outcome)),
                }
                for r in self.regions
            ],
            "scenarios_checked": self.scenarios_checked,
            "scenarios": [change.to_dict() for change in self.scenarios],
        }


def _verdict(outcome: Outcome, reading: str) -> str:
    found = dict(outcome)
    if reading not in found:
        return NO_SUCH_READING
    return found[reading] or NOT_IN_CATALOGUE


def _pair(outcome: Hashable) -> tuple[str, str]:
    assert isinstance(outcome, tuple)
    return str(outcome[0]), str(outcome[1])


def _change_text(outcome: Hashable) -> str:
    before, after = _pair(outcome)
    return f"{before} → {after}"


def semantic_diff(
    old: Rulebook, new: Rulebook, scenarios: Sequence[tuple[str, str]] = ()
) -> SemanticDiff:
    """The exact semantic diff of two rulebooks, and the scenarios (name, text) that change."""
    space = build_space(old, new)
    rows = list(tabulate(space))

    def change(row: Row, reading: str) -> Hashable:
        before, after = (_verdict(outcome, reading) for outcome in row.outcomes)
        return (before, after) if before != after else None

    found = table_regions(space, rows, change, lambda value: value is not None)
    changed = sum(
        1
        for row in rows
        for reading in space.readings
        if dict(row.outcomes[0]).get(reading, NO_SUCH_READING)
        != dict(row.outcomes[1]).get(reading, NO_SUCH_READING)
    )
    changes = corpus_changes(old, new, scenarios)
    return SemanticDiff(
        old.root, new.root, space, tuple(found), len(rows), changed, changes, len(scenarios)
    )


def scenario_outcome(book: Rulebook, name: str, text: str) -> ScenarioOutcome:
    from checker.evaluation.scenario import evaluate
    from checker.read.scenario import parse_scenario

    try:
        scenario = parse_scenario(text, name, book)
    except CheckerError as err:
        return ScenarioOutcome(None, error=err.problems[0].message)
    verdict = evaluate(book, scenario, file=name)
    return ScenarioOutcome(verdict.verdict, tuple(verdict.readings.items()))


def corpus_changes(
    old: Rulebook, new: Rulebook, scenarios: Sequence[tuple[str, str]]
) -> tuple[ScenarioChange, ...]:
    """Scenarios whose verdict or readings' verdicts differ between the two rulebooks.

    A scenario neither rulebook can read is bad input (CheckerError).
    """
    changes: list[ScenarioChange] = []
    problems: list[Problem] = []
    for name, text in scenarios:
        before, after = scenario_outcome(old, name, text), scenario_outcome(new, name, text)
        if before.error is not None and after.error is not None:
            problems.append(Problem(Location(name), before.error))
            continue
        if before != after:
            changes.append(ScenarioChange(name, _scenario_name(name, text), before, after))
    if problems:
        raise CheckerError(problems)
    return tuple(changes)


def _scenario_name(name: str, text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return Path(name).stem
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, str) else Path(name).stem


def read_corpus(folder: str | Path | None) -> list[tuple[str, str]]:
    """Every scenario file under `folder` as (path, text); None or no folder: none."""
    from checker.read.scenario import scenario_files
    from checker.read.sourcemap import read_text

    if folder is None:
        return []
    found: list[tuple[str, str]] = []
    for item in scenario_files([folder]):
        if isinstance(item, Problem):
            raise CheckerError([item])
        found.append((str(item), read_text(item)))
    return found


# --------------------------------------------------------------------------- git


@contextmanager
def rules_at(ref: str, rules: str | Path) -> Iterator[Path]:
    """The rules folder as committed at `ref`, extracted into a temporary folder.

    Reads git objects only (`git archive`): the working tree and index are never touched.
    """
    folder = Path(rules).resolve()
    where = folder if folder.is_dir() else Path.cwd()
    top = _git(["rev-parse", "--show-toplevel"], where, ref).strip()
    try:
        relative = folder.relative_to(Path(top).resolve()).as_posix()
    except ValueError:
        raise CheckerError.at(
            Location(str(rules)), f"the rules folder is not inside the git repository {top}"
        ) from None
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], Path(top), ref)
    with tempfile.TemporaryDirectory(prefix="checker-") as tmp:
        archive = Path(tmp) / "rules.tar"
        with archive.open("wb") as out:
            result = subprocess.run(
                ["git", "archive", "--format=tar", ref, "--", relative],
                cwd=top,
                stdout=out,
                stderr=subprocess.PIPE,
                check=False,
            )
        if result.returncode != 0:
            message = result.stderr.decode(errors="replace").strip().splitlines()
            raise CheckerError.at(
                Location(ref),
                f"no rules folder '{relative}' at {ref}" + (f" ({message[-1]})" if message else ""),
            )
        with tarfile.open(archive) as tar:
            tar.extractall(Path(tmp) / "tree", filter="data")
        yield Path(tmp) / "tree" / relative


def _git(args: list[str], cwd: Path, ref: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
        )
    except OSError as err:
        raise CheckerError.at(Location("git"), f"cannot run git: {err}") from None
    if result.returncode != 0:
        said = (result.stderr.strip().splitlines() or ["unknown revision"])[-1]
        if args[0] == "rev-parse" and "--show-toplevel" in args:
            raise CheckerError.at(Location(str(cwd)), f"not in a git repository ({said})")
        raise CheckerError.at(Location(ref), f"not a commit: {said}")
    return result.stdout


def load_rules_at(ref: str, rules: str | Path) -> Rulebook:
    """The rulebook as committed at `ref`; problems are located as `REF:path`."""
    label = f"{ref}:{Path(rules).as_posix().rstrip('/')}"
    with rules_at(ref, rules) as folder:
        try:
            book = load_rulebook(folder)
        except CheckerError as err:
            raise CheckerError(
                dataclasses.replace(
                    p,
                    location=dataclasses.replace(
                        p.location, file=p.location.file.replace(str(folder), label)
                    ),
                )
                for p in err.problems
            ) from None
    return dataclasses.replace(book, root=label)


# --------------------------------------------------------------------------- mutants


@dataclass(frozen=True)
class Mutant:
    """The rulebook with one systematic semantic change."""

    rule: str
    change: str
    rulebook: Rulebook = field(repr=False, compare=False)
    weapons: tuple[str, ...] | None = None  # the only weapons whose strikes it can change

    @property
    def name(self) -> str:
        return f"{self.rule}: {self.change}"


def _dates(day: PolicyDate, months: bool) -> Iterator[tuple[str, PolicyDate]]:
    if day.precision == "day":
        yield "-1 day", PolicyDate(day.first - timedelta(days=1))
        yield "+1 day", PolicyDate(day.first + timedelta(days=1))
        if months:
            yield "known only to the month", PolicyDate(day.first.replace(day=1), "month")
    else:
        before = (day.first - timedelta(days=1)).replace(day=1)
        after = day.last + timedelta(days=1)
        yield "-1 month", PolicyDate(before, "month")
        yield "+1 month", PolicyDate(after, "month")
        yield "known to the day (first)", PolicyDate(day.first)
        yield "known to the day (last)", PolicyDate(day.last)


def _in_force(span: InForce, months: bool) -> Iterator[tuple[str, InForce]]:
    for name, attr in (("from", "from_"), ("until", "until")):
        value = getattr(span, attr)
        if value is None:
            continue
        for how, moved in _dates(value, months):
            if moved.precision == "month" and moved == value:
                continue
            yield f"{name} {value} → {moved} ({how})", replace(span, **{attr: moved})


def _listed(
    name: str,
    values: Sequence[str],
    others: Iterable[str],
    *,
    keep_one: bool,
    covered: Callable[[str], bool] = lambda _: False,
) -> Iterator[tuple[str, list[str] | None]]:
    """Each value dropped (the last one too unless `keep_one`: None), each other one added
    unless the rule already `covered` it (adding it could not change anything)."""
    for value in values:
        rest = [v for v in values if v != value]
        if rest or not keep_one:
            yield f"{name} {value} dropped", rest or None
    for other in others:
        if other not in values and not covered(other):
            yield f"{name} {other} added", [*values, other]


def _territory_pool(book: Rulebook) -> list[str]:
    codes: set[str] = set()
    for grant in book.grants:
        codes.update(grant.territories)
        for override in grant.readings.values():
            codes.update(override.territories or ())
    for rule in book.baseline:
        codes.update(rule.when.territories or ())
    for restriction in book.restrictions:
        codes.update(restriction.territories)
    return sorted(codes | {country_of(code) for code in codes})


def _grant_parts(
    book: Rulebook, part: Grant | Any, months: bool = True
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Mutations of a grant or a reading override: (change, model_copy update)."""
    forces_pool = sorted(
        {f for g in book.grants for c in g.targets for f in c.forces or ()}
        | {
            f
            for g in book.grants
            for o in g.readings.values()
            for c in o.targets or ()
            for f in c.forces or ()
        }
    )
    if part.in_force is not None:
        for change, span in _in_force(part.in_force, months):
            yield f"in_force {change}", {"in_force": span}
    if part.territories is not None:
        pool = _territory_pool(book)
        countries = set(part.territories)
        for change, codes in _listed(
            "territory",
            part.territories,
            pool,
            keep_one=True,
            covered=lambda code: country_of(code) in countries,  # a subdivision of a listed country
        ):
            yield change, {"territories": codes}
    clauses = part.targets or ()
    for index, clause in enumerate(clauses):
        where = f"targets[{index}]"
        # Another clause matching a kind whatever the forces already gives every consent
        # this clause could give it.
        unconditional = {
            k for i, c in enumerate(clauses) if i != index and c.forces is None for k in c.kinds
        }
        for change, kinds in _listed(
            "kind", clause.kinds, TARGET_KINDS, keep_one=True, covered=unconditional.__contains__
        ):
            yield f"{where} {change}", {"targets": _with(clauses, index, kinds=kinds)}
        if clause.forces is None:
            for code in forces_pool:
                yield (
                    f"{where} forces condition [{code}] added",
                    {"targets": _with(clauses, index, forces=[code])},
                )
        else:
            for change, forces in _listed("forces", clause.forces, forces_pool, keep_one=False):
                yield f"{where} {change}", {"targets": _with(clauses, index, forces=forces)}


def _with(clauses: Sequence[Any], index: int, **update: Any) -> list[Any]:
    return [replace(c, **update) if i == index else c for i, c in enumerate(clauses)]


def mutants(book: Rulebook) -> list[Mutant]:
    """Systematic semantic mutants: dates ±1 day (or month) and their precision, listed
    kinds, territories, forces and weapons dropped or another added, consent requirements
    dropped, readings swapped, baseline effects flipped.

    Restrictions are not mutated: they only say why a missing consent is missing (the
    reasons cite them); no verdict depends on them, so every such mutant is equivalent.
    """
    made: list[Mutant] = []
    base = book.fingerprint or f"id{id(book)}"

    def add(rule: str, change: str, scope: Iterable[str] | None = None, **sections: Any) -> None:
        mutant = dataclasses.replace(
            book, **sections, fingerprint=f"{base}~m{len(made)}", _names={}
        )
        made.append(
            Mutant(rule, change, mutant, None if scope is None else tuple(sorted(set(scope))))
        )

    def swap(seq: tuple[Any, ...], index: int, new: Any) -> tuple[Any, ...]:
        return tuple(new if i == index else old for i, old in enumerate(seq))

    weapon_ids = [w.id for w in book.weapons]
    for wi, weapon in enumerate(book.weapons):
        for state in weapon.consent_required:
            rest = [s for s in weapon.consent_required if s != state]
            lighter = replace(weapon, consent_required=rest)
            add(
                weapon.id,
                f"consent of {state} no longer required",
                [weapon.id],
                weapons=swap(book.weapons, wi, lighter),
            )
    for gi, grant in enumerate(book.grants):
        granted = [w.id for w in book.weapons if grant.grantor in w.consent_required]
        scope = grant.weapons
        for change, ids in _listed("weapon", grant.weapons, granted, keep_one=True):
            assert ids is not None  # keep_one: a grant keeps at least one weapon
            changed = replace(grant, weapons=ids)
            add(grant.id, change, [*scope, *(ids or ())], grants=swap(book.grants, gi, changed))
        for change, update in _grant_parts(book, grant):
            changed = replace(grant, **update)
            add(grant.id, change, scope, grants=swap(book.grants, gi, changed))
        for reading, override in grant.readings.items():
            for change, update in _grant_parts(book, override):
                readings = {**grant.readings, reading: replace(override, **update)}
                changed = replace(grant, readings=readings)
                add(grant.id, f"[{reading}] {change}", scope, grants=swap(book.grants, gi, changed))
        for first, second in itertools.combinations(book.readings, 2):
            a, b = grant.readings.get(first), grant.readings.get(second)
            if a == b:
                continue
            swapped = {k: v for k, v in grant.readings.items() if k not in (first, second)}
            if b is not None:
                swapped[first] = b
            if a is not None:
                swapped[second] = a
            changed = replace(grant, readings=swapped)
            add(
                grant.id,
                f"readings {first} and {second} swapped",
                scope,
                grants=swap(book.grants, gi, changed),
            )
    countries = sorted({country_of(code) for code in _territory_pool(book)})
    for bi, rule in enumerate(book.baseline):
        for then in ("permitted", "prohibited", "undetermined", "consent"):
            if then != rule.then:
                changed_rule = replace(rule, then=then)
                add(
                    rule.id,
                    f"then {rule.then} → {then}",
                    baseline=swap(book.baseline, bi, changed_rule),
                )
        lists: tuple[tuple[str, str, Sequence[str]], ...] = (
            ("kinds", "kind", TARGET_KINDS),
            ("territories", "territory", countries),
            ("operators", "operator", ()),
            ("weapons", "weapon", weapon_ids),
        )
        for attr, noun, pool in lists:
            values = getattr(rule.when, attr)
            if values is None:
                continue
            for change, listed in _listed(noun, values, pool, keep_one=False):
                when = replace(rule.when, **{attr: listed})
                changed_rule = replace(rule, when=when)
                add(rule.id, f"when {change}", baseline=swap(book.baseline, bi, changed_rule))
        for change, span in _in_force(rule.in_force, months=False):
            changed_rule = replace(rule, in_force=span)
            add(rule.id, f"in_force {change}", baseline=swap(book.baseline, bi, changed_rule))
    return made


@dataclass(frozen=True)
class MutantResult:
    """What became of one mutant.

    status: `detected` (a corpus scenario's verdict changes, so `checker test` fails),
    `survived` (some verdict changes, but no scenario of the corpus shows it),
    `lock-only` (only which reading says what changes, never an overall verdict: a scenario
    pins overall verdicts only, so the policy lock is what catches it), or `equivalent`
    (no verdict changes anywhere: discarded).
    """

    mutant: Mutant
    status: str
    by: str | None = None  # the scenario that detects it
    regions: tuple[str, ...] = ()  # where overall verdicts change (for survivors)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mutant": self.mutant.name,
            "rule": self.mutant.rule,
            "change": self.mutant.change,
            "status": self.status,
            "detected_by": self.by,
            "regions": list(self.regions),
        }


@dataclass(frozen=True)
class MutationReport:
    results: tuple[MutantResult, ...]
    scenarios: int

    def having(self, status: str) -> list[MutantResult]:
        return [r for r in self.results if r.status == status]

    @property
    def score(self) -> float:
        """Detected mutants over all mutants whose overall verdicts differ somewhere."""
        detected, survived = len(self.having("detected")), len(self.having("survived"))
        return 1.0 if detected + survived == 0 else detected / (detected + survived)

    @property
    def ok(self) -> bool:
        return not self.having("survived")

    def to_dict(self) -> dict[str, Any]:
        return {
            "mutants": len(self.results),
            "detected": len(self.having("detected")),
            "survived": len(self.having("survived")),
            "lock_only": len(self.having("lock-only")),
            "equivalent": len(self.having("equivalent")),
            "score": round(self.score, 4),
            "scenarios": self.scenarios,
            "results": [r.to_dict() for r in self.results],
        }


def mutation_report(
    book: Rulebook,
    corpus: Sequence[tuple[str, str]],
    progress: Callable[[int, int], None] | None = None,
    select: Callable[[Mutant], bool] | None = None,
) -> MutationReport:
    """Apply every mutant; detection evaluates only the corpus, the whole-space diff is run
    only for the mutants the corpus misses (to tell survivors from equivalent ones)."""
    from checker.read.scenario import parse_scenario, strike_of

    parsed: list[tuple[str, Scenario]] = []
    problems: list[Problem] = []
    for name, text in corpus:
        try:
            scenario = parse_scenario(text, name, book)
        except CheckerError as err:
            problems.extend(err.problems)
            continue
        if scenario.expect is not None:
            parsed.append((name, scenario))
    if problems:
        raise CheckerError(problems)
    engine = engine_for(book)
    strikes = [(name, scenario, strike_of(book, scenario)) for name, scenario in parsed]
    baseline = {
        name: overall(next(iter(engine.run(strike, r).verdicts)) for r in book.readings)
        for name, _, strike in strikes
    }
    results: list[MutantResult] = []
    made = [m for m in mutants(book) if select is None or select(m)]
    memo: dict[Strike, tuple[Outcome, bool]] = {}

    def run(which: Rulebook, strike: Strike) -> tuple[Outcome, bool]:
        if which is not book:
            return run_class(which, strike)
        found = memo.get(strike)
        if found is None:
            found = memo[strike] = run_class(book, strike)
        return found

    for number, mutant in enumerate(made):
        if progress is not None:
            progress(number, len(made))
        results.append(_judge(book, mutant, strikes, baseline, run))
    return MutationReport(tuple(results), len(parsed))


def _judge(
    book: Rulebook,
    mutant: Mutant,
    strikes: Sequence[tuple[str, Scenario, Strike]],
    baseline: dict[str, str | None],
    run: Callable[[Rulebook, Strike], tuple[Outcome, bool]],
) -> MutantResult:
    engine = engine_for(mutant.rulebook)  # cached (a few): the diff below reuses it
    for name, _, strike in strikes:
        verdicts = [next(iter(engine.run(strike, r).verdicts)) for r in book.readings]
        if overall(verdicts) != baseline[name]:
            return MutantResult(mutant, "detected", by=name)
    space = build_space(book, mutant.rulebook)
    if mutant.weapons is not None:  # exact: no other weapon's strikes read the changed rule
        space.weapons = tuple(w for w in space.weapons if w in mutant.weapons)
    rows = list(tabulate(space, run))
    per_reading = any(row.outcomes[0] != row.outcomes[1] for row in rows)
    if not per_reading:
        return MutantResult(mutant, "equivalent")

    def change(row: Row, reading: str) -> Hashable:  # overall verdicts: every reading alike
        before = overall(v for _, v in row.outcomes[0])
        after = overall(v for _, v in row.outcomes[1])
        return (before, after) if before != after else None

    found = table_regions(space, rows, change, lambda value: value is not None)
    if not found:
        return MutantResult(mutant, "lock-only")
    return MutantResult(
        mutant, "survived", regions=tuple(r.line(_change_text(r.outcome)) for r in found)
    )


def _row_axes(space: Space, row: Row) -> list[tuple[Hashable, ...]]:
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


def _row_codes(grid: Grid, row: Row, *, readings: bool = True) -> Iterator[int]:
    axes = [grid.offsets(i, atoms) for i, atoms in enumerate(_row_axes(grid.space, row))]
    if readings:
        axes.append(grid.offsets(len(grid.sizes) - 1, grid.space.readings))
    for combination in itertools.product(*axes):
        yield sum(combination)


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class CoverageItem:
    """Something a scenario corpus should exercise: a rule, a condition or a date boundary."""

    kind: str  # rule | condition | boundary
    rule: str
    what: str

    def __str__(self) -> str:
        return f"{self.kind} {self.rule}: {self.what}"


@dataclass(frozen=True)
class Coverage:
    items: tuple[CoverageItem, ...]
    exercised: frozenset[CoverageItem]

    @property
    def missing(self) -> list[CoverageItem]:
        return [item for item in self.items if item not in self.exercised]

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


# --------------------------------------------------------------------------- test reports


@dataclass(frozen=True)
class TestCase:
    """One scenario file's result under `checker test`."""

    file: str
    scenario: str | None
    status: str  # passed | failed | skipped | error
    expect: str | None = None
    verdict: str | None = None
    readings: tuple[tuple[str, str], ...] = ()
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "scenario": self.scenario,
            "status": self.status,
            "expect": self.expect,
            "verdict": self.verdict,
            "readings": dict(self.readings),
            "message": self.message,
        }


@dataclass(frozen=True)
class TestReport:
    cases: tuple[TestCase, ...]
    coverage: Coverage | None = None

    def count(self, status: str) -> int:
        return sum(1 for case in self.cases if case.status == status)

    def summary(self) -> str:
        text = f"{self.count('passed')} passed, {self.count('failed')} failed"
        if self.count("skipped"):
            text += f", {self.count('skipped')} skipped"
        if self.count("error"):
            text += f", {self.count('error')} not evaluated (bad input)"
        return text

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "passed": self.count("passed"),
            "failed": self.count("failed"),
            "skipped": self.count("skipped"),
            "errors": self.count("error"),
            "cases": [case.to_dict() for case in self.cases],
        }
        if self.coverage is not None:
            data["coverage"] = self.coverage.to_dict()
        return data


def junit_xml(report: TestReport) -> str:
    """JUnit XML: one test case per scenario file, classname its folder."""
    suite = ElementTree.Element(
        "testsuite",
        name="checker",
        tests=str(len(report.cases)),
        failures=str(report.count("failed")),
        errors=str(report.count("error")),
        skipped=str(report.count("skipped")),
    )
    for case in report.cases:
        path = Path(case.file)
        element = ElementTree.SubElement(
            suite,
            "testcase",
            classname=".".join(path.parent.parts) or "scenarios",
            name=path.name,
            file=case.file,
        )
        if case.status == "failed":
            failure = ElementTree.SubElement(
                element, "failure", message=f"expected {case.expect}, got {case.verdict}"
            )
            failure.text = case.message
        elif case.status == "error":
            error = ElementTree.SubElement(element, "error", message="bad input")
            error.text = case.message
        elif case.status == "skipped":
            ElementTree.SubElement(element, "skipped", message="no expect in the scenario")
    ElementTree.indent(suite)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + ElementTree.tostring(suite, encoding="unicode")
        + "\n"
    )


# --------------------------------------------------------------------------- renderers


def diff_text(diff: SemanticDiff) -> str:
    lines = [f"semantic diff {diff.old} → {diff.new}"]
    if diff.regions:
        pairs = diff.classes * len(diff.space.readings)
        lines.append(
            f"{diff.changed} of {pairs} (class, reading) verdicts change, "
            f"in {len(diff.regions)} region{'s' if len(diff.regions) != 1 else ''}:"
        )
        lines.extend(f"  {line}" for line in diff.lines())
    else:
        lines.append(f"no verdict changes in any of {diff.classes} classes")
    if diff.scenarios:
        lines.append(f"scenarios whose verdict changes ({len(diff.scenarios)}):")
        lines.extend(f"  {c.file}: {c.describe()}" for c in diff.scenarios)
    elif diff.scenarios_checked:
        lines.append(f"no scenario of {diff.scenarios_checked} changes")
    return "\n".join(lines) + "\n"


def diff_markdown(diff: SemanticDiff) -> str:
    lines = [f"### Policy diff: `{diff.old}` → `{diff.new}`", ""]
    if diff.regions:
        pairs = diff.classes * len(diff.space.readings)
        lines.append(
            f"**{len(diff.regions)} region(s)** change ({diff.changed} of {pairs} "
            "(class, reading) verdicts):"
        )
        lines.append("")
        lines += ["| where | readings | before | after |", "|---|---|---|---|"]
        for r in diff.regions:
            before, after = _pair(r.outcome)
            where = " · ".join(r.where) or "any strike"
            lines.append(f"| {_cell(where)} | {r.readings or 'every'} | {before} | **{after}** |")
    else:
        lines.append(f"No verdict changes in any of {diff.classes} classes.")
    lines.append("")
    if diff.scenarios:
        lines += ["**Scenarios whose verdict changes**", "", "| scenario | change |", "|---|---|"]
        lines += [f"| `{c.file}` | {_cell(c.describe())} |" for c in diff.scenarios]
    elif diff.scenarios_checked:
        lines.append(f"No scenario of {diff.scenarios_checked} changes.")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def lock_check_text(check: LockCheck) -> str:
    if check.ok:
        return f"{check.path} is up to date ({check.regions} regions)\n"
    if check.missing:
        return f"{check.path} does not exist: run `checker lock` to write it\n"
    lines = [
        f"{check.path} no longer matches the rules: run `checker lock` and commit the "
        + "change (what the policy now means, as regions):"
    ]
    lines += [f"  {line}" for line in check.diff]
    return "\n".join(lines) + "\n"


def lock_check_markdown(check: LockCheck) -> str:
    if check.ok:
        return f"### Policy lock\n\n`{check.path}` is up to date ({check.regions} regions).\n"
    if check.missing:
        return f"### Policy lock\n\n`{check.path}` is missing: run `checker lock`.\n"
    body = "\n".join(check.diff)
    return (
        f"### Policy lock\n\n`{check.path}` no longer matches the rules: run `checker lock` "
        f"and commit it.\n\n```diff\n{body}\n```\n"
    )


def mutation_text(report: MutationReport, verbose: bool = False) -> str:
    data = report.to_dict()
    counted = data["detected"] + data["survived"]
    lines = [
        f"{data['mutants']} mutants: {data['detected']} detected by the scenarios, "
        + f"{data['survived']} survived, {data['lock_only']} caught only by the policy lock, "
        + f"{data['equivalent']} equivalent (discarded)",
        f"mutation score: {report.score:.0%} ({data['detected']}/{counted}) "
        + f"over {report.scenarios} scenarios with `expect`",
    ]
    for result in report.having("survived"):
        lines.append(f"SURVIVED {result.mutant.name}")
        lines.append("  no scenario falls where it changes verdicts, e.g.:")
        lines.extend(f"    {line}" for line in result.regions[:3])
    for result in report.having("lock-only"):
        lines.append(f"lock only: {result.mutant.name} (changes per-reading verdicts only)")
    if verbose:
        for result in report.results:
            if result.status in ("detected", "equivalent"):
                by = f" by {result.by}" if result.by else ""
                lines.append(f"{result.status}{by}: {result.mutant.name}")
    return "\n".join(lines) + "\n"


def mutation_markdown(report: MutationReport) -> str:
    data = report.to_dict()
    lines = [
        "### Mutation score",
        "",
        f"**{report.score:.0%}** ({data['detected']} of {data['detected'] + data['survived']} "
        + f"mutants detected by {report.scenarios} scenarios; {data['lock_only']} caught only "
        + f"by the policy lock; {data['equivalent']} equivalent mutants discarded)",
        "",
    ]
    if report.having("survived") or report.having("lock-only"):
        lines += ["| mutant | status | where it changes verdicts |", "|---|---|---|"]
        for result in (*report.having("survived"), *report.having("lock-only")):
            where = "<br>".join(_cell(r) for r in result.regions[:3])
            lines.append(f"| `{result.mutant.name}` | {result.status} | {where} |")
    return "\n".join(lines) + "\n"


def coverage_text(found: Coverage) -> str:
    lines = [f"coverage: {len(found.exercised)} of {len(found.items)} items exercised"]
    if found.missing:
        lines.append("not exercised by any scenario:")
        lines.extend(f"  {item}" for item in found.missing)
    return "\n".join(lines) + "\n"


def test_markdown(report: TestReport) -> str:
    lines = ["### Scenario tests", "", f"**{report.summary()}**", ""]
    bad = [c for c in report.cases if c.status in ("failed", "error")]
    if bad:
        lines += ["| scenario | expected | got | readings |", "|---|---|---|---|"]
        for case in bad:
            readings = ", ".join(f"{r} {v}" for r, v in case.readings)
            got = case.verdict or _cell(case.message)
            lines.append(f"| `{case.file}` | {case.expect or ''} | {got} | {readings} |")
        lines.append("")
    if report.coverage is not None:
        cov = report.coverage
        lines.append(f"**Coverage:** {len(cov.exercised)} of {len(cov.items)} items exercised")
        lines.append("")
        lines.extend(f"- not exercised: {item}" for item in cov.missing)
        lines.append("")
    return "\n".join(lines) + "\n"
