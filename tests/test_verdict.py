"""Verdicts carry their reasons: readings, uncertainty codes, sources, feasibility."""

from __future__ import annotations

from typing import Any

import checker
from checker.model.rulebook import Rulebook
from checker.model.scenario import Scenario
from checker.read.scenario import scenario_of


def scenario(**fields: Any) -> Scenario:
    target = {"territory": "RU-KRS", "kind": "ammunition_depot"} | fields.pop("target", {})
    return scenario_of({"date": "2024-11-20", "weapon": "ATACMS", "target": target, **fields})


def codes(verdict: checker.Verdict) -> list[str]:
    return [u.code for u in verdict.undetermined]


def test_disagreeing_readings_are_undetermined_with_each_reading_shown(rulebook: Rulebook) -> None:
    verdict = checker.evaluate(rulebook, scenario(target={"territory": "RU-BRY"}))
    assert verdict.verdict == "undetermined"
    assert verdict.readings == {"narrow": "prohibited", "broad": "permitted"}
    assert codes(verdict) == ["readings-disagree"]
    assert verdict.undetermined[0].detail == (
        "the readings disagree: narrow → prohibited, broad → permitted"
    )
    first = verdict.reasons[0]
    assert first.deciding and first.reading == "narrow" and "not Bryansk oblast" in first.text
    assert first.quote is not None and "Kursk region" in first.quote  # the reading's sentence
    assert verdict.summary.startswith("Undetermined: the report can be read two ways")
    assert "us-restriction" in verdict.rules and "us-grant-atacms" in verdict.rules


def test_month_precision_is_its_own_reason(rulebook: Rulebook) -> None:
    s = scenario(
        date="2024-05-15",
        weapon="HIMARS",
        target={"territory": "RU-BEL", "kind": "troops", "forces": ["RU"]},
    )
    verdict = checker.evaluate(rulebook, s)
    assert verdict.verdict == "undetermined"
    assert set(codes(verdict)) == {"month-precision"}
    assert any(
        "dated only to the month (May 2024), and the strike on 15 May 2024 falls inside it"
        in u.detail
        for u in verdict.undetermined
    )
    deciding = verdict.reasons[0]
    assert deciding.deciding and deciding.evidence == "inferred"  # the month is our reading
    assert deciding.quote is not None and "in May" in deciding.quote


def test_a_missing_fact_names_the_field_that_would_decide(rulebook: Rulebook) -> None:
    verdict = checker.evaluate(rulebook, scenario(target={"territory": "RU", "kind": "troops"}))
    details = " | ".join(u.detail for u in verdict.undetermined)
    assert verdict.verdict == "undetermined"
    assert "the scenario does not say whose forces are at the target" in details
    assert "the scenario gives the target only as Russia" in details
    assert {u.field for u in verdict.undetermined} >= {"target.forces", "target.territory"}


def test_outside_the_policy_says_which_part(rulebook: Rulebook) -> None:
    by = checker.evaluate(rulebook, scenario(target={"territory": "BY"}))
    pl = checker.evaluate(rulebook, scenario(operator="PL"))
    assert (by.verdict, pl.verdict) == ("undetermined", "undetermined")
    assert "Belarus lies outside the reported policy" in by.undetermined[0].detail
    assert "The strike is by Poland" in pl.undetermined[0].detail


def test_no_uncertainty_is_reported_for_decided_verdicts(rulebook: Rulebook) -> None:
    verdict = checker.evaluate(
        rulebook, scenario(target={"territory": "RU-KRS", "kind": "airbase"})
    )
    assert verdict.verdict == "prohibited" and verdict.undetermined == ()
    assert verdict.summary == (
        "Prohibited: the consent the United States was reported to give for ATACMS covers "
        "troop concentrations, critical military equipment, logistics hubs, ammunition depots "
        "and supply lines, not airbases, and no other consent of the United States is reported."
    )
    assert verdict.reasons[0].quote is not None and "supply lines" in verdict.reasons[0].quote


def test_sources_quote_the_rules_that_fired(rulebook: Rulebook) -> None:
    verdict = checker.evaluate(rulebook, scenario(), reading="narrow")
    assert {s.rule for s in verdict.sources} == set(verdict.rules)
    narrow = [s for s in verdict.sources if "reading" in s.supports]
    assert narrow and "Kursk region" in narrow[0].quote
    assert all(s.published == "2024-11-17" for s in verdict.sources)


def test_feasibility_is_a_finding_never_the_verdict(rulebook: Rulebook) -> None:
    far = scenario(
        weapon="HIMARS",
        target={
            "territory": "RU-MOS",
            "kind": "troops",
            "forces": ["RU"],
            "location": {"lat": 55.75, "lon": 37.62},
        },
        launch={"location": {"lat": 50.0, "lon": 36.23}},
    )
    verdict = checker.evaluate(rulebook, far)
    assert verdict.verdict == "permitted"
    assert verdict.feasibility is not None and not verdict.feasibility.within_range
    assert 640 < verdict.feasibility.distance_km < 660  # Kharkiv to Moscow
    assert verdict.warnings and "beyond the 80 km range" in verdict.warnings[0]
