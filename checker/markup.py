"""rich's console markup without importing rich (~15 ms): for the fast eval path.

`escape` is rich's own (rich.markup.escape, rich 15), so the text renderers write the same
markup whichever path prints it. `plain` is what rich prints for that markup when the
output is not a terminal (every style dropped), or None where it is not sure to know:
then the caller prints through rich. `tests/test_quick.py` checks both against rich.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ESCAPE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])").sub
_TAGS = re.compile(r"((\\*)\[([a-z#/@][^[]*?)])")  # rich.markup.RE_TAGS
_STYLES = frozenset(("bold", "bold green", "bold red", "bold yellow", "yellow", "dim"))
"""The styles `checker.report` writes; any other tag is left to rich."""


def escape(markup: str, _escape: Callable[..., str] = _ESCAPE) -> str:
    """Escapes text so that it won't be interpreted as markup (rich.markup.escape)."""

    def escape_backslashes(match: re.Match[str]) -> str:
        backslashes, text = match.groups()
        return f"{backslashes}{backslashes}\\{text}"

    markup = _escape(escape_backslashes, markup)
    if markup.endswith("\\") and not markup.endswith("\\\\"):
        return markup + "\\"
    return markup


def plain(markup: str) -> str | None:
    """The text rich prints for `markup` off a terminal, or None if it may print otherwise.

    Follows rich.markup.render: a tag preceded by an odd number of backslashes is text, an
    even number prints half as many, and `\\[` elsewhere prints `[`. None for a tag not in
    `_STYLES`, a `[/]` that closes nothing (rich raises), or a character rich may change
    (tabs are expanded, some control codes stripped): all that is left to rich itself.
    """
    parts: list[str] = []
    position, depth = 0, 0
    for match in _TAGS.finditer(markup):
        whole, escapes, tag = match.groups()
        start, end = match.span()
        if start > position:
            parts.append(markup[position:start].replace("\\[", "["))
        position = end
        backslashes, escaped = divmod(len(escapes), 2)
        parts.append("\\" * backslashes)
        if escaped:
            parts.append(whole[len(escapes) :])
        elif tag == "/" and depth:
            depth -= 1
        elif tag in _STYLES:
            depth += 1
        else:
            return None
    parts.append(markup[position:].replace("\\[", "["))
    text = "".join(parts)
    return text if text.replace("\n", "").isprintable() else None
