"""A verdict: one per scenario, with its readings, reasons, rules, sources and findings."""

from __future__ import annotations

from typing import Any, ClassVar

from msgspec import Struct
from msgspec.structs import asdict

from checker.model.feasibility import Feasibility
from checker.model.record import PartlyCompared
from checker.model.strike import Strike


class Uncertainty(Struct, frozen=True):
    """Why a reading could not decide: a code a program can test, and a sentence."""

    code: str  # readings-disagree | month-precision | missing-fact | outside-policy
    detail: str
    reading: str | None = None
    rule: str | None = None
    field: str | None = None  # for a missing fact: the scenario field that would settle it


class SourceRef(Struct, frozen=True):
    rule: str
    source: str
    title: str
    published: str
    quote: str
    evidence: str
    supports: tuple[str, ...] = ()
    highlight: str | None = None
    basis: str | None = None


class Reason(Struct, frozen=True):
    """One fact of an explanation, in plain words, with the sentence that supports it.

    `deciding` reasons come first: without them the verdict would differ. `rule` is the id
    of the rule the fact comes from (None for what the scenario assumes); `quote`,
    `evidence` and `source` are those of the provenance entry that supports this very fact;
    `reading` is set when the fact holds under one reading only.
    """

    text: str
    rule: str | None = None
    quote: str | None = None
    evidence: str | None = None
    source: str | None = None
    highlight: str | None = None
    reading: str | None = None
    deciding: bool = False


class Caveat(Struct, frozen=True):
    """Something a reader must know to use the verdict: a stable `code` and a sentence."""

    code: str  # after-sources | launcher-named
    text: str


class ReadingResult(Struct, frozen=True):
    reading: str
    verdict: str
    rules: tuple[str, ...]
    reasons: tuple[Reason, ...]
    undetermined: tuple[Uncertainty, ...] = ()
    why: str = ""
    """The deciding fact under this reading, as a clause of the summary."""


class Verdict(PartlyCompared, frozen=True):
    scenario: str
    verdict: str
    results: tuple[ReadingResult, ...]
    reasons: tuple[Reason, ...]
    rules: tuple[str, ...]
    sources: tuple[SourceRef, ...]
    undetermined: tuple[Uncertainty, ...] = ()
    feasibility: Feasibility | None = None
    expect: str | None = None
    file: str | None = None
    warnings: tuple[str, ...] = ()
    summary: str = ""
    """One or two sentences a journalist could quote: the verdict and the deciding fact."""
    caveats: tuple[Caveat, ...] = ()
    title: str | None = None
    """The scenario's one-line title, when it has one (the HTML report's heading)."""
    strike: Strike | None = None
    """The strike evaluated: what the HTML report draws the scenario's timeline for."""

    uncompared: ClassVar[tuple[str, ...]] = ("title", "strike")

    @property
    def readings(self) -> dict[str, str]:
        return {r.reading: r.verdict for r in self.results}

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `checker eval --format json` (one object per scenario)."""
        return {
            "scenario": self.scenario,
            "file": self.file,
            "verdict": self.verdict,
            "summary": self.summary,
            "readings": self.readings,
            "reasons": [reason_dict(r) for r in self.reasons],
            "caveats": [_fields(c) for c in self.caveats],
            "rules": list(self.rules),
            "sources": [_compact(_fields(s)) for s in self.sources],
            "undetermined": [_compact(_fields(u)) for u in self.undetermined],
            "per_reading": {
                r.reading: {
                    "verdict": r.verdict,
                    "rules": list(r.rules),
                    "reasons": [reason_dict(reason) for reason in r.reasons],
                }
                for r in self.results
            },
            "feasibility": _fields(self.feasibility) if self.feasibility else None,
            "expect": self.expect,
            "warnings": list(self.warnings),
        }


def reason_dict(reason: Reason) -> dict[str, Any]:
    """A reason as JSON: its text and rule always, the rest when there is one."""
    data = _compact(_fields(reason))
    data.setdefault("rule", None)
    if not reason.deciding:
        data.pop("deciding")
    return data


def _fields(item: Any) -> dict[str, Any]:
    """A flat record's fields in order (shallow: a deep copy cost most of rendering a
    verdict as JSON)."""
    return asdict(item)


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}
