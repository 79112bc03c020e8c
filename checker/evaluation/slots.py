"""The values filled into a verdict's JSON template per scenario, encoded as JSON."""

from __future__ import annotations

import json
import re
from typing import Any

_PLAIN = re.compile(r'[^\x00-\x1f"\\]*')


def dumps(value: Any) -> bytes:
    """json.dumps(value, ensure_ascii=False), encoded."""
    # a lone surrogate (a file name's undecodable byte) is written as its JSON escape
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "backslashreplace")


def string_slot(value: str | None) -> bytes:
    """json.dumps(value, ensure_ascii=False), encoded; quicker for plain strings."""
    if value is None:
        return b"null"
    if _PLAIN.fullmatch(value):
        return b'"' + value.encode("utf-8", "backslashreplace") + b'"'
    return dumps(value)


NO_FEASIBILITY = (b"null", b"[]")
"""The feasibility and warnings slots of a strike without both locations."""
EXPECT_SLOTS: dict[Any, bytes] = {
    value: string_slot(value) for value in ("permitted", "prohibited", "undetermined", None)
}
"""The expect slot of each value a line may hold (UNSET: no `expect` key)."""
