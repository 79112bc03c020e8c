"""The reach of a located strike: its feasibility, computed along the WGS84 geodesic.

Apart from the explanation: a JSON Lines run whose templates are all kept computes a
located line's feasibility and nothing else of a verdict.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from checker.model.feasibility import Feasibility

if TYPE_CHECKING:
    from checker.model.rulebook import Rulebook
    from checker.model.rules import Weapon
    from checker.model.scenario import Scenario
    from checker.model.strike import Strike


class Located(Protocol):
    """A WGS84 point: `model.GeoPoint`, or the JSON Lines reader's `lines.Point`."""

    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


def feasibility_of(rulebook: Rulebook, scenario: Scenario, strike: Strike) -> Feasibility | None:
    target = scenario.target.location
    launch = scenario.launch.location if scenario.launch else None
    if target is None or launch is None:
        return None
    return feasibility_between(rulebook, strike.weapon, target, launch)


def feasibility_between(
    rulebook: Rulebook, weapon_id: str, target: Located, launch: Located
) -> Feasibility:
    """Whether the weapon reaches `target` from `launch`, along the WGS84 geodesic."""
    distance = distance_km(launch.lat, launch.lon, target.lat, target.lon)
    weapon: Weapon = rulebook.weapon(weapon_id)
    return Feasibility(
        distance_km=round(distance, 1),
        range_km=weapon.range.km,
        margin_km=round(weapon.range.km - distance, 1),
        within_range=distance <= weapon.range.km,
        range_stated=weapon.range.stated,
        weapon=weapon.name,
    )


@lru_cache(maxsize=10_000)
def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The WGS84 geodesic distance between two points, in km (a few points recur: launch
    areas and known sites; each pair is computed once, whichever weapon is fired)."""
    from geographiclib.geodesic import Geodesic

    line = Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)
    return float(line["s12"]) / 1000
