"""The finite scenario space: classes of strikes that every rule of a rulebook treats alike.

The compiled rules test a strike only through a few kinds of predicate: weapon id, kind in
a listed set, country or subdivision in a listed set, whether a subdivision is given,
operator in a listed set, the day against constant dates, forces given / non-empty and
within a listed set, and which states are assumed to consent. Splitting each dimension at
exactly the values and dates the rulebooks mention therefore gives classes inside which
every predicate - and so every verdict - is constant. One representative per class,
evaluated by the engine, stands for the whole class: the space is exact, and small.

Two pruning steps keep it small, both exact by construction of the rule language:
baseline rules cannot read forces or assumed consents, so when the regime is not the
consent regime those two dimensions do not matter; and an assumed consent matters only
for a state the weapon requires.

One abstraction serves diff, lock, mutate, why-not, timeline and the memoised batch path.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, timedelta
from functools import cached_property

from msgspec import Struct, field

from checker.model.codes import country_of, subdivisions_of
from checker.model.rulebook import Rulebook
from checker.model.rules import BaselineRule, InForce, Restriction
from checker.model.strike import Strike
from checker.model.terms import TARGET_KINDS
from checker.model.trace import Trace

ANY = "*"


# --------------------------------------------------------------------------- dimensions


class Span(Struct, frozen=True, order=True):
    """Days from `start` (inclusive) to `end` (exclusive); None is unbounded."""

    start: date | None
    end: date | None

    @property
    def representative(self) -> date:
        if self.start is not None:
            return self.start
        if self.end is None:  # no rule mentions a date: any day stands for all
            return date(2024, 1, 1)
        return self.end - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day < self.end)

    @property
    def last(self) -> date | None:
        return None if self.end is None else self.end - timedelta(days=1)

    def __str__(self) -> str:
        if self.start is None and self.end is None:
            return "any date"
        if self.start is None:
            return f"until {self.last}"
        if self.end is None:
            return f"from {self.start}"
        if self.start == self.last:
            return f"on {self.start}"
        return f"{self.start} to {self.last}"


class Territory(Struct, frozen=True, order=True):
    """A territory class: one code, a country given only at country level, or 'any other'."""

    key: str  # RU-KRS | RU | RU-* | *
    representative: str

    def __str__(self) -> str:
        if self.key == ANY:
            return "any other country"
        if self.key.endswith("-*"):
            return f"any other {self.key[:-2]} subdivision"
        if "-" not in self.key:
            return f"{self.key} (country level)"
        return self.key


class Forces(Struct, frozen=True, order=True):
    """A forces class: absent, empty, a set within the codes rules name, or 'other'."""

    key: str  # absent | empty | KP+RU | other
    representative: tuple[str, ...] | None

    def __str__(self) -> str:
        if self.key in ("absent", "empty"):
            return f"forces {self.key}"
        if self.key == "other":
            return "forces include others"
        return f"forces {self.key.replace('+', '/')}"


class Cell(Struct, frozen=True, order=True):
    """One class of strikes; `forces` or `consents` None when they cannot matter."""

    weapon: str
    kinds: tuple[str, ...]
    territory: Territory
    operator: str  # a code, or ANY
    span: Span
    forces: Forces | None
    consents: tuple[str, ...] | None

    def strike(self, space: Space) -> Strike:
        """The representative strike of this class."""
        return Strike(
            weapon=self.weapon,
            kind=self.kinds[0],
            territory=self.territory.representative,
            operator=space.operator_representative if self.operator == ANY else self.operator,
            day=self.span.representative,
            forces=self.forces.representative if self.forces else None,
            consents=self.consents or (),
        )


# --------------------------------------------------------------------------- the space


class Space(Struct, dict=True):
    """The partition of every dimension, from what one or more rulebooks mention."""

    rulebooks: tuple[Rulebook, ...]
    weapons: tuple[str, ...] = ()
    kinds: tuple[tuple[str, ...], ...] = ()
    territories: tuple[Territory, ...] = ()
    operators: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()
    forces: tuple[Forces, ...] = ()
    states: tuple[str, ...] = ()
    boundaries: tuple[date, ...] = ()
    operator_representative: str = "AD"
    _territory_index: dict[str, Territory] = field(default_factory=dict)

    @cached_property
    def readings(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r for book in self.rulebooks for r in book.readings))

    # ---- classifying a concrete strike (the memoised batch path uses this)

    def territory_of(self, code: str) -> Territory:
        found = self._territory_index.get(code)
        if found is not None:
            return found
        country = country_of(code)
        found = self._territory_index.get(f"{country}-*" if "-" in code else country)
        return found or self._territory_index[ANY]

    def span_of(self, day: date) -> Span:
        for span in self.spans:
            if span.contains(day):
                return span
        raise AssertionError(f"{day} is in no span")  # the spans cover every day

    def kinds_of(self, kind: str) -> tuple[str, ...]:
        return next(group for group in self.kinds if kind in group)

    def forces_of(self, forces: tuple[str, ...] | None) -> Forces:
        if forces is None:
            return self.forces[0]
        if not forces:
            return self.forces[1]
        key = "+".join(sorted(set(forces)))
        return next((f for f in self.forces if f.key == key), self.forces[-1])

    def cell_of(self, strike: Strike) -> Cell:
        """The full class of a strike (no dimension pruned): a key for memoising verdicts."""
        required = self.required_states(strike.weapon)
        return Cell(
            weapon=strike.weapon,
            kinds=self.kinds_of(strike.kind),
            territory=self.territory_of(strike.territory),
            operator=strike.operator if strike.operator in self.operators else ANY,
            span=self.span_of(strike.day),
            forces=self.forces_of(strike.forces),
            consents=tuple(s for s in required if s in strike.consents),
        )

    def required_states(self, weapon: str) -> tuple[str, ...]:
        states: set[str] = set()
        for book in self.rulebooks:
            found = [w for w in book.weapons if w.id == weapon]
            states.update(found[0].consent_required if found else ())
        return tuple(sorted(states))

    def forces_matter(self, weapon: str, kinds: tuple[str, ...]) -> bool:
        """Whether any grant (any reading, any rulebook) conditions on forces for this class."""
        for book in self.rulebooks:
            for reading in book.readings:
                for grant in book.grants_under(reading):
                    if weapon not in grant.weapons:
                        continue
                    for clause in grant.targets:
                        if clause.forces is not None and kinds[0] in clause.kinds:
                            return True
        return False

    # ---- enumerating the classes

    def base_cells(self) -> Iterator[Cell]:
        """Every class with forces absent and no consent assumed (the regime's dimensions)."""
        for weapon, kinds, territory, operator, span in itertools.product(
            self.weapons, self.kinds, self.territories, (*self.operators, ANY), self.spans
        ):
            yield Cell(weapon, kinds, territory, operator, span, None, None)

    def refinements(self, base: Cell) -> Iterator[Cell]:
        """The classes within a base cell when the consent regime applies."""
        forces: Sequence[Forces | None] = (
            self.forces if self.forces_matter(base.weapon, base.kinds) else (None,)
        )
        states = self.required_states(base.weapon)
        subsets = [c for n in range(len(states) + 1) for c in itertools.combinations(states, n)]
        for force, consents in itertools.product(forces, subsets):
            yield Cell(
                base.weapon, base.kinds, base.territory, base.operator, base.span, force, consents
            )

    def size(self) -> int:
        """The number of classes before pruning (for reports)."""
        per_weapon: int = sum(2 ** len(self.required_states(w)) for w in self.weapons)
        return (
            per_weapon
            * len(self.kinds)
            * len(self.territories)
            * (len(self.operators) + 1)
            * len(self.spans)
            * len(self.forces)
        )


def build_space(*rulebooks: Rulebook) -> Space:
    """Partition every dimension at what any of the rulebooks mentions."""
    space = Space(rulebooks=tuple(rulebooks))
    space.weapons = tuple(dict.fromkeys(w.id for book in rulebooks for w in book.weapons))
    space.kinds = _kind_groups(rulebooks)
    space.territories = _territories(rulebooks)
    space._territory_index = {t.key: t for t in space.territories}
    space.operators = tuple(
        sorted(
            {
                code
                for book in rulebooks
                for rule in book.baseline
                for code in rule.when.operators or ()
            }
        )
    )
    space.operator_representative = _unmentioned_country(set(space.operators))
    space.boundaries = _boundaries(rulebooks)
    space.spans = _spans(space.boundaries)
    space.forces = _forces(rulebooks)
    space.states = tuple(
        sorted({s for book in rulebooks for w in book.weapons for s in w.consent_required})
    )
    return space


def _kind_sets(rulebooks: Iterable[Rulebook]) -> list[frozenset[str]]:
    sets: list[frozenset[str]] = []
    for book in rulebooks:
        sets += [frozenset(r.when.kinds) for r in book.baseline if r.when.kinds]
        for reading in book.readings:
            for grant in book.grants_under(reading):
                sets += [frozenset(clause.kinds) for clause in grant.targets]
    return sets


def _kind_groups(rulebooks: Sequence[Rulebook]) -> tuple[tuple[str, ...], ...]:
    sets = _kind_sets(rulebooks)
    groups: dict[tuple[bool, ...], list[str]] = {}
    for kind in TARGET_KINDS:
        groups.setdefault(tuple(kind in s for s in sets), []).append(kind)
    return tuple(tuple(group) for group in groups.values())


def _codes(rulebooks: Iterable[Rulebook]) -> set[str]:
    codes: set[str] = set()
    for book in rulebooks:
        for rule in book.baseline:
            codes.update(rule.when.territories or ())
        for restriction in book.restrictions:
            codes.update(restriction.territories)
        for reading in book.readings:
            for grant in book.grants_under(reading):
                codes.update(grant.territories)
    return codes


def _territories(rulebooks: Sequence[Rulebook]) -> tuple[Territory, ...]:
    codes = _codes(rulebooks)
    countries = sorted({country_of(code) for code in codes})
    classes: list[Territory] = []
    for country in countries:
        named = sorted(code for code in codes if "-" in code and country_of(code) == country)
        classes.append(Territory(country, country))
        classes += [Territory(code, code) for code in named]
        others = sorted(subdivisions_of(country) - set(named))
        if others:
            classes.append(Territory(f"{country}-*", others[0]))
    classes.append(Territory(ANY, _unmentioned_country(set(countries))))
    return tuple(classes)


def _unmentioned_country(mentioned: set[str]) -> str:
    from checker.model.codes import first_country_outside

    return first_country_outside(mentioned)


def _span_dates(span: InForce, *, month_aware: bool) -> list[date]:
    found: list[date] = []
    if span.from_ is not None:
        found.append(span.from_.first)
        if month_aware and span.from_.precision == "month":
            found.append(span.from_.last + timedelta(days=1))
    if span.until is not None:
        if month_aware and span.until.precision == "month":
            found.append(span.until.first)
        found.append(span.until.last + timedelta(days=1))
    return found


def _boundaries(rulebooks: Sequence[Rulebook]) -> tuple[date, ...]:
    found: set[date] = set()
    for book in rulebooks:
        rules: list[BaselineRule | Restriction] = [*book.baseline, *book.restrictions]
        for rule in rules:
            found.update(_span_dates(rule.in_force, month_aware=False))
        for reading in book.readings:
            for grant in book.grants_under(reading):
                found.update(_span_dates(grant.in_force, month_aware=True))
        # The day after each source: a strike from then on gets the `after-sources` caveat,
        # so the caveat too is constant inside a class.
        found.update(s.published + timedelta(days=1) for s in book.sources.values())
    return tuple(sorted(found))


def _spans(boundaries: tuple[date, ...]) -> tuple[Span, ...]:
    if not boundaries:
        return (Span(None, None),)
    spans = [Span(None, boundaries[0])]
    spans += [Span(a, b) for a, b in itertools.pairwise(boundaries)]
    spans.append(Span(boundaries[-1], None))
    return tuple(spans)


def _forces(rulebooks: Sequence[Rulebook]) -> tuple[Forces, ...]:
    named: set[str] = set()
    for book in rulebooks:
        for reading in book.readings:
            for grant in book.grants_under(reading):
                for clause in grant.targets:
                    named.update(clause.forces or ())
    classes = [Forces("absent", None), Forces("empty", ())]
    codes = sorted(named)
    for n in range(1, len(codes) + 1):
        for subset in itertools.combinations(codes, n):
            classes.append(Forces("+".join(subset), subset))
    classes.append(Forces("other", (_unmentioned_country(named),)))
    return tuple(classes)


# --------------------------------------------------------------------------- evaluation


Outcome = tuple[tuple[str, str | None], ...]
"""Per reading, the verdict (None when the weapon is not in the rulebook's catalogue)."""


class Row(Struct, frozen=True):
    """A class and what each rulebook decides for it."""

    cell: Cell
    outcomes: tuple[Outcome, ...]  # one per rulebook, in the space's order


def _run(book: Rulebook, strike: Strike) -> tuple[Outcome, bool]:
    """The verdict per reading, and whether the consent regime applied."""
    if not any(w.id == strike.weapon for w in book.weapons):
        return outside_catalogue(book)
    from checker.engine import engine_for  # imported only when a class is decided

    engine = engine_for(book)
    return outcome(book, {r: engine.run(strike, r) for r in book.readings})


def outside_catalogue(book: Rulebook) -> tuple[Outcome, bool]:
    """The outcome of a class whose weapon the rulebook does not list."""
    return tuple((r, None) for r in book.readings), False


def outcome(book: Rulebook, traces: dict[str, Trace]) -> tuple[Outcome, bool]:
    """Each reading's verdict from its trace, and whether the consent regime applied."""
    consent = any(
        t.regime is not None and _then(book, t.regime) == "consent" for t in traces.values()
    )
    return tuple((r, next(iter(t.verdicts))) for r, t in traces.items()), consent


def _then(book: Rulebook, rule_id: str) -> str:
    return next(r.then for r in book.baseline if r.id == rule_id)


def tabulate(
    space: Space, run: Callable[[Rulebook, Strike], tuple[Outcome, bool]] | None = None
) -> Iterator[Row]:
    """Every class of the space with each rulebook's verdicts, all through the engine.

    `run` replaces the per-class evaluation (default: the engine), e.g. to memoise one
    rulebook's results across many tables (`checker mutate`).
    """
    run = run or _run
    for base in space.base_cells():
        strike = base.strike(space)
        results = [run(book, strike) for book in space.rulebooks]
        if not any(consent for _, consent in results):
            yield Row(base, tuple(outcome for outcome, _ in results))
            continue
        for cell in space.refinements(base):
            strike = cell.strike(space)
            yield Row(cell, tuple(run(book, strike)[0] for book in space.rulebooks))


def run_class(book: Rulebook, strike: Strike) -> tuple[Outcome, bool]:
    """One class's verdict per reading under `book`, and whether the consent regime applied."""
    return _run(book, strike)
