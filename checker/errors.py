"""One error family for bad input, each problem carrying where it is."""

from __future__ import annotations

from collections.abc import Iterable

from msgspec import Struct


class Location(Struct, frozen=True, order=True):
    """Where a problem is: a file, optionally a line and column (1-based), and a field path."""

    file: str
    line: int | None = None
    column: int | None = None
    field: str = ""

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return f"{text}: {self.field}" if self.field else text


class Problem(Struct, frozen=True, order=True):
    """One thing wrong with an input, reported as `FILE[:LINE[:COL]]: field.path: message`."""

    location: Location
    message: str

    def __str__(self) -> str:
        return one_line(f"{self.location}: {self.message}")


def one_line(text: str) -> str:
    """Control characters and line breaks escaped (a field named "a\nb" must not split a
    problem over two lines: each line of stderr is one `FILE:LINE:COL: ...` problem)."""
    return printable(text)


def printable(text: str, keep: str = "") -> str:
    """`text` with every character that is not printable escaped (`\x1b`, `\u2028`),
    but spaces and the characters in `keep`: no terminal escape from the input is ever
    printed as it is. Cheap for the common case of plain text."""
    probe = text
    for allowed in keep:
        probe = probe.replace(allowed, "")
    if probe.isprintable():
        return text
    return "".join(
        c
        if c == " " or c in keep or c.isprintable()
        else c.encode("unicode_escape", "backslashreplace").decode()
        for c in text
    )


class CheckerError(Exception):
    """Bad input: one or more located problems. The CLI maps it to exit code 2."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, location: Location, message: str) -> CheckerError:
        return cls([Problem(location, message)])


class EngineFailure(RuntimeError):
    """The rules engine misbehaved (an action raised, a fact was dropped): a bug, not bad input."""


def field_path(path: Iterable[str | int]) -> str:
    """`("target", "forces", 1)` -> `target.forces[1]`, the way users write field paths."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text
