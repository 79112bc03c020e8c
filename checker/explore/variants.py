"""The single-field changes to a scenario that the why-not search tries.

Owns `FieldChange` (one field set to one value, and how to say it), `Variant` (a change
with the function that applies it) and `Variants`, which lists, per dimension, one change
into each other class of the space (date span, consent, kind, territory, forces,
operator): one evaluation per class is exact, since the verdict is constant inside it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from checker.evaluation.space import ANY, Space
from checker.model.scenario import Scenario
from checker.model.strike import Strike


@dataclass(frozen=True)
class FieldChange:
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
                    FieldChange("date", day.isoformat(), f"date {day.isoformat()} ({word})"),
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
                label = "assume consent of " + " and ".join(subset)
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
            label = f"target.kind {group[0]}" + (
                f" (or {', '.join(group[1:])})" if len(group) > 1 else ""
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
            label = f"target.territory {code}"
            if place.key == ANY or place.key.endswith("-*"):
                label += f" ({place})"
            elif "-" not in place.key:
                label += " (country level, no subdivision)"
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
            label = "target.forces " + (
                "removed"
                if value is None
                else "[]"
                if not value
                else f"{'/'.join(value)}"
                + (" (forces the grants do not name)" if group.key == "other" else "")
            )
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
            label = f"operator {value}" + (
                f" (any operator other than {', '.join(self.space.operators)})"
                if code == ANY
                else ""
            )
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
