"""A verdict: one per scenario, with its readings, reasons, rules, sources and findings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Uncertainty:
    """Why a reading could not decide: a code a program can test, and a sentence."""

    code: str  # readings-disagree | month-precision | missing-fact | outside-policy
    detail: str
    reading: str | None = None
    rule: str | None = None


@dataclass(frozen=True)
class SourceRef:
    rule: str
    source: str
    title: str
    published: str
    quote: str
    evidence: str
    supports: str | None = None
    basis: str | None = None


@dataclass(frozen=True)
class ReadingResult:
    reading: str
    verdict: str
    rules: tuple[str, ...]
    reasons: tuple[str, ...]
    undetermined: tuple[Uncertainty, ...] = ()


@dataclass(frozen=True)
class Feasibility:
    """Can the weapon reach the target from the launch point? A finding, never the verdict."""

    distance_km: float
    range_km: float
    margin_km: float
    within_range: bool
    range_stated: str
    weapon: str


def range_warnings(feasibility: Feasibility | None) -> tuple[str, ...]:
    """The warning a target beyond the weapon's reach deserves (none within reach)."""
    if feasibility is None or feasibility.within_range:
        return ()
    beyond = (
        f"the target is {feasibility.distance_km:.0f} km from the launch point, beyond the "
        f"{feasibility.range_km:.0f} km range of {feasibility.weapon} ({feasibility.range_stated})"
    )
    return (beyond,)


@dataclass(frozen=True)
class Verdict:
    scenario: str
    verdict: str
    results: tuple[ReadingResult, ...]
    reasons: tuple[str, ...]
    rules: tuple[str, ...]
    sources: tuple[SourceRef, ...]
    undetermined: tuple[Uncertainty, ...] = ()
    feasibility: Feasibility | None = None
    expect: str | None = None
    file: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def readings(self) -> dict[str, str]:
        return {r.reading: r.verdict for r in self.results}

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `checker eval --format json` (one object per scenario)."""
        return {
            "scenario": self.scenario,
            "file": self.file,
            "verdict": self.verdict,
            "readings": self.readings,
            "reasons": list(self.reasons),
            "rules": list(self.rules),
            "sources": [_compact(asdict(s)) for s in self.sources],
            "undetermined": [_compact(asdict(u)) for u in self.undetermined],
            "per_reading": {
                r.reading: {
                    "verdict": r.verdict,
                    "rules": list(r.rules),
                    "reasons": list(r.reasons),
                }
                for r in self.results
            },
            "feasibility": asdict(self.feasibility) if self.feasibility else None,
            "expect": self.expect,
            "warnings": list(self.warnings),
        }


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}
