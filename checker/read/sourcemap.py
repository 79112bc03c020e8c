"""Text documents (JSON, YAML) parsed into plain data that still knows where each field was.

Positions matter only when something is wrong, so for JSON they are computed lazily by a
small iterative scanner (no recursion: a pathologically nested file cannot crash it).
"""

from __future__ import annotations

import bisect
import json
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from msgspec import Struct, field

from checker.errors import CheckerError, Location, field_path

if TYPE_CHECKING:
    import yaml

FieldPath = tuple[str | int, ...]

MAX_BYTES = 1 << 20
"""Largest scenario or rule file accepted (1 MiB); real ones are a few hundred bytes."""
MAX_DEPTH = 64
"""Deepest nesting accepted; the formats need 4 levels."""


class Document(Struct):
    """Parsed data plus a map from field paths to (line, column), both 1-based."""

    file: str
    data: Any
    text: str = ""
    keys: dict[FieldPath, tuple[int, int]] | None = None
    values: dict[FieldPath, tuple[int, int]] | None = None
    line_offset: int = 0
    _lines: list[int] = field(default_factory=list)

    def locate(self, path: FieldPath, *, container: bool = False) -> Location:
        """Where `path` is; with `container`, where the object holding it begins.

        Falls back to the nearest ancestor that has a position (a missing field is
        reported at the object that lacks it).
        """
        if self.keys is None or self.values is None:
            self.keys, self.values = _json_positions(self.text)
        name = field_path(path)
        probe = tuple(path)
        if not container and probe in self.keys:
            return self._at(self.keys[probe], name)
        if container:
            probe = probe[:-1]
        while True:
            if probe in self.values:
                return self._at(self.values[probe], name)
            if not probe:
                return Location(
                    self.file, self.line_offset + 1 if self.line_offset else None, None, name
                )
            probe = probe[:-1]

    def _at(self, position: tuple[int, int], name: str) -> Location:
        line, column = position
        return Location(self.file, line + self.line_offset, column, name)


def read_text(path: Path, display: str | None = None, limit: int = MAX_BYTES) -> str:
    """Read a file as UTF-8 text, refusing what is too large, binary or not UTF-8."""
    name = display or str(path)
    return decode(read_bytes(path, name, limit), name, limit)


def read_bytes(path: Path, display: str | None = None, limit: int = MAX_BYTES) -> bytes:
    """A file's bytes, at most `limit + 1` of them (one more than any accepted file).

    Only a regular file is read: a FIFO or a device is refused before it is opened (and
    opened without blocking, should it become one in between), so nothing ever waits on it.
    """
    name = display or str(path)
    try:
        handle = open_regular(path, name)
        with handle:
            return handle.read(limit + 1)
    except OSError as err:
        raise CheckerError.at(Location(name), f"cannot be read: {err.strerror}") from None
    except ValueError:  # an embedded NUL in the name
        raise CheckerError.at(Location(name), "cannot be read: not a valid file name") from None


def open_regular(path: Path | str, display: str | None = None) -> BinaryIO:
    """`path` opened for reading if it is a regular file; else a located `CheckerError`
    (a folder, a FIFO, a device). Never blocks: the open itself does not wait for a writer."""
    name = display or str(path)
    found = Path(path).stat()
    if stat.S_ISDIR(found.st_mode):
        raise CheckerError.at(Location(name), "is a folder, not a file")
    if not stat.S_ISREG(found.st_mode):
        raise CheckerError.at(Location(name), NOT_REGULAR)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced since the stat above
            raise CheckerError.at(Location(name), NOT_REGULAR)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


NOT_REGULAR = "is not a regular file (a FIFO or a device), not read"


def decode(raw: bytes, name: str, limit: int = MAX_BYTES) -> str:
    if len(raw) > limit:
        raise CheckerError.at(Location(name), f"is larger than the {limit // 1024} KiB limit")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise CheckerError.at(Location(name, line), "is a binary file, not UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise CheckerError.at(
            Location(name, line, column), f"is not valid UTF-8 (byte 0x{raw[err.start]:02x})"
        ) from None
    return text.removeprefix("\ufeff")


