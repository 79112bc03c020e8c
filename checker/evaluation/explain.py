"""From what fired under each reading to one verdict with its reasons and sources."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from checker.model.rulebook import Rulebook
from checker.model.strike import Strike
from checker.model.trace import Consent, Trace
from checker.model.verdict import (
    Feasibility,
    ReadingResult,
    SourceRef,
    Uncertainty,
    Verdict,
    range_warnings,
)

if TYPE_CHECKING:
    from checker.model.rules import Grant, Weapon
    from checker.model.scenario import Scenario


# --------------------------------------------------------------------------- one reading


class _Explainer:
    """Sentences for one reading's trace, in the order a reader follows the chain."""

    def __init__(self, rulebook: Rulebook, strike: Strike, reading: str, trace: Trace) -> None:
        self.book, self.strike, self.reading, self.trace = rulebook, strike, reading, trace
        self.grants = {g.id: g for g in rulebook.grants_under(reading)}
        self.rules: list[str] = []
        self.reasons: list[str] = []
        self.doubts: list[Uncertainty] = []

    def explain(self) -> ReadingResult:
        trace = self.trace
        (verdict,) = trace.verdicts
        regime = _find(self.book.baseline, trace.regime)
        if regime is not None:
            self._use(regime.id, f"{regime.title} ({regime.id})")
            if regime.then == "consent":
                self._consents()
            elif regime.then == "undetermined":
                self.doubts.append(
                    Uncertainty("outside-policy", self._outside(), self.reading, regime.id)
                )
        return ReadingResult(
            self.reading, verdict, tuple(self.rules), tuple(self.reasons), tuple(self.doubts)
        )

    def _use(self, rule_id: str, reason: str | None = None) -> None:
        if rule_id not in self.rules:
            self.rules.append(rule_id)
        if reason and reason not in self.reasons:
            self.reasons.append(reason)

    def _outside(self) -> str:
        strike, covered = self.strike, self._covered_countries()
        if strike.operator != "UA":
            return (
                f"operator {strike.operator} is outside the reported policy (it concerns Ukraine)"
            )
        return (
            f"territory {strike.territory} is outside the reported policy "
            f"(it covers {', '.join(covered)})"
        )

    def _covered_countries(self) -> list[str]:
        return sorted({c for r in self.book.baseline for c in (r.when.territories or ())})

    def _consents(self) -> None:
        trace = self.trace
        weapon = self.book.weapon(trace.weapon_rule) if trace.weapon_rule else None
        if weapon is not None:
            states = " and ".join(trace.required)
            self._use(weapon.id, f"{weapon.name} ({weapon.id}) needs the consent of {states}")
        for state in trace.required:
            sure = [c for c in trace.present if c.state == state]
            maybe = [c for c in trace.doubtful if c.state == state]
            if sure:
                for consent in sure:
                    self._use_consent(consent, f"consent of {state} is in force: ")
            elif maybe:
                for consent in maybe:
                    self._use_consent(consent, f"consent of {state} is only possibly in force: ")
            else:
                self._missing(state, trace.missing.get(state, []))

    def _use_consent(self, consent: Consent, lead: str) -> None:
        if consent.via == "assume":
            self._use_assumption(lead)
            return
        grant = self.grants[consent.via]
        self._use(grant.id, f"{lead}{grant.title} ({grant.id}, in force {grant.in_force})")
        for why in consent.why:
            detail = self._doubt_detail(grant, why)
            self.doubts.append(Uncertainty(_DOUBT_CODES[why], detail, self.reading, grant.id))
            self.reasons.append(f"  {detail}")

    def _use_assumption(self, lead: str) -> None:
        reason = f"{lead}assumed in the scenario (assume.consent)"
        if reason not in self.reasons:
            self.reasons.append(reason)

    def _doubt_detail(self, grant: Grant, why: str) -> str:
        strike = self.strike
        if why == "month":
            start = grant.in_force.from_
            end = grant.in_force.until
            month = start if start and start.precision == "month" else end
            return (
                f"{grant.id} is in force {grant.in_force}, a date known only to the month, "
                f"and {strike.day.isoformat()} falls inside {month}"
            )
        if why == "forces":
            wanted = sorted({f for clause in grant.targets for f in clause.forces or ()})
            return (
                f"target.forces is not given, and {grant.id} covers only forces within "
                f"{', '.join(wanted)}"
            )
        places = ", ".join(grant.territories)
        return (
            f"target.territory is given only as {strike.territory}, and under the "
            f"{self.reading} reading {grant.id} covers {places} only"
        )

    def _missing(self, state: str, citing: list[str]) -> None:
        lead = f"consent of {state} is missing"
        if not citing:
            self.reasons.append(f"{lead}: no grant covers this strike, and none is assumed")
        for rule_id in citing:
            rule = _find(self.book.restrictions, rule_id)
            assert rule is not None
            self._use(rule_id, f"{lead}: {rule.title} ({rule_id})")
        hint = self._would_need(state)
        if hint:
            self.reasons.append(f"  {hint}")

    def _would_need(self, state: str) -> str:
        weapon = self.strike.weapon
        grants = [g for g in self.grants.values() if g.grantor == state and weapon in g.weapons]
        if not grants:
            return f"no reported grant of {state} covers {weapon}; only assume.consent could"
        parts = []
        for grant in grants:
            kinds = sorted({k for clause in grant.targets for k in clause.kinds})
            parts.append(
                f"{grant.id} covers {', '.join(kinds)} on {', '.join(grant.territories)}"
                f" {grant.in_force}"
            )
        return "would need: " + "; ".join(parts) + f"; or assume.consent including {state}"


