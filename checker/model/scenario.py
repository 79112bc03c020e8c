"""A scenario: the strike a user describes, as read from a file, stdin or a JSON Lines line."""

from __future__ import annotations

from datetime import date

from msgspec import Struct


class GeoPoint(Struct, frozen=True):
    """A WGS84 position, in degrees."""

    lat: float
    lon: float


class Target(Struct, frozen=True):
    territory: str
    kind: str
    forces: list[str] | None = None
    location: GeoPoint | None = None


class Launch(Struct, frozen=True):
    location: GeoPoint | None = None


class Assume(Struct, frozen=True):
    consent: list[str]


class Scenario(Struct, frozen=True):
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
