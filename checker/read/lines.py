"""One JSON Lines scenario read without pydantic, exactly as the model would read it, or not at all.

msgspec decodes the line and checks its shape in one pass in C (unknown keys, types, lengths,
ranges, the kind and verdict names); the values the model checks with its own validators
(`parse_day`, `check_country`, `check_territory`, the weapon catalogue) are checked by those
very functions, cached by value. Anything unusual - a null where a value is required, a
possible duplicate key, a value no validator accepts - makes `LineReader.read` answer None,
and the caller takes the full path (`loading.parse_scenario`), which also words every error.
`tests/test_memo.py` checks that the reader accepts only what the model accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from checker.model.codes import check_country, check_territory
from checker.model.dates import parse_day
from checker.model.rulebook import Rulebook
from checker.model.strike import Strike
from checker.model.terms import TargetKind, Verdict
from checker.read.sourcemap import MAX_BYTES

if TYPE_CHECKING:
    from checker.model.scenario import GeoPoint, Scenario

T = TypeVar("T")
CACHE_LIMIT = 100_000
"""Values kept at most per cache; beyond it, new values are checked but not kept."""

MAX_KEPT_LIST = 16
"""Longest list of codes whose check is kept."""

_Text = Annotated[str, Meta(max_length=4000)]  # model.ShortText
JSONL_SUFFIXES = (".jsonl", ".ndjson")


def is_jsonl(path: str) -> bool:
    """A JSON Lines file (one scenario per line): streamed, never read whole."""
    return path.endswith(JSONL_SUFFIXES)


class Point(Struct, forbid_unknown_fields=True, frozen=True):
    lat: Annotated[float, Meta(ge=-90, le=90)]
    lon: Annotated[float, Meta(ge=-180, le=180)]


class _Target(Struct, forbid_unknown_fields=True):
    territory: str
    kind: TargetKind
    forces: list[str] | UnsetType | None = UNSET
    location: Point | UnsetType | None = UNSET


class _Launch(Struct, forbid_unknown_fields=True):
    location: Point | UnsetType | None = UNSET


class _Assume(Struct, forbid_unknown_fields=True):
    consent: list[str] | UnsetType = UNSET  # the model takes no null here


class Line(Struct, forbid_unknown_fields=True, rename={"schema_": "$schema"}):
    """A scenario line's shape; UNSET marks a key the line does not have."""

    date: str
    weapon: Annotated[str, Meta(min_length=1, max_length=100)]
    target: _Target
    schema_: str | UnsetType | None = UNSET
    id: _Text | UnsetType | None = UNSET
    title: _Text | UnsetType | None = UNSET
    notes: _Text | UnsetType | None = UNSET
    operator: str | UnsetType = UNSET  # the model takes no null here
    launch: _Launch | UnsetType | None = UNSET
    assume: _Assume | UnsetType | None = UNSET
    expect: Verdict | UnsetType | None = UNSET


_decode = msgspec.json.Decoder(Line).decode
_KEY = re.compile(rb'"[ \t\r\n]*:')


def keys_of(line: Line) -> int:
    """How many keys the line holds, each counted once (json keeps the last of duplicates)."""
    target, launch, assume = line.target, line.launch, line.assume
    keys = (
        5  # date, weapon, target; target's territory and kind
        + (line.schema_ is not UNSET)
        + (line.id is not UNSET)
        + (line.title is not UNSET)
        + (line.notes is not UNSET)
        + (line.operator is not UNSET)
        + (launch is not UNSET)
        + (assume is not UNSET)
        + (line.expect is not UNSET)
        + (target.forces is not UNSET)
    )
    if target.location is not UNSET:
        keys += 3 if target.location is not None else 1
    if launch is not None and launch is not UNSET and launch.location is not UNSET:
        keys += 3 if launch.location is not None else 1
    if assume is not None and assume is not UNSET:
        keys += assume.consent is not UNSET
    return keys


def has_duplicate_keys(raw: bytes, keys: int) -> bool:
    """Whether `raw` may repeat a key: more `"key":` than keys (a colon in a string errs safe)."""
    return raw.count(b":") != keys and len(_KEY.findall(raw)) != keys


def point(found: Point | UnsetType | None) -> Point | None:
    return found if isinstance(found, Point) else None


def _text(value: str | UnsetType | None) -> str | None:
    return value if isinstance(value, str) else None


def _geo(found: Point | UnsetType | None) -> GeoPoint | None:
    from checker.model.scenario import GeoPoint

    return GeoPoint(found.lat, found.lon) if isinstance(found, Point) else None