_DOUBT_CODES = {"month": "month-precision", "forces": "missing-fact", "subdivision": "missing-fact"}


# --------------------------------------------------------------------------- all readings


def assemble(
    rulebook: Rulebook,
    scenario: Scenario,
    strike: Strike,
    traces: dict[str, Trace],
    *,
    file: str | None = None,
) -> Verdict:
    """One verdict from every reading's trace: theirs if they agree, else undetermined."""
    results = tuple(
        _Explainer(rulebook, strike, reading, trace).explain() for reading, trace in traces.items()
    )
    verdicts = {r.verdict for r in results}
    overall = verdicts.pop() if len(verdicts) == 1 else "undetermined"
    rules = _unique(rule for r in results for rule in r.rules)
    doubts = [u for r in results for u in r.undetermined]
    reasons: list[str] = []
    if len(results) > 1 and len({r.verdict for r in results}) > 1:
        split = ", ".join(f"{r.reading} → {r.verdict}" for r in results)
        doubts.insert(0, Uncertainty("readings-disagree", f"the readings disagree: {split}"))
        reasons.append(f"the readings disagree: {split}")
        for result in results:
            reasons.extend(f"[{result.reading}] {line}" for line in result.reasons)
    else:
        reasons.extend(_unique(line for r in results for line in r.reasons))
    sources = _sources(rulebook, rules, [r.reading for r in results])
    name = scenario.id or (file.rsplit("/", 1)[-1].removesuffix(".json") if file else "scenario")
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
    )


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
                    entry.supports,
                    entry.basis,
                )
            )
    return _unique(refs)


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
    from geographiclib.geodesic import Geodesic

    line = Geodesic.WGS84.Inverse(launch.lat, launch.lon, target.lat, target.lon)
    distance = line["s12"] / 1000
    weapon: Weapon = rulebook.weapon(weapon_id)
    return Feasibility(
        distance_km=round(distance, 1),
        range_km=weapon.range.km,
        margin_km=round(weapon.range.km - distance, 1),
        within_range=distance <= weapon.range.km,
        range_stated=weapon.range.stated,
        weapon=weapon.name,
    )
