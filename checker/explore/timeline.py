"""The timeline: for a strike with every dimension but the date fixed, the verdict over time.

Owns the result types (`Interval`, `Band`, `Window`, `Timeline`), the checks of the
command's options, the defaults for an unasked kind and territory, and `timeline`, which
evaluates one strike per date span of the space and merges equal neighbours into
intervals, each opened by the rules whose date is its start.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, ClassVar

from msgspec import Struct, field
from msgspec.structs import replace

from checker.engine import engine_for
from checker.errors import CheckerError, Location
from checker.evaluation.explain import reading_scope
from checker.evaluation.memo import readings_to_run
from checker.evaluation.space import ANY, Space, Span, build_space
from checker.explore.refs import RuleRef, boundary_refs
from checker.model import names
from checker.model.codes import check_country, check_territory
from checker.model.record import PartlyCompared
from checker.model.rulebook import Rulebook
from checker.model.rules import Grant
from checker.model.strike import Strike
from checker.model.terms import TARGET_KINDS


class Interval(Struct, frozen=True):
    """Days from `start` (inclusive) to `end` (exclusive; None: unbounded) with one verdict."""

    start: date | None
    end: date | None
    verdict: str
    opened_by: tuple[RuleRef, ...] = ()

    @property
    def last(self) -> date | None:
        return None if self.end is None else self.end - timedelta(days=1)

    def label(self) -> str:
        return str(Span(self.start, self.end))

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "until": self.last.isoformat() if self.last else None,
            "verdict": self.verdict,
            "opened_by": [ref.to_dict() for ref in self.opened_by],
        }


class Band(Struct, frozen=True):
    """One row of a timeline: a weapon on a territory under one reading (None: all)."""

    weapon: str
    territory: str
    reading: str | None
    intervals: tuple[Interval, ...]
    place: str = ""  # how to name the territory, when it stands for a class

    @property
    def where(self) -> str:
        return self.place or self.territory

    @property
    def label(self) -> str:
        return f"{self.weapon} · {self.where} · {self.reading or 'all readings'}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "weapon": self.weapon,
            "territory": self.territory,
            "territory_class": self.where,
            "reading": self.reading,
            "intervals": [i.to_dict() for i in self.intervals],
        }


class Window(Struct, frozen=True):
    """A date known only to the month: strikes inside it are undetermined for `rule`."""

    rule: str
    weapon: str
    first: date
    last: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "weapon": self.weapon,
            "from": self.first.isoformat(),
            "until": self.last.isoformat(),
        }


class Timeline(PartlyCompared, frozen=True):
    """The verdict over time for each weapon x territory asked, per reading."""

    kind: str
    operator: str
    forces: tuple[str, ...] | None
    consents: tuple[str, ...]
    readings: tuple[str, ...]
    bands: tuple[Band, ...]
    windows: tuple[Window, ...]
    notes: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    """Each rule the timeline names, in plain words ("US consent for ATACMS")."""
    meanings: dict[str, str] = field(default_factory=dict)
    """What each reading means, in a few words ("Kursk oblast only")."""
    published: tuple[date, ...] = ()
    """The sources' publication days."""
    credits: tuple[str, ...] = ()
    """The sources, as a picture's source line names them (title, publication, day)."""

    uncompared: ClassVar[tuple[str, ...]] = ("labels", "meanings", "published", "credits")

    @property
    def combos(self) -> list[tuple[str, str]]:
        return list(dict.fromkeys((b.weapon, b.where) for b in self.bands))

    def describe(self) -> str:
        forces = "forces " + ("/".join(self.forces) if self.forces else "not given")
        if self.forces == ():
            forces = "forces given as empty"
        consent = "assuming consent of " + "/".join(self.consents) if self.consents else ""
        parts = [f"kind {self.kind}", f"operator {self.operator}", forces, consent]
        return ", ".join(p for p in parts if p)

    def drawn(self) -> list[Band]:
        """The bands a picture draws: for one weapon x territory, the combined band and one
        per reading - or the combined band alone when every reading agrees; for several,
        each one's combined band."""
        out: list[Band] = []
        for combo in self.combos:
            bands = [b for b in self.bands if (b.weapon, b.where) == combo]
            if len(self.combos) > 1 or readings_agree(bands):
                bands = bands[:1]
            out += bands
        return out

    def window_of(self, day: date, rule: str) -> Window | None:
        """The month window `day` opens or closes for `rule` (its first day, or the day after)."""
        for window in self.windows:
            if window.rule == rule and day in (window.first, window.last + timedelta(days=1)):
                return window
        return None

    def marks(self) -> list[tuple[date, date | None, str]]:
        return marks(self)

    def date_range(self, also: Sequence[date] = ()) -> tuple[date, date]:
        return date_range(self, also)

    def readings_note(self) -> str:
        """What the readings mean, in a sentence (empty with one reading)."""
        if len(self.readings) < 2:
            return ""
        meanings = "; ".join(f"{r}: {self.meanings.get(r, r)}" for r in self.readings)
        count = {2: "two", 3: "three"}.get(len(self.readings), str(len(self.readings)))
        return (
            f"The report can be read {count} ways ({meanings}); "
            "where they disagree, the verdict is undetermined."
        )

    def changes(self) -> list[tuple[date, RuleRef]]:
        """Every date at which some band's verdict changes, with the rules at that date."""
        seen: dict[tuple[date, str], RuleRef] = {}
        for band in self.bands:
            for interval in band.intervals:
                if interval.start is None:
                    continue
                for ref in interval.opened_by:
                    seen.setdefault((interval.start, ref.rule), ref)
        return sorted(((day, ref) for (day, _), ref in seen.items()), key=lambda x: x[0])

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "operator": self.operator,
            "forces": list(self.forces) if self.forces is not None else None,
            "consents": list(self.consents),
            "readings": list(self.readings),
            "bands": [b.to_dict() for b in self.bands],
            "month_windows": [w.to_dict() for w in self.windows],
            "notes": list(self.notes),
        }


