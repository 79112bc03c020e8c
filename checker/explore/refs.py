"""Rule references: the rule that makes a difference, with the sentence it rests on.

Owns `RuleRef` and how one is built from a rule's provenance (`rule_ref`), and the rules
whose in-force dates fall on a given day (`date_events`, `boundary_refs`). Both the
timeline (what opens an interval) and the why-not search (what a date change crosses)
name rules this way, so it sits below both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from msgspec import Struct
from msgspec.structs import asdict

from checker.model import names
from checker.model.dates import PolicyDate
from checker.model.rulebook import Rulebook
from checker.model.rules import Grant, Provenance, Rule


class RuleRef(Struct, frozen=True):
    """A rule that makes a difference, with the sentence it rests on."""

    rule: str
    title: str
    event: str  # e.g. "in force from 2024-11-17", or what the rule does here
    quote: str | None = None
    source: str | None = None
    published: str | None = None
    evidence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _provenance(rule: Rule, readings: Iterable[str], prefer: Sequence[str]) -> list[Provenance]:
    entries = list(rule.provenance)
    if isinstance(rule, Grant):
        for reading in readings:
            override = rule.readings.get(reading)
            if override is not None:
                entries = [*override.provenance, *entries]
    for word in prefer:
        chosen = [e for e in entries if word in e.supports]
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


def date_events(book: Rulebook, readings: Sequence[str], weapon: str) -> dict[date, list[str]]:
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
                month = names.month(start.first)
                add(start.first, rule.id, f"in force from {month} (the day is not known)")
                add(start.last + timedelta(days=1), rule.id, f"surely in force after {month}")
            else:
                add(start.first, rule.id, f"in force from {names.day(start.first)}")
        if end is not None:
            last = names.month(end.first) if end.precision == "month" else names.day(end.last)
            if end.precision == "month":
                add(end.first, rule.id, f"in force until {last} (the day is not known)")
            add(end.last + timedelta(days=1), rule.id, f"no longer in force after {last}")
    return found


def boundary_refs(
    book: Rulebook, readings: Sequence[str], weapon: str, day: date | None
) -> tuple[RuleRef, ...]:
    if day is None:
        return ()
    events = date_events(book, readings, weapon).get(day, [])
    refs = []
    for entry in events:
        rule_id, event = entry.split("\t", 1)
        refs.append(rule_ref(book, rule_id, event, readings=readings, prefer=("in_force",)))
    return tuple(refs)
