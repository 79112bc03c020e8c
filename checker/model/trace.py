"""What fired in one engine session: the engine's output, read by the explanations."""

from __future__ import annotations

from msgspec import Struct, field


class Consent(Struct, frozen=True):
    state: str
    via: str  # a grant id, or "assume"
    sure: bool
    why: tuple[str, ...] = ()  # for a doubtful consent: month, forces, subdivision


class Trace(Struct):
    """What fired in one session, as the actions recorded it (filled while the engine runs)."""

    regime: str | None = None
    verdicts: set[str] = field(default_factory=set)
    required: tuple[str, ...] = ()
    weapon_rule: str | None = None
    present: list[Consent] = field(default_factory=list)
    doubtful: list[Consent] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)
