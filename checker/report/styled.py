"""Styled text: what text renderers return, and the one place styles become bytes.

A renderer never writes markup: it appends runs of text, each with a style name or none.
Off a terminal the writer prints the runs as they are; on one it hands them to rich (the
only import of rich, and only then). So a message can never carry console markup into a
file, a JUnit report or JSON, and nothing from the input is ever read as a style.
"""

from __future__ import annotations

from collections.abc import Iterator

VERDICT_STYLE = {"permitted": "bold green", "prohibited": "bold red", "undetermined": "bold yellow"}


class Styled:
    """Runs of text with their styles ("" for none), in order."""

    __slots__ = ("runs",)

    def __init__(self) -> None:
        self.runs: list[tuple[str, str]] = []

    def add(self, text: str, style: str = "") -> Styled:
        if text:
            self.runs.append((text, style))
        return self

    def line(self, *parts: str | tuple[str, str]) -> Styled:
        """One line: plain strings and (text, style) pairs, then a newline."""
        for part in parts:
            if isinstance(part, tuple):
                self.add(*part)
            else:
                self.add(part)
        return self.add("\n")

    def extend(self, other: Styled) -> Styled:
        self.runs.extend(other.runs)
        return self

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.runs)

    def __str__(self) -> str:
        return "".join(text for text, _ in self.runs)


def verdict_run(verdict: str, text: str | None = None) -> tuple[str, str]:
    """A verdict in its colour (the word itself unless `text` is given)."""
    return (verdict if text is None else text, VERDICT_STYLE[verdict])
