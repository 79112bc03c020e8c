"""The single-field changes to a scenario that the why-not search tries.

Owns `FieldChange` (one field set to one value, and how to say it), `Variant` (a change
with the function that applies it) and `Variants`, which lists, per dimension, one change
into each other class of the space (date span, consent, kind, territory, forces,
operator): one evaluation per class is exact, since the verdict is constant inside it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from checker.evaluation.space import ANY, Space
from checker.model import names
from checker.model.scenario import Scenario
from checker.model.strike import Strike


class FieldChange(Struct, frozen=True):
    field: str  # date | assume.consent | target.kind | target.territory | target.forces | ...
    value: Any  # what to write in the scenario (JSON-ready)
    label: str  # how to say it


Variant = tuple[FieldChange, Callable[[Scenario], Scenario]]


def _with_target(scenario: Scenario, **changes: Any) -> Scenario:
    return replace(scenario, target=replace(scenario.target, **changes))


def _with_consent(scenario: Scenario, states: tuple[str, ...]) -> Scenario:
    from checker.model.scenario import Assume

    return replace(scenario, assume=Assume(consent=list(states)))


class Variants:
    """The variants of each dimension of `strike`, from the space's classes.

    A base of the why-not search, which sets `space` and `strike`.
    """

    space: Space
    strike: Strike

    def dates(self) -> list[Variant]:
        here = self.space.span_of(self.strike.day)
        index = self.space.spans.index(here)
        found: list[Variant] = []
        for span in self.space.spans:
            if span == here:
                continue
            earlier = self.space.spans.index(span) < index
            day = span.last if earlier else span.start
            assert day is not None
            word = "earlier" if earlier else "later"
            found.append(
                (
                    FieldChange("date", day.isoformat(), f"a strike on {names.day(day)} ({word})"),
                    lambda s, day=day: replace(s, date=day),  # type: ignore[misc]
                )
            )
        return found

    def consents(self) -> list[Variant]:
        required = self.space.required_states(self.strike.weapon)
        have = set(self.strike.consents)
        missing = [s for s in required if s not in have]
        found: list[Variant] = []
        for size in range(1, len(missing) + 1):
            for subset in itertools.combinations(missing, size):
                states = tuple(sorted(have | set(subset)))
                label = "assume the consent of " + names.join(names.state(c) for c in subset)
                found.append(
                    (
                        FieldChange("assume.consent", list(states), label),
                        lambda s, states=states: _with_consent(s, states),  # type: ignore[misc]
                    )
                )
        return found

    def kinds(self) -> list[Variant]:
        here = self.space.kinds_of(self.strike.kind)
        found: list[Variant] = []
        for group in self.space.kinds:
            if group == here:
                continue
            label = f"a target of another kind: {names.kind(group[0])}" + (
                f" (or {names.join((names.kind(k) for k in group[1:]), 'or')})"
                if len(group) > 1
                else ""
            )
            found.append(
                (
                    FieldChange("target.kind", group[0], label),
                    lambda s, k=group[0]: _with_target(s, kind=k),  # type: ignore[misc]
                )
            )
        return found

    def territories(self) -> list[Variant]:
        here = self.space.territory_of(self.strike.territory)
        found: list[Variant] = []
        for place in self.space.territories:
            if place == here:
                continue
            code = place.representative
            if place.key == ANY:
                label = "a target in any other country"
            elif place.key.endswith("-*"):
                label = f"a target in any other region of {names.place(place.key[:-2])}"
            elif "-" not in place.key:
                label = f"a target given only as {names.place(code)} (no region)"
            else:
                label = f"a target in {names.place(code)}"
            found.append(
                (
                    FieldChange("target.territory", code, label),
                    lambda s, c=code: _with_target(s, territory=c),  # type: ignore[misc]
                )
            )
        return found

    def forces(self) -> list[Variant]:
        kinds = self.space.kinds_of(self.strike.kind)
        if not self.space.forces_matter(self.strike.weapon, kinds):
            return []
        here = self.space.forces_of(self.strike.forces)
        found: list[Variant] = []
        for group in self.space.forces:
            if group == here:
                continue
            value = list(group.representative) if group.representative is not None else None
            if value is None:
                label = "no word of whose forces are at the target"
            elif not value:
                label = "no forces at the target"
            elif group.key == "other":
                label = "forces at the target of a state no grant names"
            else:
                label = f"forces at the target: {names.join(names.state(f) for f in value)} only"
            found.append(
                (
                    FieldChange("target.forces", value, label),
                    lambda s, v=value: _with_target(s, forces=v),  # type: ignore[misc]
                )
            )
        return found

    def operators(self) -> list[Variant]:
        here = self.strike.operator if self.strike.operator in self.space.operators else ANY
        found: list[Variant] = []
        for code in (*self.space.operators, ANY):
            if code == here:
                continue
            value = self.space.operator_representative if code == ANY else code
            if code == ANY:
                others = names.join((names.state(c) for c in self.space.operators), "or")
                label = f"a strike by any state other than {others}"
            else:
                label = f"a strike by {names.state(code)}"
            found.append(
                (
                    FieldChange("operator", value, label),
                    lambda s, v=value: replace(s, operator=v),  # type: ignore[misc]
                )
            )
        return found

    def dimensions(self) -> list[list[Variant]]:
        return [
            self.dates(),
            self.consents(),
            self.kinds(),
            self.territories(),
            self.forces(),
            self.operators(),
        ]