# --------------------------------------------------------------------------- JSON


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text: str, file: str, line_offset: int = 0) -> Document:
    """Parse strict JSON (no duplicate keys, no NaN/Infinity) into a Document."""
    doc = Document(file, None, text, line_offset=line_offset)
    if not text.strip():
        raise CheckerError.at(Location(file, line_offset + 1), "is empty, expected a JSON object")
    if text.count("[") + text.count("{") > MAX_DEPTH:  # cheap test before the exact one
        problem = _first_structural_problem(text)
        if problem is not None and problem[2].startswith("nesting"):
            path, offset, message = problem
            line, column = _line_col(text, offset)
            raise CheckerError.at(
                Location(file, line + line_offset, column, field_path(path)), message
            )
    try:
        doc.data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        message = err.msg[0].lower() + err.msg[1:]
        raise CheckerError.at(
            Location(file, err.lineno + line_offset, err.colno), f"invalid JSON: {message}"
        ) from None
    except _DuplicateKey as dup:
        doc.keys, doc.values = _json_positions(text)
        line, column = doc.keys.get(("\0duplicate",), (1, 1))
        path = _duplicate_path(text)
        raise CheckerError.at(
            Location(file, line + line_offset, column, field_path(path)),
            f"duplicate key '{dup.key}'",
        ) from None
    except (ValueError, RecursionError) as err:
        problem = _first_structural_problem(text)
        if problem is not None:
            path, offset, message = problem
            line, column = _line_col(text, offset)
            where = Location(file, line + line_offset, column, field_path(path))
            raise CheckerError.at(where, message) from None
        raise CheckerError.at(Location(file), f"invalid JSON: {err}") from None
    if _SURROGATE_ESCAPE.search(text):
        refuse_surrogates(doc)
    return doc


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_problem(value: str) -> str | None:
    """The message for a string holding a lone surrogate (a `\\ud800` escape, which no
    encoding can write out), or None for a string of Unicode characters only."""
    found = _SURROGATE.search(value)
    if found is None:
        return None
    return f"'\\u{ord(found.group()):04x}' is a lone surrogate, not a Unicode character"


def refuse_surrogates(doc: Document) -> None:
    """A located `CheckerError` for the first key or string of `doc` holding a lone
    surrogate; nothing when there is none."""
    _refuse_surrogates(doc, doc.data, ())


