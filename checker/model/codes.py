"""ISO 3166 codes: validation against the standard, loaded only when first needed."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache
from pathlib import Path

COUNTRY_PATTERN = r"^[A-Za-z]{2}$"
TERRITORY_PATTERN = r"^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$"
_TERRITORY = re.compile(TERRITORY_PATTERN)


TABLE = Path(__file__).with_name("iso3166.txt")
"""Every code, generated from pycountry: reading it takes ~1 ms, loading pycountry ~50 ms."""


@cache
def _codes() -> tuple[frozenset[str], frozenset[str]]:
    """Countries and subdivisions."""
    codes = [line.split("\t", 1)[0] for line in _lines()]
    return frozenset(c for c in codes if "-" not in c), frozenset(c for c in codes if "-" in c)


@cache
def _lines() -> tuple[str, ...]:
    """The table's code lines (read once)."""
    return tuple(line for line in _text().splitlines() if line[:1] not in "#")


@cache
def _text() -> str:
    """The table as it is, after a line break (read once)."""
    return "\n" + TABLE.read_text(encoding="utf-8")


def _listed(code: str) -> bool:
    """Whether `code` (upper case) has a line in the table: a search of its text, where
    splitting its 5,000 lines into sets took a one-file run 1.5 ms to check one code."""
    return f"\n{code}\t" in _text()


@cache
def iso_name(code: str) -> str | None:
    """The ISO 3166 name of a country or subdivision code (None for a code not in the table)."""
    for line in _lines():
        found, _, name = line.partition("\t")
        if found == code:
            return name
    return None


def _countries() -> frozenset[str]:
    return _codes()[0]


def _subdivisions() -> frozenset[str]:
    return _codes()[1]


@cache
def subdivisions_of(country: str) -> frozenset[str]:
    """The subdivision codes of `country`, found in the table's text (as `_listed`)."""
    text, prefix = _text(), f"\n{country}-"
    found = []
    at = text.find(prefix)
    while at >= 0:
        end = text.index("\t", at)
        found.append(text[at + 1 : end])
        at = text.find(prefix, end)
    return frozenset(found)


def first_country_outside(mentioned: Collection[str]) -> str:
    """The first country code, alphabetically, that is not in `mentioned`: read from the
    table's head, which lists every country first, in order (`read.isotable` writes it
    so), without splitting the 5,000 lines after them."""
    for line in _text().split("\n", len(mentioned) + 8):
        code = line.partition("\t")[0]
        if len(code) == 2 and line[:1] != "#" and code not in mentioned:
            return code
    return min(_countries() - set(mentioned))


def country_of(territory: str) -> str:
    return territory.split("-", 1)[0]


def check_country(code: str) -> str:
    """Upper-case an ISO 3166-1 alpha-2 code, or raise ValueError saying what is wrong."""
    upper = code.upper()
    if not re.fullmatch(COUNTRY_PATTERN, code):
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 country code (two letters)")
    if not _listed(upper):
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 country code{_hint(upper)}")
    return upper


def check_territory(code: str) -> str:
    """Upper-case an ISO 3166-1 alpha-2 or ISO 3166-2 code, or raise ValueError."""
    upper = code.upper()
    if not _TERRITORY.match(code):
        raise ValueError(
            f"'{code}' is not an ISO 3166 code: use a country (RU) or a subdivision (RU-KRS)"
        )
    if "-" not in upper:
        return check_country(code)
    check_country(country_of(code))
    if not _listed(upper):
        import difflib  # only to word a refusal

        near = difflib.get_close_matches(upper, sorted(subdivisions_of(country_of(upper))), 3)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise ValueError(f"'{code}' is not an ISO 3166-2 subdivision code{hint}")
    return upper


def _hint(code: str) -> str:
    reserved = {"UK": "GB", "EL": "GR"}
    if code in reserved:
        return f" (did you mean {reserved[code]}?)"
    return ""
