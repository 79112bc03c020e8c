"""JSON Lines: one scenario per line, streamed through the memoised path, bad lines located.

A line that `lines.LineReader` reads plainly goes straight to its class's cached JSON
template (`memo.Memo.json_parts`), or text or markdown template (`templates.Templates`,
when the output is not styled); any other line, and every line of styled output, takes
the plain path of a scenario file, which words its errors at the line.
`--jobs N` splits a file into byte ranges evaluated by N forked workers, which write their
output to stdout themselves, in file order.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import CheckerError, Location, Problem
from checker.model.rulebook import Rulebook
from checker.model.verdict import Verdict
from checker.read.scenario import parse_scenario, strike_of
from checker.read.sourcemap import decode

STDIN = "-"
CHUNK_PARTS = 1024
"""Output pieces (about 11 per line) gathered between two writes: results stream out."""


@dataclass
class JsonlStats:
    lines: int = 0
    evaluated: int = 0
    bad: int = 0


JsonlItem = bytes | Verdict | Problem


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
        from checker.evaluation.memo import EXPECT_SLOTS, NO_FEASIBILITY, string_slot
        from checker.read.lines import point

        read, json_parts, feasibility = (
            self.reader.read,
            self.memo.json_parts,
            self.memo.feasibility_slots,
        )
        stats = self.stats
        out: list[bytes] = []
        file_slot = _FileSlots(path)
        for number, raw in self._numbered(block, first_line):
            found = read(raw)
            if found is None:
                item = self._full(path, raw, number)
                if isinstance(item, tuple):
                    stats.bad += 1
                    if out:
                        yield b"".join(out)
                        out = []
                    yield from item
                    continue
                stats.evaluated += 1
                out.append(as_json_bytes(item))
                continue
            strike, line = found
            file = file_slot(number)
            name = string_slot(line.id) if line.id else file_slot.name(number)
            target_at = point(line.target.location)
            launch_at = point(line.launch.location) if line.launch else None
            if target_at is not None and launch_at is not None:
                feasible, warnings = feasibility(strike.weapon, target_at, launch_at)
            else:
                feasible, warnings = NO_FEASIBILITY
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
        from checker.evaluation.memo import scenario_name
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
                if isinstance(item, tuple):
                    stats.bad += 1
                    yield from item
                else:
                    stats.evaluated += 1
                    yield item
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
            if isinstance(item, tuple):
                stats.bad += 1
                yield from item
            else:
                stats.evaluated += 1
                yield item

    def _numbered(self, block: bytes, first_line: int) -> Iterator[tuple[int, bytes]]:
        """The scenario lines of `block` with their numbers (blank lines skipped, counted)."""
        stats = self.stats
        # Lines end at "\n" only, as `read_blocks` counts them: a "\r" inside a line is data.
        for number, raw in enumerate(block.split(b"\n"), first_line):
            if raw and not raw.isspace():
                stats.lines += 1
                yield number, raw

    def _full(self, path: str, raw: bytes, number: int) -> Verdict | tuple[Problem, ...]:
        """The plain path for one line: every check of a scenario file, errors located."""
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
        from checker.evaluation.memo import scenario_name, string_slot

        self._path = path
        self._string = string_slot
        self._scenario_name = scenario_name
        whole, base = string_slot(f"{path}:"), string_slot(scenario_name(None, f"{path}:"))
        plain = whole == b'"' + f"{path}:".encode() + b'"'
        # For a path JSON writes as is, both are the quoted prefix plus the line number.
        self._file = whole[:-1] if plain else None
        self._base = base[:-1] if plain and base.endswith(b':"') else None

    def __call__(self, number: int) -> bytes:
        if self._file is not None:
            return self._file + str(number).encode() + b'"'
        return self._string(f"{self._path}:{number}")

    def name(self, number: int) -> bytes:
        if self._base is not None:
            return self._base + str(number).encode() + b'"'
        return self._string(self._scenario_name(None, f"{self._path}:{number}"))


def as_json_bytes(verdict: Verdict) -> bytes:
    import json

    return (json.dumps(verdict.to_dict(), ensure_ascii=False) + "\n").encode()


def read_blocks(path: str, size: int = 1 << 20) -> Iterator[tuple[bytes, int]]:
    """Whole lines of a file, about `size` bytes at a time, with the first line's number."""
    handle = sys.stdin.buffer if path == STDIN else Path(path).open("rb")  # noqa: SIM115
    try:
        line, rest = 1, b""
        while True:
            data = handle.read(size)
            if not data:
                break
            data = rest + data
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                rest = data
                continue
            block, rest = data[:cut], data[cut:]
            yield block, line
            line += block.count(b"\n")
        if rest:
            yield rest, line
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def check_jsonl_path(path: str) -> Problem | None:
    if path == STDIN:
        return None
    found = Path(path)
    if not found.exists():
        return Problem(Location(path), "no such file or folder")
    if found.is_dir():
        return Problem(Location(path), "is a folder, not a file")
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
        for block, line in read_blocks(path):
            yield from evaluator.lines(name, block, line)
            done += len(block)
            if progress is not None:
                progress(done, total)
    except OSError as err:
        evaluator.stats.bad += 1
        yield Problem(Location(name), f"cannot be read: {err.strerror}")
        return
    if evaluator.stats.lines == before:
        evaluator.stats.bad += 1
        yield Problem(Location(name), "holds no scenarios (one JSON object per line)")


