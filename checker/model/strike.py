"""The strike: the facts of a scenario that rules may read, normalised - the engine's input."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class Strike(NamedTuple):
    """The engine's input, with the weapon resolved to its catalogue id.

    A named tuple, not a frozen record: JSON Lines builds one per line, from a tuple.
    """

    weapon: str
    kind: str
    territory: str
    operator: str
    day: date
    forces: tuple[str, ...] | None
    consents: tuple[str, ...]
    launcher: bool = False
    """The weapon was named by a launcher name (`Weapon.launchers`): words, not a decision."""

    @property
    def country(self) -> str:
        return self.territory.split("-", 1)[0]