def scenario_of(line: Line, strike: Strike) -> Scenario:
    """The runtime scenario of a line the reader accepted: what the documents path gives."""
    from checker.model.scenario import Assume, Launch, Scenario, Target

    target = line.target
    launch = line.launch if isinstance(line.launch, _Launch) else None
    assume = line.assume if isinstance(line.assume, _Assume) else None
    return Scenario(
        date=strike.day,
        weapon=line.weapon,
        target=Target(
            territory=strike.territory,
            kind=target.kind,
            forces=None if strike.forces is None else list(strike.forces),
            location=_geo(target.location),
        ),
        operator=strike.operator,
        launch=None if launch is None else Launch(_geo(launch.location)),
        assume=None if assume is None else Assume(list(strike.consents)),
        expect=_text(line.expect),
        id=_text(line.id),
        title=_text(line.title),
        notes=_text(line.notes),
        schema_=_text(line.schema_),
    )


class LineReader:
    """Reads scenario lines under one rulebook; its caches make repeated values cheap."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self._days: dict[str, date] = {}
        self._countries: dict[str, str] = {}
        self._territories: dict[str, str] = {}
        self._weapons: dict[str, tuple[str, bool]] = {}
        self._code_lists: dict[tuple[str, ...], tuple[str, ...]] = {}

    def read(self, raw: bytes) -> tuple[Strike, Line] | None:
        """The line's strike and its decoded shape, or None: take the full path."""
        if len(raw) > MAX_BYTES:
            return None
        try:
            line = _decode(raw)
        except (msgspec.DecodeError, UnicodeDecodeError):
            return None
        # Each cache holds only valid values: a miss checks the value (None when invalid).
        # (Run for every line of a JSON Lines file: `x.__class__ is list` for isinstance,
        # one cache for a weapon name's id and launcher.)
        day = self._days.get(line.date) or self._day(line.date)
        weapon = self._weapons.get(line.weapon) or self._weapon(line.weapon)
        named = line.operator
        operator = "UA" if named is UNSET else self._countries.get(named) or self._country(named)
        target = line.target
        territory = self._territories.get(target.territory) or self._territory(target.territory)
        if day is None or weapon is None or operator is None or territory is None:
            return None
        forces: tuple[str, ...] | None = None
        if target.forces.__class__ is list:
            forces = self._codes(target.forces)
            if forces is None:
                return None
        consents: tuple[str, ...] = ()
        assume = line.assume
        if assume.__class__ is _Assume and assume.consent.__class__ is list:
            found = self._codes(assume.consent)
            if found is None:
                return None
            consents = found
        if has_duplicate_keys(raw, keys_of(line)):
            return None
        strike = _strike(
            Strike, (weapon[0], target.kind, territory, operator, day, forces, consents, weapon[1])
        )
        return strike, line

    def scenario(self, raw: bytes) -> tuple[Scenario, Strike] | None:
        """The line's runtime scenario and strike, or None: take the documents path."""
        found = self.read(raw)
        return None if found is None else (scenario_of(found[1], found[0]), found[0])

    def _day(self, value: str) -> date | None:
        return _valid(self._days, value, parse_day)

    def _country(self, value: str) -> str | None:
        return _valid(self._countries, value, check_country)

    def _territory(self, value: str) -> str | None:
        return _valid(self._territories, value, check_territory)

    def _weapon(self, value: str) -> tuple[str, bool] | None:
        """The weapon's catalogue id, and whether it was named by a launcher name."""
        weapon = self.rulebook.weapon_named(value)
        if weapon is None:
            return None
        return _keep(self._weapons, value, (weapon.id, self.rulebook.launcher_named(weapon, value)))

    def _codes(self, value: list[str]) -> tuple[str, ...] | None:
        """Country codes as the model keeps them (sorted, once each), or None if one is bad."""
        key = tuple(value)
        found = self._code_lists.get(key)
        if found is None:
            codes = [self._countries.get(v) or self._country(v) for v in value]
            valid = [c for c in codes if c is not None]
            if len(valid) != len(codes):
                return None
            found = tuple(sorted(set(valid)))
            # a long list is checked, not kept, and so are lists beyond a tenth of the limit
            if len(key) <= MAX_KEPT_LIST and len(self._code_lists) < CACHE_LIMIT // 10:
                self._code_lists[key] = found
        return found


_strike = tuple.__new__
"""A Strike from its fields' tuple, without the named tuple's own `__new__` (per line)."""


def _valid(cache: dict[str, T], value: str, check: Callable[[str], T]) -> T | None:
    """The model validator's answer for `value` (kept), or None where it refuses it."""
    try:
        return _keep(cache, value, check(value))
    except ValueError:
        return None


def _keep(cache: dict[Any, T], key: Any, value: T) -> T:
    if len(cache) < CACHE_LIMIT:
        cache[key] = value
    return value
