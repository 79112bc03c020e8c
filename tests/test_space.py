"""The scenario space is exact: every strike is decided as its class's representative is."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from checker.engine import engine_for
from checker.evaluation.space import ANY, Cell, Space, build_space, tabulate
from checker.model.rulebook import Rulebook
from checker.model.strike import Strike
from checker.model.terms import TARGET_KINDS

from .conftest import RULES

BOUNDARIES = [date(2024, 5, 1), date(2024, 5, 31), date(2024, 6, 1), date(2024, 11, 17)]
TERRITORIES = ["RU", "RU-KRS", "RU-BEL", "RU-MOS", "UA", "UA-43", "UA-14", "BY", "BY-BR", "PL"]


def days() -> st.SearchStrategy[date]:
    near = st.sampled_from(BOUNDARIES).flatmap(
        lambda d: st.integers(-2, 2).map(lambda n: d + timedelta(days=n))
    )
    return st.one_of(near, st.dates(date(2023, 1, 1), date(2026, 12, 31)))


@st.composite
def strikes(draw: st.DrawFn) -> Strike:
    return Strike(
        weapon=draw(st.sampled_from(["atacms", "himars", "storm-shadow", "scalp"])),
        kind=draw(st.sampled_from(TARGET_KINDS)),
        territory=draw(st.sampled_from(TERRITORIES)),
        operator=draw(st.sampled_from(["UA", "UA", "PL", "US"])),
        day=draw(days()),
        forces=draw(
            st.none()
            | st.lists(st.sampled_from(["RU", "KP", "BY"]), max_size=3).map(
                lambda f: tuple(sorted(set(f)))
            )
        ),
        consents=tuple(sorted(draw(st.sets(st.sampled_from(["US", "GB", "FR", "PL"]))))),
    )


def verdicts(book: Rulebook, strike: Strike) -> dict[str, set[str]]:
    engine = engine_for(book)
    return {r: engine.run(strike, r).verdicts for r in book.readings}


def covers(cell: Cell, strike: Strike, space: Space) -> bool:
    full = space.cell_of(strike)
    return (
        cell.weapon == full.weapon
        and cell.kinds == full.kinds
        and cell.territory == full.territory
        and cell.operator == full.operator
        and cell.span == full.span
        and (cell.forces is None or cell.forces == full.forces)
        and (cell.consents is None or cell.consents == full.consents)
    )


SHIPPED = None


def shipped() -> tuple[Rulebook, Space, list]:  # type: ignore[type-arg]
    global SHIPPED
    if SHIPPED is None:
        import checker

        book = checker.load_rulebook(RULES)
        space = build_space(book)
        SHIPPED = (book, space, list(tabulate(space)))
    return SHIPPED


@given(strikes())
def test_a_strike_is_decided_as_its_class_representative(strike: Strike) -> None:
    book, space, _ = shipped()
    representative = space.cell_of(strike).strike(space)
    assert verdicts(book, strike) == verdicts(book, representative)


@given(strikes())
def test_the_table_has_exactly_one_row_for_every_strike_with_its_verdicts(strike: Strike) -> None:
    book, space, rows = shipped()
    matching = [row for row in rows if covers(row.cell, strike, space)]
    assert len(matching) == 1
    expected = tuple((r, next(iter(v))) for r, v in verdicts(book, strike).items())
    assert matching[0].outcomes == (expected,)


def test_the_shipped_space_is_split_where_the_rules_speak() -> None:
    _, space, rows = shipped()
    assert [str(s) for s in space.spans] == [
        "until 2024-04-30",
        "2024-05-01 to 2024-05-31",
        "2024-06-01 to 2024-11-16",
        "on 2024-11-17",
        "from 2024-11-18",  # the day after the source: the `after-sources` caveat
    ]
    assert ("logistics_hub", "ammunition_depot", "supply_line") in space.kinds
    assert {t.key for t in space.territories} == {"RU", "RU-KRS", "RU-*", "UA", "UA-*", ANY}
    assert len(rows) < space.size() / 5  # pruning keeps the table small
