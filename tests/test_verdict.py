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
    assert verdict.reasons[0] == "the readings disagree: narrow → prohibited, broad → permitted"
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
    assert any("2024-05-15 falls inside 2024-05" in u.detail for u in verdict.undetermined)


def test_a_missing_fact_names_the_field_that_would_decide(rulebook: Rulebook) -> None:
    verdict = checker.evaluate(rulebook, scenario(target={"territory": "RU", "kind": "troops"}))
    details = " | ".join(u.detail for u in verdict.undetermined)
    assert verdict.verdict == "undetermined"
    assert "target.forces is not given" in details
    assert "target.territory is given only as RU" in details


def test_outside_the_policy_says_which_part(rulebook: Rulebook) -> None:
    by = checker.evaluate(rulebook, scenario(target={"territory": "BY"}))
    pl = checker.evaluate(rulebook, scenario(operator="PL"))
    assert (by.verdict, pl.verdict) == ("undetermined", "undetermined")
    assert "territory BY is outside" in by.undetermined[0].detail
    assert "operator PL is outside" in pl.undetermined[0].detail


def test_no_uncertainty_is_reported_for_decided_verdicts(rulebook: Rulebook) -> None:
    verdict = checker.evaluate(
        rulebook, scenario(target={"territory": "RU-KRS", "kind": "airbase"})
    )
    assert verdict.verdict == "prohibited" and verdict.undetermined == ()
    assert any("would need: us-grant-atacms" in r for r in verdict.reasons)


def test_sources_quote_the_rules_that_fired(rulebook: Rulebook) -> None:
    verdict = checker.evaluate(rulebook, scenario(), reading="narrow")
    assert {s.rule for s in verdict.sources} == set(verdict.rules)
    narrow = [s for s in verdict.sources if s.supports == "territory RU-KRS"]
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