# ---- --jobs N: worker processes, each writing its chunks to stdout in turn

_WORKER: dict[str, Any] = {}


def _work(task: tuple[int, int, int, int]) -> tuple[int, int, int]:
    index, start, end, first_line = task
    shared = _WORKER
    evaluator: JsonlEvaluator = shared["evaluator"]
    before_lines, before_bad = evaluator.stats.lines, evaluator.stats.bad
    outs: list[bytes] = []
    errors: list[str] = []
    try:
        with Path(shared["path"]).open("rb") as handle:
            handle.seek(start)
            block = handle.read(end - start)
        for item in evaluator.lines(shared["name"], block, first_line):
            if isinstance(item, bytes):
                outs.append(item)
            elif isinstance(item, Problem):
                errors.append(str(item) + "\n")
    finally:
        turn, cond = shared["turn"], shared["cond"]
        with cond:
            while turn.value != index:
                cond.wait()
            try:
                _write_all(1, outs)
                _write_all(2, ["".join(errors).encode()])
            finally:
                turn.value += 1
                cond.notify_all()
    # What this worker's engine decided goes to the decision table for every later run (a
    # no-op once the table knows its classes); the parent never sees the workers' memos.
    evaluator.memo.save()
    return (
        evaluator.stats.lines - before_lines,
        evaluator.stats.bad - before_bad,
        end - start,
    )


def _write_all(fd: int, chunks: list[bytes]) -> None:
    """Write every chunk, in order, without joining them first (writev takes up to 1024)."""
    views = [memoryview(chunk) for chunk in chunks if chunk]
    start = 0
    while start < len(views):
        written = os.writev(fd, views[start : start + 1024])
        while written:
            size = len(views[start])
            if written < size:
                views[start] = views[start][written:]
                break
            written -= size
            start += 1


def _tasks(path: str, size: int) -> Iterator[tuple[int, int, int, int]]:
    offset = 0
    for index, (block, line) in enumerate(read_blocks(path, size)):
        yield index, offset, offset + len(block), line
        offset += len(block)


def evaluate_jsonl_parallel(
    path: str,
    evaluator: JsonlEvaluator,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Problem]:
    """`evaluate_jsonl` in `jobs` processes that write their output to stdout themselves,
    in order.

    Only for a regular file and output as bytes (JSON, or text from templates): the
    workers read their own byte ranges, so neither input nor output passes through this
    process.
    """
    import multiprocessing

    problem = check_jsonl_path(path)
    if problem is not None:
        evaluator.stats.bad += 1
        yield problem
        return
    context = multiprocessing.get_context("fork")
    _WORKER.update(
        evaluator=evaluator,
        path=path,
        name=path,
        turn=context.Value("q", 0, lock=False),
        cond=context.Condition(),
    )
    total, done = Path(path).stat().st_size, 0
    lines = 0
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        with context.Pool(jobs) as pool:
            for count, bad, size in pool.imap_unordered(_work, _tasks(path, 1 << 18)):
                lines += count
                evaluator.stats.lines += count
                evaluator.stats.bad += bad
                evaluator.stats.evaluated += count - bad
                done += size
                if progress is not None:
                    progress(done, total)
    finally:
        _WORKER.clear()
    if lines == 0:
        evaluator.stats.bad += 1
        yield Problem(Location(path), "holds no scenarios (one JSON object per line)")
