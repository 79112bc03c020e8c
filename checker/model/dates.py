"""Dates as the inputs give them: a strike's day, and a rule's day or month.

Plain values with no pydantic in sight, so the models (`checker.model`) and the fast
`checker eval` path (`checker.quick`) read dates with the very same functions.
"""

import re
from datetime import date, timedelta
from typing import Any, Literal

from msgspec import Struct


def parse_day(value: Any) -> date:
    """A strike date: exactly `YYYY-MM-DD`, and a day that exists."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f'expected a date as "YYYY-MM-DD", got {_describe(value)}')
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"'{value}' is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a real day") from None


class PolicyDate(Struct, frozen=True, order=True):
    """A date as precise as the source gives it: a day, or only a month."""

    first: date
    precision: Literal["day", "month"] = "day"

    @property
    def last(self) -> date:
        """The last day this date may stand for."""
        if self.precision == "day":
            return self.first
        if self.first.month == 12:
            return self.first.replace(day=31)
        return self.first.replace(month=self.first.month + 1, day=1) - timedelta(days=1)

    def __str__(self) -> str:
        return self.first.isoformat() if self.precision == "day" else self.first.strftime("%Y-%m")


def parse_policy_date(value: Any) -> PolicyDate:
    if isinstance(value, PolicyDate):
        return value
    if isinstance(value, date):
        return PolicyDate(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = (int(part) for part in value.split("-"))
        if not 1 <= month <= 12:
            raise ValueError(f"'{value}' is not a real month")
        return PolicyDate(date(year, month, 1), "month")
    return PolicyDate(parse_day(value))


def in_force_text(start: PolicyDate | None, end: PolicyDate | None) -> str:
    """How a rule's span reads in reasons: `always`, `from 2024-11-17`, `until 2024-05`."""
    if start is None and end is None:
        return "always"
    parts = []
    if start:
        parts.append(f"from {start}")
    if end:
        parts.append(f"until {end}")
    return " ".join(parts)


def _describe(value: Any) -> str:
    """A JSON value as an error message names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"string '{value[:40]}'"
    if isinstance(value, int | float):
        return f"number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