def where_words(band: Band) -> str:
    """Where a band's strikes are, by name ("Kursk oblast", "any other region of Russia")."""
    place = band.where
    if place.startswith("any other ") and place.endswith(" subdivision"):
        return f"any other region of {names.place(place.split()[2])}"
    if place == "any other country":
        return place
    if place.endswith(" (country level)"):
        return f"{names.place(place.split()[0])} (no region given)"
    return names.place(place)


def describe(result: Timeline) -> str:
    """What a timeline holds fixed, in words."""
    if result.forces is None:
        forces = "whose forces not given"
    elif not result.forces:
        forces = "no forces at the target"
    else:
        forces = f"forces of {names.join(names.state(f) for f in result.forces)}"
    parts = [names.kind(result.kind), f"a strike by {names.state(result.operator)}", forces]
    if result.consents:
        parts.append(
            "assuming the consent of " + names.join(names.state(c) for c in result.consents)
        )
    return ", ".join(parts)


def band_label(band: Band, result: Timeline, *, place: bool = True) -> str:
    """A band's name: the place (unless `place` is False: a title names it), and the
    reading with its meaning when there are several."""
    where = where_words(band)
    if len({weapon for weapon, _ in result.combos}) > 1:
        where = f"{band.weapon} in {where}"
    if band.reading is not None:
        meaning = result.meanings.get(band.reading, "")
        what = f"{band.reading} reading" + (f" ({meaning})" if meaning else "")
    elif len(result.readings) > 1 and len(result.combos) == 1:
        agree = len(result.drawn()) == 1
        what = "every reading gives the same verdict" if agree else "the readings together"
    else:
        return where
    return f"{where}: {what}" if place else names.capital(what)