def _refuse_surrogates(doc: Document, value: Any, path: FieldPath) -> None:
    """Refuse the first key or string that holds a lone surrogate, at its place."""
    if isinstance(value, str):
        message = surrogate_problem(value)
        if message is not None:
            raise CheckerError.at(doc.locate(path), message)
    elif isinstance(value, dict):
        for key, child in value.items():
            message = surrogate_problem(key)
            if message is not None:
                raise CheckerError.at(doc.locate((*path, key)), f"a field name: {message}")
            _refuse_surrogates(doc, child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _refuse_surrogates(doc, child, (*path, index))


_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|NaN|-?Infinity")
_SPACE = re.compile(r"[ \t\r\n]*")


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Scan:
    """An iterative walk over JSON text recording where each key and value starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.keys: dict[FieldPath, tuple[int, int]] = {}
        self.values: dict[FieldPath, tuple[int, int]] = {}
        self.duplicate: tuple[FieldPath, int] | None = None
        self.too_deep: tuple[FieldPath, int] | None = None
        self.constant: tuple[FieldPath, int] | None = None

    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self.newlines, offset)
        start = self.newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def run(self) -> None:
        text, i = self.text, 0
        # Each frame: [kind, path, seen keys or index, pending key]
        stack: list[list[Any]] = []
        path: FieldPath = ()
        expecting_value = True
        while True:
            i = _SPACE.match(text, i).end()  # type: ignore[union-attr]
            if i >= len(text):
                return
            ch = text[i]
            if expecting_value:
                self.values.setdefault(path, self.pos(i))
                if ch in "{[":
                    if len(stack) >= MAX_DEPTH:
                        self.too_deep = (path, i)
                        return
                    stack.append(["{" if ch == "{" else "[", path, set() if ch == "{" else 0])
                    i += 1
                    i = _SPACE.match(text, i).end()  # type: ignore[union-attr]
                    if i < len(text) and text[i] in "}]":
                        i += 1
                        stack.pop()
                        expecting_value = False
                        path = stack[-1][1] if stack else ()
                        if not stack:
                            return
                        continue
                    if ch == "[":
                        path = (*path, 0)
                        continue
                    expecting_value = False
                    path = stack[-1][1]
                    if not self._key(stack[-1], i):
                        return
                    i, path = self._after_key(stack[-1], i)
                    if i < 0:
                        return
                    expecting_value = True
                    continue
                match = _STRING.match(text, i) if ch == '"' else _SCALAR.match(text, i)
                if match is None:
                    return
                if match.group(0) in ("NaN", "Infinity", "-Infinity") and self.constant is None:
                    self.constant = (path, i)
                i = match.end()
                expecting_value = False
                path = stack[-1][1] if stack else ()
                continue
            if not stack:
                return
            frame = stack[-1]
            if ch == ",":
                i = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
                if frame[0] == "[":
                    frame[2] += 1
                    path = (*frame[1], frame[2])
                    expecting_value = True
                    continue
                if not self._key(frame, i):
                    return
                i, path = self._after_key(frame, i)
                if i < 0:
                    return
                expecting_value = True
                continue
            if ch in "}]":
                stack.pop()
                i += 1
                path = stack[-1][1] if stack else ()
                if not stack:
                    return
                continue
            return

    def _key(self, frame: list[Any], i: int) -> bool:
        match = _STRING.match(self.text, i)
        if match is None:
            return False
        try:
            key = json.loads(match.group(0))
        except ValueError:
            return False
        key_path = (*frame[1], key)
        if key in frame[2] and self.duplicate is None:
            self.duplicate = (key_path, i)
        frame[2].add(key)
        self.keys.setdefault(key_path, self.pos(i))
        frame.append(key)
        return True

    def _after_key(self, frame: list[Any], i: int) -> tuple[int, FieldPath]:
        match = _STRING.match(self.text, i)
        assert match is not None
        i = _SPACE.match(self.text, match.end()).end()  # type: ignore[union-attr]
        if i >= len(self.text) or self.text[i] != ":":
            return -1, ()
        i = _SPACE.match(self.text, i + 1).end()  # type: ignore[union-attr]
        return i, (*frame[1], frame.pop())


def _json_positions(
    text: str,
) -> tuple[dict[FieldPath, tuple[int, int]], dict[FieldPath, tuple[int, int]]]:
    scan = _Scan(text)
    scan.run()
    if scan.duplicate is not None:
        scan.keys[("\0duplicate",)] = scan.pos(scan.duplicate[1])
    return scan.keys, scan.values


def _duplicate_path(text: str) -> FieldPath:
    scan = _Scan(text)
    scan.run()
    return scan.duplicate[0] if scan.duplicate else ()


def _first_structural_problem(text: str) -> tuple[FieldPath, int, str] | None:
    scan = _Scan(text)
    scan.run()
    if scan.too_deep is not None:
        path, offset = scan.too_deep
        named = tuple(part for part in path[:4] if isinstance(part, str))
        return named, offset, f"nesting deeper than {MAX_DEPTH} levels"
    if scan.constant is not None:
        path, offset = scan.constant
        return path, offset, "NaN and Infinity are not valid JSON numbers"
    return None


# --------------------------------------------------------------------------- YAML


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def parse_yaml(text: str, file: str) -> Document:
    """Parse YAML safely (no tags, no aliases, no duplicate keys) into a Document."""
    import yaml  # only when rule files are read: a cached rulebook needs no parser

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        raise CheckerError.at(where, f"invalid YAML: {err.problem or err.context}") from None
    except RecursionError:  # the composer recurses once per level of nesting
        raise CheckerError.at(Location(file), f"nesting deeper than {MAX_DEPTH} levels") from None
    except yaml.YAMLError as err:
        raise CheckerError.at(Location(file), f"invalid YAML: {type(err).__name__}") from None
    doc = Document(file, None, keys={}, values={})
    if node is None:
        doc.data = None
        return doc
    doc.data = _construct(node, (), doc, set())
    return doc


def _construct(node: yaml.Node, path: FieldPath, doc: Document, seen: set[int]) -> Any:
    import yaml

    assert doc.keys is not None and doc.values is not None
    if id(node) in seen:
        raise CheckerError.at(doc.locate(path), "YAML anchors and aliases are not supported")
    seen.add(id(node))
    doc.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    # `path` has one part per enclosing collection: this one would be one level deeper.
    if len(path) >= MAX_DEPTH and isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        raise CheckerError.at(doc.locate(path), f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, path, doc)
            if not isinstance(key, str | int | bool) or isinstance(key, bool):
                key = str(key)
            child = (*path, key)
            if key in result:
                where = Location(
                    doc.file,
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                    field_path(child),
                )
                raise CheckerError.at(where, f"duplicate key '{key}'")
            doc.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _construct(value_node, child, doc, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, i), doc, seen) for i, item in enumerate(node.value)]
    return _scalar(node, path, doc)


def _scalar(node: yaml.Node, path: FieldPath, doc: Document) -> Any:
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        raise CheckerError.at(doc.locate(path), "a key must be a plain value")
    if node.tag == _TIMESTAMP:
        return node.value  # dates are parsed by the models, which say what is wrong with them
    where = Location(
        doc.file, node.start_mark.line + 1, node.start_mark.column + 1, field_path(path)
    )
    try:
        value = yaml.constructor.SafeConstructor().construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError) as err:
        raise CheckerError.at(where, f"invalid YAML value: {err}") from None
    message = surrogate_problem(value) if isinstance(value, str) else None
    if message is not None:
        raise CheckerError.at(where, message)
    return value
