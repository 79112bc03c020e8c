"""The closed vocabularies of a scenario, shared by the models and the JSON Lines reader.

Kept apart from `checker.model` because the reader (`checker.lines`) must not import pydantic.
"""

from __future__ import annotations

from typing import Literal, get_args

Verdict = Literal["permitted", "prohibited", "undetermined"]
TargetKind = Literal[
    "troops",
    "military_equipment",
    "logistics_hub",
    "ammunition_depot",
    "supply_line",
    "airbase",
    "command_post",
    "defense_industry",
    "energy_facility",
    "civilian",
]
VERDICTS: tuple[str, ...] = get_args(Verdict)
TARGET_KINDS: tuple[str, ...] = get_args(TargetKind)
