"""JSON Lines: one scenario per line, streamed through the memoised path, bad lines located.

A line that `lines.LineReader` reads plainly goes straight to its class's cached JSON
template (`memo.Memo.json_parts`), or text or markdown template (`templates.Templates`,
when the output is not styled); any other line, and every line of styled output, takes
the plain path of a scenario file, which words its errors at the line.
`--jobs N` (`checker.evaluation.parallel`) splits a file into byte ranges evaluated by N
forked workers, which write their output to stdout themselves, in file order.
"""

from __future__ import annotations

import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from msgspec import Struct

from checker.errors import CheckerError, Location, Problem
from checker.model.rulebook import Rulebook

if TYPE_CHECKING:
    from checker.model.verdict import Verdict

STDIN = "-"
CHUNK_PARTS = 1024
"""Output pieces (about 11 per line) gathered between two writes: results stream out."""


class JsonlStats(Struct):
    lines: int = 0
    evaluated: int = 0
    bad: int = 0


JsonlItem: TypeAlias = "bytes | Verdict | Problem"


class JsonlEvaluator:
    """Evaluate JSON Lines scenario files through the memoised path, line by line."""

    def __init__(
        self,
        rulebook: Rulebook,
        *,
        reading: str | None = None,
        json_out: bool,
        render: Callable[[Verdict], str] | None = None,
    ) -> None:
        """`render`: the text renderer whose output (escaped, encoded) goes out as bytes
        from per-class templates (`templates.Templates`); without it, verdicts go out."""
        from checker.evaluation.memo import memo_for
        from checker.read.lines import LineReader

        self.rulebook = rulebook
        self.reading = reading
        self.memo = memo_for(rulebook, reading)
        self.reader = LineReader(rulebook)
        self.json_out = json_out
        self.stats = JsonlStats()
        self.templates = None
        if json_out and not self.memo._trees:
            from checker.evaluation.templates import load_json_templates

            load_json_templates(self.memo)
        if render is not None and not json_out:
            from checker.evaluation.templates import Templates

            self.templates = Templates(self.memo, render)

    def lines(self, path: str, block: bytes, first_line: int) -> Iterator[JsonlItem]:
        """Evaluate every line of `block` (whole lines of `path` from `first_line`)."""
        if not self.json_out:
            if self.templates is not None:
                yield from self._text_lines(path, block, first_line)
            else:
                yield from self._plain_lines(path, block, first_line)
            return
        from checker.evaluation.slots import EXPECT_SLOTS, NO_FEASIBILITY, string_slot
        from checker.read.lines import Point

        read, json_parts, feasibility = (
            self.reader.read,
            self.memo.json_parts,
            self.memo.feasibility_slots,
        )
        stats = self.stats
        out: list[bytes] = []
        slots = _FileSlots(path)
        file_slot, name_slot = slots.file, slots.name
        for number, raw in self._numbered(block, first_line):
            found = read(raw)
            if found is None:
                item = self._full(path, raw, number)
                if isinstance(item, tuple):
                    if out:
                        yield b"".join(out)
                        out = []
                    yield from item
                    continue
                out.append(as_json_bytes(item))
                continue
            strike, line = found
            file = file_slot(number)
            name = string_slot(line.id) if line.id else name_slot(number)
            feasible, warnings = NO_FEASIBILITY
            target_at = line.target.location
            if target_at.__class__ is Point and line.launch:  # both points: its feasibility
                launch_at = line.launch.location
                if launch_at.__class__ is Point:
                    feasible, warnings = feasibility(strike.weapon, target_at, launch_at)
            expect = EXPECT_SLOTS.get(line.expect, b"null")
            json_parts(strike, (name, file, feasible, expect, warnings), out)
            stats.evaluated += 1
            if len(out) >= CHUNK_PARTS:
                yield b"".join(out)
                out = []
        if out:
            yield b"".join(out)

    def _text_lines(self, path: str, block: bytes, first_line: int) -> Iterator[JsonlItem]:
        """Rendered text as bytes, from the class's template; the rest as `lines` does."""
        from checker.model.names import scenario_name
        from checker.read.lines import point

        templates, stats, read = self.templates, self.stats, self.reader.read
        assert templates is not None
        parts, tail = templates.parts, templates.tail
        base = scenario_name(None, f"{path}:")  # + the line number: the default name
        out: list[bytes] = []
        for number, raw in self._numbered(block, first_line):
            found = read(raw)
            located = None
            if found is not None:
                strike, line = found
                target_at = point(line.target.location)
                launch_at = point(line.launch.location) if line.launch else None
                if target_at is not None and launch_at is not None:
                    located = tail(strike, target_at, launch_at)
                    if located is None:
                        found = None
            if found is None:
                item = self._full(path, raw, number)
                if out:
                    yield b"".join(out)
                    out = []
                yield from item if isinstance(item, tuple) else (item,)
                continue
            parts(strike, line.id or f"{base}{number}", out)
            stats.evaluated += 1
            if located is not None:
                out.append(located)
            if len(out) >= CHUNK_PARTS:
                yield b"".join(out)
                out = []
        if out:
            yield b"".join(out)

    def _plain_lines(self, path: str, block: bytes, first_line: int) -> Iterator[JsonlItem]:
        """Verdicts for the text and markdown renderers: the same reader and memo as JSON,
        without its templates (a line the reader does not accept takes the full path)."""
        stats, read, verdict = self.stats, self.reader.scenario, self.memo.verdict
        for number, raw in self._numbered(block, first_line):
            found = read(raw)
            if found is not None:
                stats.evaluated += 1
                yield verdict(found[0], found[1], file=f"{path}:{number}")
                continue
            item = self._full(path, raw, number)
            yield from item if isinstance(item, tuple) else (item,)

    def _numbered(self, block: bytes, first_line: int) -> Iterator[tuple[int, bytes]]:
        """The scenario lines of `block` with their numbers (blank lines skipped, counted)."""
        stats = self.stats
        # Lines end at "\n" only, as `read_blocks` counts them: a "\r" inside a line is data.
        for number, raw in enumerate(block.split(b"\n"), first_line):
            if raw and not raw.isspace():
                stats.lines += 1
                yield number, raw

    def _full(self, path: str, raw: bytes, number: int) -> Verdict | tuple[Problem, ...]:
        """The plain path for one line: every check of a scenario file, errors located;
        counted as evaluated or bad."""
        found = self._checked(path, raw, number)
        if isinstance(found, tuple):
            self.stats.bad += 1
        else:
            self.stats.evaluated += 1
        return found

    def _checked(self, path: str, raw: bytes, number: int) -> Verdict | tuple[Problem, ...]:
        from checker.read.scenario import parse_scenario, strike_of
        from checker.read.sourcemap import decode

        try:
            text = decode(raw, path)
        except CheckerError as err:  # decode() counts lines from this one
            problem = err.problems[0]
            where = problem.location
            line = number + (where.line - 1 if where.line is not None else 0)
            return (
                Problem(Location(where.file, line, where.column, where.field), problem.message),
            )
        try:
            scenario = parse_scenario(text, path, self.rulebook, line_offset=number - 1)
            file = f"{path}:{number}"
            strike = strike_of(self.rulebook, scenario)
            return self.memo.verdict(scenario, strike, file=file)
        except CheckerError as err:
            return tuple(
                problem
                if problem.location.line is not None
                else Problem(
                    Location(problem.location.file, number, None, problem.location.field),
                    problem.message,
                )
                for problem in err.problems
            )


