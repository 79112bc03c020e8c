"""Whether a weapon reaches its target from its launch point: a finding beside the verdict."""

from __future__ import annotations

from msgspec import Struct


class Feasibility(Struct, frozen=True):
    """Can the weapon reach the target from the launch point? A finding, never the verdict."""

    distance_km: float
    range_km: float
    margin_km: float
    within_range: bool
    range_stated: str
    weapon: str


def range_warnings(feasibility: Feasibility | None) -> tuple[str, ...]:
    """The warning a target beyond the weapon's reach deserves (none within reach)."""
    if feasibility is None or feasibility.within_range:
        return ()
    beyond = (
        f"the target is {feasibility.distance_km:.0f} km from the launch point, beyond the "
        f"{feasibility.range_km:.0f} km range of {feasibility.weapon} ({feasibility.range_stated})"
    )
    return (beyond,)
