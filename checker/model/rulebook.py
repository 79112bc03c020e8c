"""The rulebook: every rule of one rulebook, with its readings and sources."""

import re
from collections.abc import Iterator
from datetime import date
from typing import Any, ClassVar

from msgspec import field

from checker.model.digest import digest
from checker.model.record import PartlyCompared
from checker.model.rules import (
    BaselineRule,
    Grant,
    Restriction,
    Rule,
    RulebookHeader,
    Source,
    Weapon,
)


def fold(name: str) -> str:
    """Weapon names match regardless of case, spaces and punctuation (SCALP-EG = scalp eg)."""
    return re.sub(r"[\W_]+", "", name.casefold())


class Rulebook(PartlyCompared, frozen=True):
    """All rules of one rulebook, as read and checked by `checker.read.rulebook`."""

    root: str
    header: RulebookHeader
    weapons: tuple[Weapon, ...]
    grants: tuple[Grant, ...]
    restrictions: tuple[Restriction, ...]
    baseline: tuple[BaselineRule, ...]
    sources: dict[str, Source]
    fingerprint: str = ""
    _names: dict[str, Weapon] = field(default_factory=dict)
    """Each folded weapon name's weapon, filled when first asked (`weapon_named`)."""

    uncompared: ClassVar[tuple[str, ...]] = ("_names",)

    def __repr__(self) -> str:
        return f"Rulebook(root={self.root!r}, name={self.header.name!r})"

    @property
    def newest_source(self) -> date:
        """The publication day of the rulebook's newest source: its date horizon."""
        return max(source.published for source in self.sources.values())

    @property
    def readings(self) -> tuple[str, ...]:
        """The readings every scenario is evaluated under (one, `default`, if none declared)."""
        return tuple(self.header.readings) or ("default",)

    def weapon_named(self, name: str) -> Weapon | None:
        if not self._names:
            for weapon in self.weapons:
                for alias in (weapon.id, weapon.name, *weapon.aliases):
                    self._names[fold(alias)] = weapon
        return self._names.get(fold(name))

    def launcher_named(self, weapon: Weapon, name: str) -> bool:
        """Whether `name` is one of the weapon's launcher names (HIMARS, M142)."""
        return fold(name) in {fold(launcher) for launcher in weapon.launchers}

    def weapon(self, weapon_id: str) -> Weapon:
        return next(w for w in self.weapons if w.id == weapon_id)

    def unknown_weapon(self, name: str) -> str:
        import difflib

        known = [w.name + (f" ({', '.join(w.aliases)})" if w.aliases else "") for w in self.weapons]
        names = [alias for w in self.weapons for alias in (w.name, *w.aliases)]
        folded = {fold(alias): alias for alias in names}
        close = [
            folded[m] for m in difflib.get_close_matches(fold(name), list(folded), n=1, cutoff=0.75)
        ]
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown weapon '{name}'; {hint}known: {'; '.join(known)}"

    def rules(self) -> Iterator[Rule]:
        yield from self.weapons
        yield from self.grants
        yield from self.restrictions
        yield from self.baseline

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules() if r.id == rule_id)

    def grants_under(self, reading: str) -> tuple[Grant, ...]:
        return tuple(grant.under(reading) for grant in self.grants)


def rules_digest(rulebook: Rulebook) -> str:
    """What the rules decide with, hashed: the readings and every rule's content, not the
    files' layout or order, nor the sources' titles (two rulebooks with equal digests
    decide every strike alike, so they share an engine and a decision table)."""
    parts = [
        list(rulebook.readings),
        *(_plain(rule) for rule in rulebook.weapons),
        *(_plain(rule) for rule in rulebook.grants),
        *(_plain(rule) for rule in rulebook.restrictions),
        *(_plain(rule) for rule in rulebook.baseline),
    ]
    return digest(repr(parts).encode())


def _plain(value: Any) -> Any:
    """A rule's content as nested tuples of field names and values: equal content, equal repr."""
    fields = getattr(type(value), "__struct_fields__", None)
    if fields is not None:
        return (
            type(value).__name__,
            tuple((name, _plain(getattr(value, name))) for name in fields),
        )
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _plain(item)) for key, item in value.items()))
    return value
