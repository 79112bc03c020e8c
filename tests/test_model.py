"""Single values: dates with their precision, ISO codes, the scenario model's strictness."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.errors import CheckerError
from checker.model import codes
from checker.model.codes import TERRITORY_PATTERN, check_country, check_territory
from checker.model.dates import PolicyDate, parse_day, parse_policy_date
from checker.read.scenario import scenario_of

BASE = {
    "date": "2024-11-20",
    "weapon": "ATACMS",
    "target": {"territory": "RU-KRS", "kind": "troops"},
}


def test_policy_dates_keep_their_precision() -> None:
    month = parse_policy_date("2024-05")
    assert (month.first, month.last, month.precision, str(month)) == (
        date(2024, 5, 1),
        date(2024, 5, 31),
        "month",
        "2024-05",
    )
    assert parse_policy_date("2024-02").last == date(2024, 2, 29)  # a leap year
    assert parse_policy_date("2024-11-17") == PolicyDate(date(2024, 11, 17))
    with pytest.raises(ValueError, match="not a real month"):
        parse_policy_date("2024-13")


@given(st.dates())
def test_a_month_lasts_to_its_calendar_end(day: date) -> None:
    import calendar

    month = PolicyDate(day.replace(day=1), "month")
    assert month.last == day.replace(day=calendar.monthrange(day.year, day.month)[1])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-02-30", "not a real day"),
        ("20/11/2024", "form YYYY-MM-DD"),
        ("2024-1-5", "form"),
        (20241120, "got number 20241120"),
        (None, "got null"),
        (True, "got true"),
    ],
)
def test_strike_dates_are_exact_days(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_day(value)


@pytest.mark.parametrize(
    ("code", "normal"), [("ru", "RU"), ("Ru-krs", "RU-KRS"), ("UA-43", "UA-43"), ("by", "BY")]
)
def test_territories_are_normalised(code: str, normal: str) -> None:
    assert check_territory(code) == normal


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("RUS", "not an ISO 3166 code"),
        ("XX", "not an ISO 3166-1"),
        ("RU-XXX", "not an ISO 3166-2"),
        ("RU-KRX", "did you mean .*RU-KRS"),
        ("", "not an ISO 3166 code"),
    ],
)
def test_bad_territories_say_what_is_wrong(code: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_territory(code)


def test_uk_is_not_a_country_code_but_the_error_helps() -> None:
    with pytest.raises(ValueError, match="did you mean GB"):
        check_country("UK")


def test_a_scenario_normalises_codes_and_defaults_the_operator() -> None:
    scenario = scenario_of(
        {
            **BASE,
            "target": {"territory": "ru-krs", "kind": "troops", "forces": ["ru", "kp", "RU"]},
            "assume": {"consent": ["us"]},
        }
    )
    assert scenario.operator == "UA"
    assert scenario.target.territory == "RU-KRS"
    assert scenario.target.forces == ["KP", "RU"]
    assert scenario.consents == ("US",)


@pytest.mark.parametrize(
    "change",
    [
        {"weapn": "ATACMS"},
        {"date": "2024-11-20T10:00"},
        {"expect": "allowed"},
        {"target": {"territory": "RU", "kind": "troops", "location": {"lat": "51", "lon": 36}}},
        {
            "target": {
                "territory": "RU",
                "kind": "troops",
                "location": {"lat": float("nan"), "lon": 3},
            }
        },
        {"operator": 1},
    ],
)
def test_the_scenario_model_is_strict(change: dict[str, object]) -> None:
    with pytest.raises(CheckerError):
        scenario_of({**BASE, **change})


def test_the_shipped_iso_table_is_pycountrys() -> None:
    from checker.model.codes import TABLE
    from checker.read.isotable import table_from_pycountry

    assert TABLE.read_text() == table_from_pycountry(), (
        "run: python -m checker.read.isotable > checker/model/iso3166.txt"
    )


@given(st.from_regex(TERRITORY_PATTERN, fullmatch=True))
def test_a_code_is_listed_exactly_when_it_is_in_the_table_s_sets(code: str) -> None:
    """The one-code search of the table's text answers as its sets of codes do."""
    upper = code.upper()
    assert codes._listed(upper) == (upper in codes._countries() | codes._subdivisions())


def test_every_code_of_the_table_is_listed_and_nothing_else() -> None:
    every = codes._countries() | codes._subdivisions()
    assert all(codes._listed(code) for code in every)
    assert not any(codes._listed(bad) for bad in ("", "#", "R", "RU-", "ISO", "AD\tAndorra"))


def test_each_country_s_subdivisions_are_the_table_s() -> None:
    every = codes._subdivisions()
    for country in codes._countries():
        expected = {code for code in every if code.split("-", 1)[0] == country}
        assert codes.subdivisions_of(country) == expected, country
    assert codes.subdivisions_of("XX") == frozenset()


@given(st.sets(st.sampled_from(sorted(codes._countries())), max_size=60))
def test_the_first_country_outside_a_set_is_the_least_one_not_in_it(mentioned: set[str]) -> None:
    assert codes.first_country_outside(mentioned) == min(codes._countries() - mentioned)
