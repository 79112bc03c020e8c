"""Names a reader expects: places and states by name, target kinds and dates in words.

Used wherever a sentence is written for people (summaries, reasons, why-not, timelines):
never an ISO code, a field path or a rule id there. Places and states come from
`names.txt` (the names a journalist writes: "Kursk oblast", "the United States") and
otherwise from the ISO 3166 names in the shipped table.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path

from checker.model.codes import iso_name

NAMES = Path(__file__).with_name("names.txt")

KINDS_ONE = {
    "troops": "troops",
    "military_equipment": "military equipment",
    "logistics_hub": "a logistics hub",
    "ammunition_depot": "an ammunition depot",
    "supply_line": "a supply line",
    "airbase": "an airbase",
    "command_post": "a command post",
    "defense_industry": "an arms or munitions plant",
    "energy_facility": "an energy facility",
    "civilian": "a civilian object",
}
KINDS_MANY = {
    "troops": "troop concentrations",
    "military_equipment": "critical military equipment",
    "logistics_hub": "logistics hubs",
    "ammunition_depot": "ammunition depots",
    "supply_line": "supply lines",
    "airbase": "airbases",
    "command_post": "command posts",
    "defense_industry": "arms and munitions plants",
    "energy_facility": "energy facilities",
    "civilian": "civilian objects",
}


@cache
def _curated() -> dict[str, str]:
    lines = NAMES.read_text(encoding="utf-8").splitlines()
    pairs = (line.split("\t", 1) for line in lines if line and not line.startswith("#"))
    return {code: name for code, name in pairs}


def place(code: str) -> str:
    """A country or subdivision by name: "Kursk oblast", "Russia", "Belarus"."""
    return _curated().get(code) or iso_name(code) or "a place the ISO table does not name"


def is_name(word: str) -> bool:
    """Whether `word` is (the first word of) a place or state name: keep its capital."""
    return word in _first_words()


@cache
def _first_words() -> frozenset[str]:
    from checker.model.codes import _lines

    known = {name.split(" ", 1)[0] for name in _curated().values()}
    known |= {line.partition("\t")[2].split(" ", 1)[0] for line in _lines()}
    return frozenset(known)


def state(code: str) -> str:
    """A state by name, as a sentence uses it: "the United States", "France"."""
    return place(code)


def capital(text: str) -> str:
    """`text` with its first letter upper-case (a name may open a sentence)."""
    return text[:1].upper() + text[1:]


SHORT_STATES = {"US": "US", "GB": "UK", "FR": "French"}
"""States as a short label writes them, before a noun ("US consent", "UK consent")."""


def short_state(code: str) -> str:
    """A state before a noun, as a chart label writes it: "US", "UK", "French"."""
    return SHORT_STATES.get(code) or capital(state(code).removeprefix("the "))


def possessive(name: str) -> str:
    """ "the United States'", "France's"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def kind(value: str) -> str:
    """One target of a kind, in words: "an airbase", "troops"."""
    return KINDS_ONE.get(value, value.replace("_", " "))


def kinds(values: Iterable[str]) -> str:
    """Kinds as a list in words, in the order given: "logistics hubs and supply lines"."""
    return join(KINDS_MANY.get(v, v.replace("_", " ")) for v in values)


def join(items: Iterable[str], word: str = "and") -> str:
    found = list(items)
    if len(found) <= 1:
        return "".join(found)
    return f"{', '.join(found[:-1])} {word} {found[-1]}"


def day(value: date) -> str:
    """A day as people write it: "17 Nov 2024"."""
    return f"{value.day} {value:%b %Y}"


def month(value: date) -> str:
    """A month: "May 2024"."""
    return f"{value:%B %Y}"


def scenario_name(scenario_id: str | None, file: str | None) -> str:
    """A scenario's name in its verdict: its `id`, else its file's name without `.json`."""
    return scenario_id or (file.rsplit("/", 1)[-1].removesuffix(".json") if file else "scenario")
