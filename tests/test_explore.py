"""Timelines and why-not, over the finite space, agree with evaluating single scenarios."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

import checker
from checker.errors import CheckerError
from checker.evaluation.scenario import evaluate
from checker.explore.timeline import default_kind, timeline
from checker.explore.whynot import why_not
from checker.model.rulebook import Rulebook
from checker.model.scenario import Scenario
from checker.read.documents import data_of
from checker.read.scenario import scenario_of
from checker.report.registry import renderers

from .conftest import SCENARIOS

# The registry's renderers, their output as the text the writer prints off a terminal.
TIMELINE_RENDERERS = {f: lambda r, fn=fn: str(fn(r)) for f, fn in renderers("Timeline").items()}
WHY_NOT_RENDERERS = {f: lambda r, fn=fn: str(fn(r)) for f, fn in renderers("WhyNot").items()}

GRANT_DAY = date(2024, 11, 17)


def scenario(**fields: object) -> Scenario:
    data: dict[str, object] = {
        "date": "2024-11-10",
        "weapon": "ATACMS",
        "target": {"territory": "RU-KRS", "kind": "ammunition_depot"},
    }
    data.update(fields)
    return scenario_of(data)


# --------------------------------------------------------------------------- timeline


def test_atacms_kursk_timeline_changes_on_the_grant_day(rulebook: Rulebook) -> None:
    result = timeline(rulebook, ["atacms"], territories=["RU-KRS"], kind="ammunition_depot")
    combined = result.bands[0]
    assert combined.reading is None
    assert [(i.start, i.last, i.verdict) for i in combined.intervals] == [
        (None, GRANT_DAY - timedelta(days=1), "prohibited"),
        (GRANT_DAY, None, "permitted"),
    ]
    (opened,) = combined.intervals[1].opened_by
    assert opened.rule == "us-grant-atacms"
    assert opened.event == "in force from 17 Nov 2024"
    assert opened.quote and opened.published == "2024-11-17"
    assert [b.reading for b in result.bands] == [None, "narrow", "broad"]


def test_readings_split_outside_kursk(rulebook: Rulebook) -> None:
    result = timeline(rulebook, ["ATACMS"], territories=["RU-BEL"], kind="supply_line")
    bands = {b.reading: b for b in result.bands}
    assert [i.verdict for i in bands["narrow"].intervals] == ["prohibited"]
    assert [i.verdict for i in bands["broad"].intervals] == ["prohibited", "permitted"]
    assert [i.verdict for i in bands[None].intervals] == ["prohibited", "undetermined"]


def test_himars_month_window(rulebook: Rulebook) -> None:
    result = timeline(rulebook, ["HIMARS"], territories=["RU-BEL"], kind="troops", forces=["RU"])
    band = result.bands[0]
    assert [(i.start, i.verdict) for i in band.intervals] == [
        (None, "prohibited"),
        (date(2024, 5, 1), "undetermined"),
        (date(2024, 6, 1), "permitted"),
    ]
    assert [r.rule for r in band.intervals[2].opened_by] == ["us-grant-himars"]
    (window,) = result.windows
    assert (window.first, window.last, window.rule) == (
        date(2024, 5, 1),
        date(2024, 5, 31),
        "us-grant-himars",
    )


@pytest.mark.parametrize("reading", ["narrow", "broad"])
@pytest.mark.parametrize("territory", ["RU-KRS", "RU-BEL", "RU", "UA-43", "BY"])
def test_every_interval_agrees_with_evaluate(
    rulebook: Rulebook, reading: str, territory: str
) -> None:
    result = timeline(
        rulebook,
        ["ATACMS"],
        territories=[territory],
        kind="troops",
        forces=["RU"],
        reading=reading,
    )
    for interval in result.bands[0].intervals:
        days = [d for d in (interval.start, interval.last) if d is not None]
        days += [interval.start + timedelta(days=3)] if interval.start else []
        for day in days:
            case = scenario(
                date=day.isoformat(),
                target={"territory": territory, "kind": "troops", "forces": ["RU"]},
            )
            assert evaluate(rulebook, case, reading=reading).verdict == interval.verdict


def test_defaults_are_stated(rulebook: Rulebook) -> None:
    result = timeline(rulebook, ["ATACMS"])
    assert result.kind == default_kind(rulebook, "atacms") == "military_equipment"
    assert {b.where for b in result.bands} == {"RU-KRS", "any other RU subdivision"}
    assert any("territory not given" in n for n in result.notes)


def test_timeline_refuses_bad_options(rulebook: Rulebook) -> None:
    with pytest.raises(CheckerError, match="unknown weapon 'Tomahawk'"):
        timeline(rulebook, ["Tomahawk"])
    with pytest.raises(CheckerError, match="--territory"):
        timeline(rulebook, ["ATACMS"], territories=["RU-XXX"])
    with pytest.raises(CheckerError, match="unknown reading"):
        timeline(rulebook, ["ATACMS"], reading="wide")


def test_timeline_renderers(rulebook: Rulebook) -> None:
    result = timeline(rulebook, ["ATACMS"], territories=["RU-KRS"], kind="ammunition_depot")
    data = json.loads(TIMELINE_RENDERERS["json"](result))
    assert data["bands"][0]["intervals"][1] == {
        "from": "2024-11-17",
        "until": None,
        "verdict": "permitted",
        "opened_by": [result.bands[0].intervals[1].opened_by[0].to_dict()],
    }
    text = TIMELINE_RENDERERS["text"](result)
    assert "from 17 Nov 2024" in text and "The United States allowed ATACMS" in text
    markdown = TIMELINE_RENDERERS["markdown"](result)
    assert "| ATACMS | Kursk oblast | all | from 17 Nov 2024 | **permitted** |" in markdown


# --------------------------------------------------------------------------- why-not


def test_atacms_in_kursk_before_the_grant(rulebook: Rulebook) -> None:
    result = why_not(rulebook, scenario())
    assert result.verdict == "prohibited"
    first = result.alternatives[0]
    assert [(c.field, c.value) for c in first.changes] == [("date", "2024-11-17")]
    assert first.verdict == "permitted"
    assert first.because[0].rule == "us-grant-atacms"
    consents = [a for a in result.alternatives if a.changes[0].field == "assume.consent"]
    assert [c.changes[0].value for c in consents] == [["US"]]
    assert all(len(a.changes) == 1 for a in result.alternatives)


def test_every_alternative_really_changes_the_verdict(rulebook: Rulebook) -> None:
    base = scenario(date="2024-11-20", target={"territory": "RU-KRS", "kind": "troops"})
    result = why_not(rulebook, base)
    assert result.verdict == "undetermined"  # forces not given
    fields = {a.changes[0].field for a in result.alternatives}
    assert {"date", "assume.consent", "target.kind", "target.forces"} <= fields
    for alt in result.alternatives:
        data = data_of(base)
        for change in alt.changes:
            if change.field.startswith("target."):
                data["target"][change.field.split(".")[1]] = change.value
            elif change.field == "assume.consent":
                data["assume"] = {"consent": change.value}
            else:
                data[change.field] = change.value
        verdict = evaluate(rulebook, scenario_of(data)).verdict
        assert verdict == alt.verdict != result.verdict, alt


def test_nearest_dates_both_ways(rulebook: Rulebook) -> None:
    base = scenario(
        date="2024-05-15",
        weapon="HIMARS",
        target={"territory": "RU-BEL", "kind": "troops", "forces": ["RU"]},
    )
    result = why_not(rulebook, base)
    dates = {
        a.changes[0].value: a.verdict for a in result.alternatives if a.changes[0].field == "date"
    }
    assert dates == {"2024-04-30": "prohibited", "2024-06-01": "permitted"}


def test_reading_that_differs(rulebook: Rulebook) -> None:
    base = scenario(date="2024-11-20", target={"territory": "RU-BEL", "kind": "supply_line"})
    result = why_not(rulebook, base)
    readings = [a for a in result.alternatives if a.changes[0].field == "reading"]
    assert {(a.changes[0].value, a.verdict) for a in readings} == {
        ("narrow", "prohibited"),
        ("broad", "permitted"),
    }
    narrow_only = why_not(rulebook, base, reading="narrow")
    assert narrow_only.verdict == "prohibited"
    territory = [a for a in narrow_only.alternatives if a.changes[0].value == "RU-KRS"]
    assert territory and territory[0].verdict == "permitted"


def test_minimal_consent_and_ranking(rulebook: Rulebook) -> None:
    # Storm Shadow needs GB and US: one consent is not enough, so no single field helps
    # except assuming both (one field), the kind, territory or operator: all rank first.
    base = scenario(weapon="Storm Shadow", date="2024-11-20")
    result = why_not(rulebook, base)
    consent = [a for a in result.alternatives if a.changes[0].field == "assume.consent"]
    assert [a.changes[0].value for a in consent] == [["GB", "US"]]
    ranks = [len(a.changes) for a in result.alternatives]
    assert ranks == sorted(ranks)


def test_why_not_renderers(rulebook: Rulebook) -> None:
    result = why_not(rulebook, scenario(), file="k.json")
    data = json.loads(WHY_NOT_RENDERERS["json"](result))
    assert data["file"] == "k.json" and data["alternatives"][0]["fields_changed"] == 1
    assert "17 Nov 2024" in WHY_NOT_RENDERERS["text"](result)
    assert "| 1 | a strike on 17 Nov 2024 (later) | **permitted** |" in WHY_NOT_RENDERERS[
        "markdown"
    ](result)


def test_shipped_scenario_before_the_grant(rulebook: Rulebook) -> None:
    loaded = checker.load_scenario(
        SCENARIOS / "dates" / "atacms-kursk-depot-2024-11-16.json", rulebook
    )
    first = why_not(rulebook, loaded).alternatives[0]
    assert (first.changes[0].value, first.because[0].rule) == ("2024-11-17", "us-grant-atacms")