class _FileSlots:
    """The encoded `file` (path:line) and default scenario name of a line of one file."""

    def __init__(self, path: str) -> None:
        from checker.evaluation.slots import string_slot
        from checker.model.names import scenario_name

        self._path = path
        self._string = string_slot
        self._scenario_name = scenario_name
        whole, base = string_slot(f"{path}:"), string_slot(scenario_name(None, f"{path}:"))
        plain = whole == b'"' + f"{path}:".encode("utf-8", "backslashreplace") + b'"'
        # For a path JSON writes as is, both are the quoted prefix plus the line number.
        self._file = whole[:-1] if plain else None
        self._base = base[:-1] if plain and base.endswith(b':"') else None

    def file(self, number: int) -> bytes:
        if self._file is not None:
            return self._file + str(number).encode() + b'"'
        return self._string(f"{self._path}:{number}")

    def name(self, number: int) -> bytes:
        if self._base is not None:
            return self._base + str(number).encode() + b'"'
        return self._string(self._scenario_name(None, f"{self._path}:{number}"))


def as_json_bytes(verdict: Verdict) -> bytes:
    import json

    return (json.dumps(verdict.to_dict(), ensure_ascii=False) + "\n").encode(
        "utf-8", "backslashreplace"
    )


def read_blocks(path: str, size: int = 1 << 20) -> Iterator[tuple[bytes, int]]:
    """Whole lines of a file, about `size` bytes at a time, with the first line's number."""
    for block, line, _ in line_blocks(path, size):
        yield block, line


