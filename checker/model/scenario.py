"""A scenario: the strike a user describes, as read from a file, stdin or a JSON Lines line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class GeoPoint:
    """A WGS84 position, in degrees."""

    lat: float
    lon: float


@dataclass(frozen=True)
class Target:
    territory: str
    kind: str
    forces: list[str] | None = None
    location: GeoPoint | None = None


@dataclass(frozen=True)
class Launch:
    location: GeoPoint | None = None


@dataclass(frozen=True)
class Assume:
    consent: list[str]


@dataclass(frozen=True)
class Scenario:
    """A strike to evaluate under the reported policy (scenario format version 1).

    Codes are upper-case and checked, lists of codes sorted and unique, the weapon as
    written (resolved to a catalogue id only in the `Strike`).
    """

    date: date
    weapon: str
    target: Target
    operator: str = "UA"
    launch: Launch | None = None
    assume: Assume | None = None
    expect: str | None = None
    id: str | None = None
    title: str | None = None
    notes: str | None = None
    schema_: str | None = None

    @property
    def consents(self) -> tuple[str, ...]:
        return tuple(self.assume.consent) if self.assume else ()
