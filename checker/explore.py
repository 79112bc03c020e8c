"""Exploring the policy over the finite scenario space: timelines and why-not.

Both questions are answered by running the engine on the space's classes, never by
reading the rules directly: the verdict is constant inside each of the space's date spans
(and each territory, kind, forces class), so one evaluation per class is exact.

- `timeline`: for a strike with every dimension but the date fixed, the date intervals
  over which the verdict holds, per reading, each opened by the rule whose date is that
  boundary (with the quote it rests on).
- `why_not`: for a scenario, the smallest changes (one field, else two) that give a
  different verdict, ranked by how many fields change, each with the rule that makes
  the difference.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from checker.engine import engine_for
from checker.errors import CheckerError, Location
from checker.evaluation.scenario import evaluate, readings_to_run, strike_of
from checker.evaluation.space import ANY, Space, Span, build_space
from checker.model.codes import check_country, check_territory
from checker.model.dates import PolicyDate
from checker.model.rulebook import Rulebook
from checker.model.rules import Grant, Provenance, Rule
from checker.model.scenario import Scenario
from checker.model.strike import Strike
from checker.model.terms import TARGET_KINDS

# --------------------------------------------------------------------------- rule references


@dataclass(frozen=True)
class RuleRef:
    """A rule that makes a difference, with the sentence it rests on."""

    rule: str
    title: str
    event: str  # e.g. "in force from 2024-11-17", or what the rule does here
    quote: str | None = None
    source: str | None = None
    published: str | None = None
    evidence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def _provenance(rule: Rule, readings: Iterable[str], prefer: Sequence[str]) -> list[Provenance]:
    entries = list(rule.provenance)
    if isinstance(rule, Grant):
        for reading in readings:
            override = rule.readings.get(reading)
            if override is not None:
                entries = [*override.provenance, *entries]
    for word in prefer:
        chosen = [e for e in entries if e.supports and word in e.supports]
        if chosen:
            return chosen
    return entries


def rule_ref(
    book: Rulebook,
    rule_id: str,
    event: str,
    *,
    readings: Iterable[str] = (),
    prefer: Sequence[str] = (),
) -> RuleRef:
    """A reference to `rule_id` quoting the provenance entry that best supports `prefer`."""
    if rule_id == "assume.consent":
        return RuleRef(rule_id, "the consent assumed in the scenario", event)
    rule = book.rule(rule_id)
    entries = _provenance(rule, readings, prefer)
    entry = entries[0] if entries else None
    source = book.sources.get(entry.source) if entry else None
    return RuleRef(
        rule=rule.id,
        title=str(getattr(rule, "title", None) or getattr(rule, "name", rule.id)),
        event=event,
        quote=entry.quote if entry else None,
        source=source.title if source else None,
        published=source.published.isoformat() if source else None,
        evidence=entry.evidence if entry else None,
    )


def _date_events(book: Rulebook, readings: Sequence[str], weapon: str) -> dict[date, list[str]]:
    """For each boundary day, what happens there: `rule-id\tevent` entries."""
    found: dict[date, list[str]] = {}

    def add(day: date, rule_id: str, event: str) -> None:
        entry = f"{rule_id}\t{event}"
        if entry not in found.setdefault(day, []):
            found[day].append(entry)

    rules: list[Any] = [*book.baseline, *book.restrictions]
    for reading in readings:
        rules += [g for g in book.grants_under(reading) if weapon in g.weapons]
    for rule in rules:
        start: PolicyDate | None = rule.in_force.from_
        end: PolicyDate | None = rule.in_force.until
        if start is not None:
            if start.precision == "month":
                add(start.first, rule.id, f"in force from {start} (the day is not known)")
                add(start.last + timedelta(days=1), rule.id, f"surely in force after {start}")
            else:
                add(start.first, rule.id, f"in force from {start}")
        if end is not None:
            if end.precision == "month":
                add(end.first, rule.id, f"in force until {end} (the day is not known)")
            add(end.last + timedelta(days=1), rule.id, f"no longer in force after {end}")
    return found


def _boundary_refs(
    book: Rulebook, readings: Sequence[str], weapon: str, day: date | None
) -> tuple[RuleRef, ...]:
    if day is None:
        return ()
    events = _date_events(book, readings, weapon).get(day, [])
    refs = []
    for entry in events:
        rule_id, event = entry.split("\t", 1)
        refs.append(rule_ref(book, rule_id, event, readings=readings, prefer=("in force",)))
    return tuple(refs)


# --------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class Interval:
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


@dataclass(frozen=True)
class Band:
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


@dataclass(frozen=True)
class Window:
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


@dataclass(frozen=True)
class Timeline:
    """The verdict over time for each weapon x territory asked, per reading."""

    kind: str
    operator: str
    forces: tuple[str, ...] | None
    consents: tuple[str, ...]
    readings: tuple[str, ...]
    bands: tuple[Band, ...]
    windows: tuple[Window, ...]
    notes: tuple[str, ...] = ()

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
    return Timeline(
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
        opened = _boundary_refs(book, readings, weapon, span.start) if intervals else ()
        intervals.append(Interval(span.start, span.end, verdict, opened))
    return tuple(intervals)


# --------------------------------------------------------------------------- why-not


@dataclass(frozen=True)
class FieldChange:
    field: str  # date | assume.consent | target.kind | target.territory | target.forces | ...
    value: Any  # what to write in the scenario (JSON-ready)
    label: str  # how to say it


@dataclass(frozen=True)
class Alternative:
    changes: tuple[FieldChange, ...]
    verdict: str
    readings: dict[str, str]
    because: tuple[RuleRef, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": [
                {"field": c.field, "value": c.value, "label": c.label} for c in self.changes
            ],
            "fields_changed": len(self.changes),
            "verdict": self.verdict,
            "readings": self.readings,
            "because": [r.to_dict() for r in self.because],
        }


@dataclass(frozen=True)
class WhyNot:
    scenario: str
    file: str | None
    verdict: str
    readings: dict[str, str]
    alternatives: tuple[Alternative, ...]
    searched: int = 0  # how many variants were evaluated
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "file": self.file,
            "verdict": self.verdict,
            "readings": self.readings,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "searched": self.searched,
            "notes": list(self.notes),
        }


Variant = tuple[FieldChange, Callable[[Scenario], Scenario]]


def _with_target(scenario: Scenario, **changes: Any) -> Scenario:
    return replace(scenario, target=replace(scenario.target, **changes))


def _with_consent(scenario: Scenario, states: tuple[str, ...]) -> Scenario:
    from checker.model.scenario import Assume

    return replace(scenario, assume=Assume(consent=list(states)))


class _Search:
    def __init__(self, book: Rulebook, scenario: Scenario, reading: str | None) -> None:
        self.book, self.scenario, self.reading = book, scenario, reading
        self.space = build_space(book)
        self.strike = strike_of(book, scenario)
        self.readings = readings_to_run(book, reading)
        self.base = evaluate(book, scenario, reading=reading)
        self.count = 0

    def verdict_of(self, scenario: Scenario, reading: str | None = None) -> Any:
        self.count += 1
        return evaluate(self.book, scenario, reading=reading or self.reading)

    # ---- the variants of each dimension, from the space's classes

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

    # ---- the search

    def run(self) -> WhyNot:
        base = self.base
        found: list[Alternative] = []
        dimensions = self.dimensions()
        for variants in dimensions:
            found += self._try([[v] for v in variants])
        found += self._readings()
        found = _prune(found, self.strike.day)
        if not found:
            for first, second in itertools.combinations(dimensions, 2):
                found += self._try([[a, b] for a in first for b in second])
            found = _prune(found, self.strike.day)
        notes = []
        if not found:
            notes.append("no change of one or two fields gives a different verdict")
        return WhyNot(
            scenario=base.scenario,
            file=base.file,
            verdict=base.verdict,
            readings=base.readings,
            alternatives=tuple(found),
            searched=self.count,
            notes=tuple(notes),
        )

    def _try(self, combos: list[list[Variant]]) -> list[Alternative]:
        found = []
        for combo in combos:
            scenario = self.scenario
            for _, apply in combo:
                scenario = apply(scenario)
            verdict = self.verdict_of(scenario)
            if verdict.verdict == self.base.verdict:
                continue
            changes = tuple(change for change, _ in combo)
            because = self._because(changes, verdict)
            found.append(Alternative(changes, verdict.verdict, verdict.readings, because))
        return found

    def _readings(self) -> list[Alternative]:
        found: list[Alternative] = []
        others = [r for r in self.book.readings if (r,) != self.readings]
        for name in others:
            verdict = self.verdict_of(self.scenario, name)
            if verdict.verdict == self.base.verdict:
                continue
            change = FieldChange("reading", name, f"under the {name} reading only")
            refs = tuple(
                rule_ref(
                    self.book,
                    rule,
                    f"read as: {self.book.header.readings.get(name, name)}",
                    readings=(name,),
                    prefer=("territor",),
                )
                for rule in verdict.rules
                if isinstance(self.book.rule(rule), Grant) and self.book.rule(rule).readings  # type: ignore[union-attr]
            )
            found.append(Alternative((change,), verdict.verdict, verdict.readings, refs))
        return found

    def _because(self, changes: tuple[FieldChange, ...], verdict: Any) -> tuple[RuleRef, ...]:
        refs: list[RuleRef] = []
        readings = [r.reading for r in verdict.results]
        for change in changes:
            if change.field == "date":
                day = date.fromisoformat(change.value)
                refs += self._date_refs(day)
            elif change.field == "assume.consent":
                refs.append(rule_ref(self.book, "assume.consent", change.label))
        old, new = set(self.base.rules), list(verdict.rules)
        prefer = {
            "target.territory": ("territor",),
            "target.kind": ("target",),
            "target.forces": ("forces", "target"),
        }
        words = tuple(w for c in changes for w in prefer.get(c.field, ()))
        gained = [r for r in new if r not in old]
        lost = [r for r in self.base.rules if r not in set(new)]
        # The rule that makes the difference: one that now applies, else one that no longer does.
        if refs:  # a date's boundary rule, or the assumed consent, is the difference
            return tuple(refs)
        for rule in gained:
            refs.append(rule_ref(self.book, rule, "now applies", readings=readings, prefer=words))
        if not refs and lost:
            refs.append(
                rule_ref(self.book, lost[0], "no longer applies", readings=readings, prefer=words)
            )
        if not refs:  # the same rules fire, but a grant now holds surely (or no longer)
            grants = [r for r in new if isinstance(self.book.rule(r), Grant)]
            refs += [
                rule_ref(
                    self.book, r, "now surely covers this strike", readings=readings, prefer=words
                )
                for r in grants
            ]
        return tuple(refs)

    def _date_refs(self, day: date) -> list[RuleRef]:
        here = self.strike.day
        lo, hi = min(here, day), max(here, day)
        refs: list[RuleRef] = []
        events = _date_events(self.book, self.readings, self.strike.weapon)
        for boundary in sorted(events):
            if lo < boundary <= hi:
                refs += _boundary_refs(self.book, self.readings, self.strike.weapon, boundary)
        return refs


def _prune(found: list[Alternative], today: date) -> list[Alternative]:
    """Keep the minimal ones: for dates the nearest per direction and verdict; for consents,
    no superset of a consent that already suffices; then rank by fields changed."""
    kept: list[Alternative] = []
    for alt in found:
        fields = [c.field for c in alt.changes]
        if fields == ["date"]:
            day = date.fromisoformat(alt.changes[0].value)
            later = "(later)" in alt.changes[0].label
            rivals = [
                date.fromisoformat(o.changes[0].value)
                for o in found
                if [c.field for c in o.changes] == ["date"]
                and o.verdict == alt.verdict
                and ("(later)" in o.changes[0].label) == later
            ]
            if day != (min(rivals) if later else max(rivals)):
                continue
        if fields == ["assume.consent"]:
            mine = set(alt.changes[0].value)
            if any(
                [c.field for c in o.changes] == ["assume.consent"]
                and o.verdict == alt.verdict
                and set(o.changes[0].value) < mine
                for o in found
            ):
                continue
        kept.append(alt)
    order = [
        "date",
        "assume.consent",
        "target.kind",
        "target.territory",
        "target.forces",
        "operator",
        "reading",
    ]

    def rank(alt: Alternative) -> tuple[int, list[int], int]:
        days = [
            abs((date.fromisoformat(c.value) - today).days)
            for c in alt.changes
            if c.field == "date"
        ]
        return len(alt.changes), [order.index(c.field) for c in alt.changes], sum(days)

    return sorted(kept, key=rank)


def why_not(
    book: Rulebook, scenario: Scenario, *, reading: str | None = None, file: str | None = None
) -> WhyNot:
    """The minimal changes to `scenario` that would give a different verdict."""
    result = _Search(book, scenario, reading).run()
    return replace(result, file=file) if file else result


# --------------------------------------------------------------------------- renderers

_STYLE = {"permitted": "bold green", "prohibited": "bold red", "undetermined": "bold yellow"}


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _ref_line(ref: RuleRef, indent: str) -> list[str]:
    if ref.rule == "assume.consent":
        return [f"{indent}- {_esc(ref.title)}"]
    lines = [f"{indent}- {_esc(ref.rule)}: {_esc(ref.title)} ({_esc(ref.event)})"]
    if ref.quote:
        lines.append(
            f'{indent}  [dim]"{_esc(ref.quote)}" — {_esc(ref.source or "")}, {ref.published}[/]'
        )
    return lines


def timeline_text(result: Timeline) -> str:
    lines: list[str] = []
    for weapon, where in result.combos:
        lines.append(f"[bold]{_esc(weapon)} on {_esc(where)}[/]  ({_esc(result.describe())})")
        bands = [b for b in result.bands if (b.weapon, b.where) == (weapon, where)]
        agree = len(bands) > 1 and all(
            [(i.start, i.verdict) for i in b.intervals]
            == [(i.start, i.verdict) for i in bands[0].intervals]
            for b in bands
        )
        if agree:  # one table says it all
            names = ", ".join(b.reading or "" for b in bands[1:])
            bands = [replace(bands[0], reading=f"all readings ({names} agree)")]
        for band in bands:
            lines.append(f"  {_esc(band.reading or 'all readings')}:")
            for interval in band.intervals:
                style = _STYLE[interval.verdict]
                lines.append(f"    {interval.label():<26} [{style}]{interval.verdict}[/]")
                for ref in interval.opened_by:
                    lines += _ref_line(ref, "      ")
    for window in result.windows:
        lines.append(
            f"[yellow]note:[/] {window.rule} is known only to the month: strikes from "
            f"{window.first} to {window.last} are undetermined for it"
        )
    lines += [f"[dim]note: {_esc(note)}[/]" for note in result.notes]
    return "\n".join(lines) + "\n"


def timeline_markdown(result: Timeline) -> str:
    lines = [f"### Verdict over time ({result.describe()})", ""]
    lines += [
        "| weapon | territory | reading | dates | verdict | opened by |",
        "|---|---|---|---|---|---|",
    ]
    for band in result.bands:
        for interval in band.intervals:
            opened = "<br>".join(
                f'`{r.rule}` {r.event}: "{r.quote}" ({r.source}, {r.published})'
                for r in interval.opened_by
            )
            lines.append(
                f"| {band.weapon} | {band.where} | {band.reading or 'all'} | {interval.label()} "
                f"| **{interval.verdict}** | {opened} |"
            )
    lines.append("")
    lines += [f"- month-precision window: `{w.rule}` {w.first} to {w.last}" for w in result.windows]
    lines += [f"- {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def why_not_text(result: WhyNot) -> str:
    style = _STYLE[result.verdict]
    readings = " · ".join(f"{r} {v}" for r, v in result.readings.items())
    lines = [
        f"[bold]{_esc(result.scenario)}[/]  [{style}]{result.verdict.upper()}[/]  ({readings})",
    ]
    if result.alternatives:
        lines.append("  what would give a different verdict (fewest changes first):")
    for number, alt in enumerate(result.alternatives, 1):
        what = " and ".join(c.label for c in alt.changes)
        lines.append(f"  {number}. {_esc(what)} → [{_STYLE[alt.verdict]}]{alt.verdict}[/]")
        for ref in alt.because:
            lines += _ref_line(ref, "       ")
    lines += [f"  [dim]note: {_esc(note)}[/]" for note in result.notes]
    lines.append(f"  [dim]{result.searched} variants evaluated[/]")
    return "\n".join(lines) + "\n"


def why_not_markdown(result: WhyNot) -> str:
    lines = [f"### Why not? {result.scenario}: **{result.verdict}**", ""]
    lines += ["| # | change | verdict | because |", "|---|---|---|---|"]
    for number, alt in enumerate(result.alternatives, 1):
        what = " and ".join(c.label for c in alt.changes)
        because = "<br>".join(
            f"`{r.rule}` {r.event}" + (f': "{r.quote}"' if r.quote else "") for r in alt.because
        )
        lines.append(f"| {number} | {what} | **{alt.verdict}** | {because} |")
    lines += [f"\n{note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def as_json(result: Timeline | WhyNot) -> str:
    import json

    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


TIMELINE_RENDERERS: dict[str, Callable[[Timeline], str]] = {
    "text": timeline_text,
    "json": as_json,
    "markdown": timeline_markdown,
}
WHY_NOT_RENDERERS: dict[str, Callable[[WhyNot], str]] = {
    "text": why_not_text,
    "json": as_json,
    "markdown": why_not_markdown,
}
