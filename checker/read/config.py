"""A project's own settings: `checker.toml`, or `[tool.checker]` in a `pyproject.toml`.

The nearest such file walking up from the current folder is the project's configuration
(`checker.toml` first in a folder; a `pyproject.toml` without a `[tool.checker]` table is
passed over). It names two folders, each relative to the file that names it:

    rules = "rules"          # the rulebook folder
    scenarios = "scenarios"  # the scenario corpus (`checker test`, `diff`, `mutate`)

Finding it is a few stat calls; `tomllib` is imported only when a file is there to read.
Every problem is located as `FILE:LINE: tool.checker.KEY: ...`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from checker.errors import CheckerError, Location

CONFIG_FILE = "checker.toml"
PYPROJECT = "pyproject.toml"
KEYS = ("rules", "scenarios")
_MAY_HAVE_TOOL_CHECKER = rb'(?m)tool\s*\.\s*["\']?checker\b|^\s*\[\s*tool\s*\]'
"""`[tool.checker]`, `tool.checker.rules =`, `[tool."checker"]` or a bare `[tool]` table: a
pyproject.toml without any of them is passed over unparsed."""


class Config:
    """The settings one file gives: each key's value, and the line it stands on.

    A plain class, not a dataclass: this module is on the start-up path of every command.
    """

    __slots__ = ("file", "lines", "section", "values")

    def __init__(
        self,
        file: Path,
        section: str,
        values: dict[str, str] | None = None,
        lines: dict[str, int] | None = None,
    ) -> None:
        self.file = file
        self.section = section  # "tool.checker" in a pyproject.toml, "" in a checker.toml
        self.values = values or {}
        self.lines = lines or {}

    def location(self, key: str) -> Location:
        name = f"{self.section}.{key}" if self.section else key
        return Location(str(self.file), self.lines.get(key), field=name)

    def path(self, key: str) -> Path | None:
        """The folder named by `key`, relative to the file's folder; None if not named."""
        value = self.values.get(key)
        if value is None:
            return None
        return Path(value) if Path(value).is_absolute() else _join(self.file.parent, value)

    def existing(self, key: str, what: str) -> Path | None:
        """`path(key)`, which must exist: a located error if it does not."""
        found = self.path(key)
        if found is not None and not found.exists():
            value = self.values[key]
            raise CheckerError.at(
                self.location(key),
                f"no such {what}: {value!r} (relative to {self.file.name}'s folder)",
            )
        return found


def upward(start: Path | None = None) -> Iterator[Path]:
    """Each folder from `start` up to the root of the file system, `start` first.

    Without `start`, from the current folder, each spelled relative to it (`.`, `..`,
    `../..`) so that what is found there reads as the user would write it.
    """
    if start is not None:
        here = start.absolute()
        yield here
        yield from here.parents
        return
    here = Path.cwd()
    yield Path()
    for depth in range(1, len(here.parents) + 1):
        yield Path(*[".."] * depth)


def nearest_config(start: Path | None = None) -> Config | None:
    """The nearest `checker.toml`, or `pyproject.toml` with `[tool.checker]`, walking up."""
    for folder in upward(start):
        own = folder / CONFIG_FILE
        if own.is_file():
            return _read(own, "")
        project = folder / PYPROJECT
        if project.is_file():
            found = _read(project, "tool.checker")
            if found is not None:
                return found
    return None


def _read(path: Path, section: str) -> Config | None:
    """The settings in one file; None for a pyproject.toml without `[tool.checker]`."""
    from checker.read.sourcemap import MAX_BYTES, read_bytes

    raw = read_bytes(path)  # a regular file only (a FIFO never blocks), at most 1 MiB + 1
    if len(raw) > MAX_BYTES:
        raise CheckerError.at(
            Location(str(path)), f"is larger than the {MAX_BYTES // 1024} KiB limit"
        )
    if section and not re.search(_MAY_HAVE_TOOL_CHECKER, raw):
        return None  # the common pyproject.toml: no parsing, no tomllib
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CheckerError.at(Location(str(path)), f"not UTF-8 text: {err.reason}") from None
    table = _parse(path, text)
    if section:
        tool = table.get("tool")
        if not isinstance(tool, dict) or "checker" not in tool:
            return None
        table = tool["checker"]
        if not isinstance(table, dict):
            raise CheckerError.at(
                Location(str(path), _line_of(text, section, None), field=section),
                "must be a table: [tool.checker]",
            )
    values: dict[str, str] = {}
    lines = {key: line for key in table if (line := _line_of(text, section, key))}
    for key, value in table.items():
        where = Config(path, section, lines=lines).location(key)
        if key not in KEYS:
            raise CheckerError.at(where, f"unknown setting (known: {', '.join(KEYS)})")
        if not isinstance(value, str) or not value.strip():
            raise CheckerError.at(where, "must be a folder path, as a string")
        values[key] = value
    return Config(path, section, values, lines)


def _parse(path: Path, text: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        line, column = (int(where[1]), int(where[2])) if where else (None, None)
        raise CheckerError.at(
            Location(str(path), line, column), f"not valid TOML: {message}"
        ) from None


def _line_of(text: str, section: str, key: str | None) -> int | None:
    """The line a key (or, with no key, its section's header) stands on, if it can be told."""
    lines = text.splitlines()
    start = 0
    if section:
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(section.split(".")) + r"\s*\]")
        start = next((i for i, line in enumerate(lines) if header.match(line)), -1)
        if start < 0:
            return None
        if key is None:
            return start + 1
        start += 1
    assert key is not None
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for index in range(start, len(lines)):
        if lines[index].lstrip().startswith("["):
            break
        if pattern.match(lines[index]):
            return index + 1
    return None


def _join(folder: Path, value: str) -> Path:
    """`folder / value` with `..` and `.` folded (`../x/../rules` -> `../rules`)."""
    return Path(os.path.normpath(folder / value))