def line_blocks(
    path: str, size: int, start: int = 0, end: int | None = None, first_line: int = 1
) -> Iterator[tuple[bytes, int, int]]:
    """Whole lines of `path` (bytes `start` to `end`), each block with its first line's
    number and how many bytes of the file it covers.

    Memory stays bounded whatever the input: a line longer than the 1 MiB limit is cut
    after its first `MAX_BYTES + 1` bytes (enough for its refusal at its line) and the
    rest of it is skipped as it is read, never held.
    """
    from checker.read.sourcemap import MAX_BYTES, open_regular

    handle = sys.stdin.buffer if path == STDIN else open_regular(path)
    try:
        if start:
            handle.seek(start)
        left = -1 if end is None else end - start
        line, rest = first_line, b""
        long: bytes | None = None  # the head of an overlong line, while its rest is skipped
        skipped = 0
        while left:
            data = handle.read(size if left < 0 else min(size, left))
            if not data:
                break
            left -= len(data) if left > 0 else 0
            if long is not None:
                cut = data.find(b"\n") + 1
                if cut == 0:
                    skipped += len(data)
                    continue
                yield long + b"\n", line, len(long) + skipped + cut
                line, long, data = line + 1, None, data[cut:]
            data = rest + data
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                rest = data
                if len(rest) > MAX_BYTES:
                    long, skipped, rest = rest[: MAX_BYTES + 1], len(rest) - MAX_BYTES - 1, b""
                continue
            block, rest = data[:cut], data[cut:]
            yield block, line, len(block)
            line += block.count(b"\n")
        if long is not None:
            yield long + b"\n", line, len(long) + skipped
        elif rest:
            yield rest, line, len(rest)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def check_jsonl_path(path: str) -> Problem | None:
    if path == STDIN:
        return None
    try:
        found = Path(path).stat()
    except FileNotFoundError:
        return Problem(Location(path), "no such file or folder")
    except (OSError, ValueError) as err:
        return Problem(Location(path), f"cannot be read: {getattr(err, 'strerror', None) or err}")
    if stat.S_ISDIR(found.st_mode):
        return Problem(Location(path), "is a folder, not a file")
    if not stat.S_ISREG(found.st_mode):
        from checker.read.sourcemap import NOT_REGULAR

        return Problem(Location(path), NOT_REGULAR)
    return None


def evaluate_jsonl(
    path: str, evaluator: JsonlEvaluator, progress: Callable[[int, int], None] | None = None
) -> Iterator[JsonlItem]:
    """Stream one JSON Lines file: output chunks (JSON), verdicts (other formats), problems."""
    problem = check_jsonl_path(path)
    if problem is not None:
        evaluator.stats.bad += 1
        yield problem
        return
    name = "<stdin>" if path == STDIN else path
    total = 0 if path == STDIN else Path(path).stat().st_size
    before, done = evaluator.stats.lines, 0
    try:
        for block, line, covered in line_blocks(path, 1 << 20):
            yield from evaluator.lines(name, block, line)
            done += covered
            if progress is not None:
                progress(done, total)
    except CheckerError as err:  # replaced by a FIFO or a device since it was checked
        evaluator.stats.bad += 1
        yield from err.problems
        return
    except OSError as err:
        evaluator.stats.bad += 1
        yield Problem(Location(name), f"cannot be read: {err.strerror}")
        return
    if evaluator.stats.lines == before:
        evaluator.stats.bad += 1
        yield Problem(Location(name), "holds no scenarios (one JSON object per line)")