def marks(result: Timeline) -> list[tuple[date, date | None, str]]:
    """The marked changes: (day, last day of a month window or None, what happens)."""
    marks: dict[tuple[date, date | None], list[str]] = {}
    for window in result.windows:
        label = result.labels.get(window.rule, window.rule)
        month = names.month(window.first)
        text = (
            f"{month}: {label} begins on a day of {month} the report does not give; "
            "strikes that month are undetermined"
        )
        marks.setdefault((window.first, window.last), []).append(text)
    for day, ref in result.changes():
        if result.window_of(day, ref.rule) is not None:
            continue
        label = result.labels.get(ref.rule, ref.title)
        event = ref.event.replace(f" from {names.day(day)}", "").replace(
            f" after {names.day(day - timedelta(days=1))}", ""
        )
        text = f"{names.day(day)}: {label} {event}"
        if ref.quote:
            text += f" (\u201c{ref.quote}\u201d)"
        if text not in marks.setdefault((day, None), []):
            marks[(day, None)].append(text)
    return [(day, last, "; ".join(texts)) for (day, last), texts in sorted(marks.items())]


def date_range(result: Timeline, also: Sequence[date] = ()) -> tuple[date, date]:
    """The days a picture spans: every mark (and `also`) with room on either side."""
    days = [d for d, _, _ in marks(result)] + [last for _, last, _ in marks(result) if last]
    days += also
    if not days:
        days = [max(result.published)] if result.published else [date(2024, 11, 17)]
    first, last = min(days), max(days)
    pad = max(timedelta(days=90), (last - first) / 4)
    return first - pad, last + pad


def readings_agree(bands: Sequence[Band]) -> bool:
    """Whether bands of one weapon x territory have the same verdicts on the same days."""
    first = [(i.start, i.verdict) for i in bands[0].intervals] if bands else []
    return all([(i.start, i.verdict) for i in b.intervals] == first for b in bands)


def rule_label(book: Rulebook, rule_id: str) -> str:
    """A rule in a few plain words: "US consent for ATACMS", else its title."""
    rule = book.rule(rule_id)
    if isinstance(rule, Grant):
        weapons = names.join(book.weapon(w).name for w in rule.weapons)
        return f"{names.short_state(rule.grantor)} consent for {weapons}"
    return str(getattr(rule, "title", None) or rule.id)


def credit_lines(book: Rulebook) -> tuple[str, ...]:
    """Each source as a source line names it: "Title, attribution, 17 Nov 2024"."""
    return tuple(
        ", ".join(p for p in (s.title, s.attribution, names.day(s.published)) if p)
        for s in sorted(book.sources.values(), key=lambda s: s.published)
    )


def _bad(option: str, message: str) -> CheckerError:
    return CheckerError.at(Location(option), message)


def _country(option: str, code: str) -> str:
    try:
        return check_country(code)
    except ValueError as err:
        raise _bad(option, str(err)) from None


def _territory(option: str, code: str) -> str:
    try:
        return check_territory(code)
    except ValueError as err:
        raise _bad(option, str(err)) from None


def default_kind(book: Rulebook, weapon: str) -> str:
    """The first kind a grant for `weapon` covers without conditioning on forces."""
    clauses = [
        clause
        for reading in book.readings
        for grant in book.grants_under(reading)
        if weapon in grant.weapons
        for clause in grant.targets
    ]
    for forces_free in (True, False):
        kinds = {
            k
            for clause in clauses
            if clause.forces is None or not forces_free
            for k in clause.kinds
        }
        for kind in TARGET_KINDS:
            if kind in kinds:
                return kind
    return TARGET_KINDS[0]


def default_territories(space: Space) -> dict[str, str]:
    """One territory per subdivision class of the restricted countries (RU-KRS, other RU)."""
    restricted = {c for book in space.rulebooks for r in book.restrictions for c in r.territories}
    return {
        t.representative: str(t)
        for t in space.territories
        if t.key != ANY and t.key.split("-")[0] in restricted and "-" in t.key
    }


