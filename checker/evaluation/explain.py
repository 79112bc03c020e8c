"""From what fired under each reading to one verdict: its summary, reasons, caveats and sources.

Each reading's trace is put in words by `checker.evaluation.reasons`; here the readings are
joined (theirs if they agree, else undetermined, each reading's deciding facts shown), the
summary is the verdict and the deciding fact in a sentence, and the caveats say what the
verdict cannot know (a strike after the newest source, a weapon named by its launcher).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from msgspec.structs import replace

from checker.evaluation.reach import feasibility_of
from checker.evaluation.reasons import Explainer
from checker.model import names
from checker.model.feasibility import range_warnings
from checker.model.rulebook import Rulebook
from checker.model.strike import Strike
from checker.model.trace import Trace
from checker.model.verdict import (
    Caveat,
    ReadingResult,
    Reason,
    SourceRef,
    Uncertainty,
    Verdict,
)

if TYPE_CHECKING:
    from checker.model.scenario import Scenario


def assemble(
    rulebook: Rulebook,
    scenario: Scenario,
    strike: Strike,
    traces: dict[str, Trace],
    *,
    file: str | None = None,
    after_sources: bool | None = None,
) -> Verdict:
    """One verdict from every reading's trace: theirs if they agree, else undetermined.

    `after_sources`: whether the strike is later than the newest source, when the caller
    knows it from the strike's class (the memo): then the strike's day is not read for it.
    """
    results = tuple(
        Explainer(rulebook, strike, reading, trace).explain() for reading, trace in traces.items()
    )
    verdicts = {r.verdict for r in results}
    overall = verdicts.pop() if len(verdicts) == 1 else "undetermined"
    rules = _unique(rule for r in results for rule in r.rules)
    doubts = [u for r in results for u in r.undetermined]
    disagree = len(results) > 1 and len({r.verdict for r in results}) > 1
    if disagree:
        split = ", ".join(f"{r.reading} → {r.verdict}" for r in results)
        doubts.insert(0, Uncertainty("readings-disagree", f"the readings disagree: {split}"))
        reasons = _disagreeing(results)
        summary = f"Undetermined: {_readings_clause(rulebook, results)}."
    else:
        reasons = _unique(r for result in results for r in result.reasons)
        summary = f"{overall.capitalize()}: {results[0].why}."
    if after_sources is None:
        after_sources = strike.day > rulebook.newest_source
    caveats = _caveats(rulebook, after_sources, strike)
    sources = _sources(rulebook, rules, [r.reading for r in results])
    name = names.scenario_name(scenario.id, file)
    feasibility = feasibility_of(rulebook, scenario, strike)
    warnings = range_warnings(feasibility)
    return Verdict(
        scenario=name,
        verdict=overall,
        results=results,
        reasons=tuple(reasons),
        rules=rules,
        sources=sources,
        undetermined=tuple(doubts) if overall == "undetermined" else (),
        feasibility=feasibility,
        expect=scenario.expect,
        file=file,
        warnings=warnings,
        summary=summary,
        caveats=caveats,
        title=scenario.title,
        strike=strike,
    )


def _disagreeing(results: tuple[ReadingResult, ...]) -> tuple[Reason, ...]:
    """Each reading's deciding reasons (marked with the reading), then the shared context."""
    deciding = [
        replace(reason, reading=result.reading)
        for result in results
        for reason in result.reasons
        if reason.deciding
    ]
    context = [reason for result in results for reason in result.reasons if not reason.deciding]
    return _unique([*deciding, *context])


def _readings_clause(rulebook: Rulebook, results: tuple[ReadingResult, ...]) -> str:
    parts = []
    for index, result in enumerate(results):
        scope = reading_scope(rulebook, result.reading)
        label = f"under the {result.reading} reading" + (f" ({scope})" if scope else "")
        subject = "the strike" if index == 0 else "it"
        outcome = (
            "could not be decided" if result.verdict == "undetermined" else f"was {result.verdict}"
        )
        parts.append(f"{label} {subject} {outcome}")
    count = _NUMBERS.get(len(results), str(len(results)))
    return f"the report can be read {count} ways: " + "; ".join(parts)


_NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five"}


def reading_scope(rulebook: Rulebook, reading: str) -> str | None:
    """What a reading means, in a few words ("Kursk oblast only"), from the grants it changes."""
    for grant in rulebook.grants:
        override = grant.readings.get(reading)
        if override is not None:
            return override.summary
    return None


def _caveats(rulebook: Rulebook, after_sources: bool, strike: Strike) -> tuple[Caveat, ...]:
    found = []
    if after_sources:
        day = names.day(rulebook.newest_source)
        found.append(
            Caveat(
                "after-sources",
                f"The strike is later than the newest source ({day}): decisions taken after "
                f"it are not in the rulebook, so this verdict is the policy as reported on {day}.",
            )
        )
    if strike.launcher:
        weapon = rulebook.weapon(strike.weapon)
        what = weapon.description or weapon.name
        found.append(
            Caveat(
                "launcher-named",
                f"The weapon is named by its launcher: {weapon.name} here means {what}. A "
                "different missile fired from the same launcher (such as an ATACMS) is "
                "evaluated under its own name.",
            )
        )
    return tuple(found)


def _unique(items: Any) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(items))


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=_Identified)


def _find(rules: Iterable[R], rule_id: str | None) -> R | None:
    """The rule of one section with this id (ids are unique across the rulebook).

    Sections, not `isinstance` on the models: a plain twin (checker.plain) is no model.
    """
    return next((rule for rule in rules if rule.id == rule_id), None)


def _sources(
    rulebook: Rulebook, rules: tuple[str, ...], readings: list[str]
) -> tuple[SourceRef, ...]:
    refs: list[SourceRef] = []
    for rule_id in rules:
        entries = list(rulebook.rule(rule_id).provenance)
        grant = _find(rulebook.grants, rule_id)
        if grant is not None:
            for reading in readings:
                override = grant.readings.get(reading)
                if override is not None:
                    entries.extend(override.provenance)
        for entry in entries:
            source = rulebook.sources[entry.source]
            refs.append(
                SourceRef(
                    rule_id,
                    source.id,
                    source.title,
                    source.published.isoformat(),
                    entry.quote,
                    entry.evidence,
                    tuple(entry.supports),
                    entry.highlight,
                    entry.basis,
                )
            )
    return _unique(refs)
