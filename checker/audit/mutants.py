"""Mutants: a rulebook with one systematic semantic change each.

This module owns `Mutant` and how mutants are made (`mutants`): dates moved by a day or a
month or their precision changed, listed kinds, territories, forces and weapons dropped or
another added, consent requirements dropped, readings swapped, baseline effects flipped.
Judging them against a scenario corpus is `checker.audit.mutation`'s.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import timedelta
from typing import Any, ClassVar

from msgspec.structs import replace

from checker.model.codes import country_of
from checker.model.dates import PolicyDate
from checker.model.record import PartlyCompared
from checker.model.rulebook import Rulebook
from checker.model.rules import Grant, InForce
from checker.model.terms import TARGET_KINDS


class Mutant(PartlyCompared, frozen=True):
    """The rulebook with one systematic semantic change."""

    rule: str
    change: str
    rulebook: Rulebook
    weapons: tuple[str, ...] | None = None  # the only weapons whose strikes it can change

    uncompared: ClassVar[tuple[str, ...]] = ("rulebook",)

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
        mutant = replace(book, **sections, fingerprint=f"{base}~m{len(made)}", _names={})
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