def timeline(
    book: Rulebook,
    weapons: Sequence[str],
    *,
    territories: Sequence[str] = (),
    kind: str | None = None,
    forces: Sequence[str] | None = None,
    consents: Sequence[str] = (),
    operator: str = "UA",
    reading: str | None = None,
) -> Timeline:
    """The date intervals over which the verdict holds, per weapon x territory and reading."""
    if not weapons:
        raise _bad("--weapon", "name at least one weapon")
    resolved = []
    for name in weapons:
        weapon = book.weapon_named(name)
        if weapon is None:
            raise _bad("--weapon", book.unknown_weapon(name))
        resolved.append(weapon)
    if kind is not None and kind not in TARGET_KINDS:
        raise _bad("--kind", f"unknown target kind '{kind}' (known: {', '.join(TARGET_KINDS)})")
    readings = readings_to_run(book, reading)
    space = build_space(book)
    places = {_territory("--territory", t): "" for t in territories} or default_territories(space)
    notes: list[str] = []
    if not territories:
        notes.append(
            "territory not given: "
            + "; ".join(
                f"{code} for {label}" if code != label else code for code, label in places.items()
            )
        )
    chosen_kind = kind or default_kind(book, resolved[0].id)
    if kind is None:
        notes.append(f"kind not given: {chosen_kind} (a kind the weapon's grants cover)")
    force_codes = (
        tuple(sorted({_country("--forces", f) for f in forces})) if forces is not None else None
    )
    consent_codes = tuple(sorted({_country("--consent", c) for c in consents}))
    who = _country("--operator", operator)
    engine = engine_for(book)
    bands: list[Band] = []
    windows: list[Window] = []
    for weapon, place in itertools.product(resolved, places):
        strike = Strike(weapon.id, chosen_kind, place, who, date.min, force_codes, consent_codes)
        per_reading: dict[str, list[str]] = {
            r: [
                next(iter(engine.run(strike._replace(day=s.representative), r).verdicts))
                for s in space.spans
            ]
            for r in readings
        }
        rows: list[tuple[str | None, list[str]]] = []
        if len(readings) > 1:
            combined = [
                vs[0] if len(set(vs)) == 1 else "undetermined"
                for vs in zip(*per_reading.values(), strict=True)
            ]
            rows.append((None, combined))
        rows += list(per_reading.items())
        for band_reading, verdicts in rows:
            scope = readings if band_reading is None else (band_reading,)
            bands.append(
                Band(
                    weapon.name,
                    place,
                    band_reading,
                    _merge(book, scope, weapon.id, space, verdicts),
                    places[place] if places[place] != place else "",
                )
            )
        for each in readings:
            for grant in book.grants_under(each):
                start = grant.in_force.from_
                if weapon.id in grant.weapons and start and start.precision == "month":
                    window = Window(grant.id, weapon.name, start.first, start.last)
                    if window not in windows:
                        windows.append(window)
    cited = {ref.rule for band in bands for i in band.intervals for ref in i.opened_by}
    cited |= {w.rule for w in windows}
    return Timeline(
        labels={r: rule_label(book, r) for r in sorted(cited) if r != "assume.consent"},
        meanings={r: reading_scope(book, r) or r for r in readings},
        credits=credit_lines(book),
        published=tuple(sorted(s.published for s in book.sources.values())),
        kind=chosen_kind,
        operator=who,
        forces=force_codes,
        consents=consent_codes,
        readings=readings,
        bands=tuple(bands),
        windows=tuple(windows),
        notes=tuple(notes),
    )


def _merge(
    book: Rulebook, readings: Sequence[str], weapon: str, space: Space, verdicts: list[str]
) -> tuple[Interval, ...]:
    intervals: list[Interval] = []
    for span, verdict in zip(space.spans, verdicts, strict=True):
        if intervals and intervals[-1].verdict == verdict:
            intervals[-1] = replace(intervals[-1], end=span.end)
            continue
        opened = boundary_refs(book, readings, weapon, span.start) if intervals else ()
        intervals.append(Interval(span.start, span.end, verdict, opened))
    return tuple(intervals)
