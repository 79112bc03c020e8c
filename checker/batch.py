"""Many files at once: each one's verdict or problems, one bad file never stopping the rest."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from checker.codes import check_country, check_territory
from checker.engine import Strike
from checker.errors import CheckerError, Location, Problem
from checker.evaluation import evaluate, readings_to_run, strike_of
from checker.loading import parse_scenario, scenario_files, validate_model
from checker.model import RuleFile
from checker.rulebook import RULE_SUFFIXES, Rulebook, load_rulebook
from checker.sourcemap import decode, parse_yaml, read_text
from checker.verdict import Verdict

STDIN = "-"


@dataclass(frozen=True)
class FileResult:
    """One scenario file's outcome: a verdict, or the problems that stopped it."""

    file: str
    verdict: Verdict | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def expectation_met(self) -> bool | None:
        """True/False when the file states `expect`; None when it does not."""
        if self.verdict is None or self.verdict.expect is None:
            return None
        return self.verdict.verdict == self.verdict.expect


def evaluate_paths(
    paths: list[str], rulebook: Rulebook, *, reading: str | None = None
) -> Iterator[FileResult]:
    """Evaluate every scenario file named (folders searched recursively), in order."""
    readings_to_run(rulebook, reading)  # an unknown reading is a usage error, before any file
    for item in _inputs(paths):
        if isinstance(item, Problem):
            yield FileResult(str(item.location.file), problems=(item,))
            continue
        name, text = item
        try:
            scenario = parse_scenario(text, name, rulebook)
            yield FileResult(name, verdict=evaluate(rulebook, scenario, reading=reading, file=name))
        except CheckerError as err:
            yield FileResult(name, problems=err.problems)


def _inputs(paths: list[str]) -> Iterator[Problem | tuple[str, str]]:
    for raw in paths:
        if raw == STDIN:
            try:
                yield "<stdin>", decode(sys.stdin.buffer.read(), "<stdin>")
            except CheckerError as err:
                yield from err.problems
            continue
        for found in scenario_files([raw]):
            if isinstance(found, Problem):
                yield found
                continue
            try:
                yield str(found), read_text(found)
            except CheckerError as err:
                yield from err.problems


def validate_paths(paths: list[str], rules: str | None = None) -> tuple[int, list[Problem]]:
    """Check rule folders and scenario files without evaluating; (files checked, problems)."""
    problems: list[Problem] = []
    checked = 0
    scenario_paths: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists() and raw != STDIN:
            problems.append(Problem(Location(raw), "no such file or folder"))
        elif path.is_dir() and any(p.suffix in RULE_SUFFIXES for p in path.rglob("*")):
            checked += sum(1 for p in path.rglob("*") if p.suffix in RULE_SUFFIXES)
            problems.extend(_rulebook_problems(path))
        elif path.suffix in RULE_SUFFIXES:
            checked += 1
            problems.extend(_rule_file_problems(path))
        else:
            scenario_paths.append(raw)
    if scenario_paths:
        try:
            rulebook = load_rulebook(rules)
        except CheckerError as err:
            return checked, [*problems, *err.problems]
        for item in _inputs(scenario_paths):
            if isinstance(item, Problem):
                problems.append(item)
                continue
            checked += 1
            try:
                parse_scenario(item[1], item[0], rulebook)
            except CheckerError as err:
                problems.extend(err.problems)
    return checked, problems


def _rulebook_problems(folder: Path) -> list[Problem]:
    try:
        load_rulebook(folder)
    except CheckerError as err:
        return list(err.problems)
    return []


def _rule_file_problems(path: Path) -> list[Problem]:
    try:
        validate_model(RuleFile, parse_yaml(read_text(path), str(path)))
    except CheckerError as err:
        return list(err.problems)
    return []


# --------------------------------------------------------------------------- JSON Lines

JSONL_SUFFIXES = (".jsonl", ".ndjson")
CHUNK_PARTS = 4096
"""Output pieces (about 11 per line) gathered between two writes: results stream out."""
_KEY = re.compile(rb'"[ \t\r\n]*:')
_TOP = frozenset(
    {"$schema", "id", "title", "notes", "date", "operator", "weapon", "target", "launch"}
    | {"assume", "expect"}
)
_TARGET = frozenset(("territory", "kind", "forces", "location"))
_TEXTS = ("id", "title", "notes")


def is_jsonl(path: str) -> bool:
    return path.endswith(JSONL_SUFFIXES)


def _no_constant(name: str) -> Any:
    raise ValueError(name)


_loads = json.JSONDecoder(parse_constant=_no_constant).decode


class _Point:
    """A validated WGS84 point, shaped like model.GeoPoint for `feasibility_of`."""

    __slots__ = ("lat", "lon")

    def __init__(self, lat: float, lon: float) -> None:
        self.lat, self.lon = lat, lon


class _Located:
    __slots__ = ("location",)

    def __init__(self, location: _Point | None) -> None:
        self.location = location


class _Shape:
    """The parts of a scenario `feasibility_of` reads."""

    __slots__ = ("launch", "target")

    def __init__(self, target: _Point, launch: _Point) -> None:
        self.target, self.launch = _Located(target), _Located(launch)


class FastScenarios:
    """Validate the common shape of a scenario line without pydantic, exactly as the model would.

    `strike(data, raw)` returns the strike and what the JSON needs besides it, or None when
    anything is unusual (an unknown key, a null where a value is required, a possible
    duplicate key, a value a cache has not seen valid...): the caller then takes the full
    path (`loading.parse_scenario`), which also words every error. Each value is checked by
    the model's own validators (`parse_day`, `check_country`, `check_territory`), cached.
    """

    def __init__(self, rulebook: Rulebook) -> None:
        from checker.model import TARGET_KINDS, VERDICTS

        self.rulebook = rulebook
        self.kinds = frozenset(TARGET_KINDS)
        self.verdicts = frozenset(VERDICTS)
        self.days: dict[str, date | None] = {}
        self.countries: dict[str, str | None] = {}
        self.territories: dict[str, str | None] = {}
        self.weapons: dict[str, str | None] = {}
        self.code_lists: dict[tuple[str, ...], tuple[str, ...] | None] = {}

    def _day(self, value: Any) -> date | None:
        if type(value) is not str:
            return None
        found = self.days.get(value, False)
        if found is False:
            from checker.model import parse_day

            try:
                found = parse_day(value)
            except ValueError:
                found = None
            if len(self.days) < 100_000:
                self.days[value] = found
        return found  # type: ignore[return-value]

    def _code(self, value: Any, cache: dict[str, str | None], check: Any) -> str | None:
        if type(value) is not str:
            return None
        found = cache.get(value, False)
        if found is False:
            try:
                found = check(value)
            except ValueError:
                found = None
            if len(cache) < 100_000:
                cache[value] = found
        return found  # type: ignore[return-value]

    def _codes(self, value: Any) -> tuple[str, ...] | None:
        if type(value) is not list or not all(type(v) is str for v in value):
            return None
        key = tuple(value)
        found = self.code_lists.get(key, False)
        if found is False:
            codes = [self._code(v, self.countries, check_country) for v in value]
            valid = [c for c in codes if c is not None]
            found = tuple(sorted(set(valid))) if len(valid) == len(codes) else None
            if len(self.code_lists) < 100_000:
                self.code_lists[key] = found
        return found  # type: ignore[return-value]

    def _weapon(self, value: Any) -> str | None:
        if type(value) is not str:
            return None
        found = self.weapons.get(value, False)
        if found is False:
            weapon = self.rulebook.weapon_named(value) if 1 <= len(value) <= 100 else None
            found = weapon.id if weapon is not None else None
            if len(self.weapons) < 100_000:
                self.weapons[value] = found
        return found  # type: ignore[return-value]

    @staticmethod
    def _point(value: Any) -> _Point | bool | None:
        """A point, None when absent or null, False when not plainly valid."""
        if value is None:
            return None
        if type(value) is not dict or len(value) != 2:
            return False
        lat: Any = value.get("lat")
        lon: Any = value.get("lon")
        if type(lat) not in (int, float) or type(lon) not in (int, float):
            return False
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # NaN fails these too
            return False
        return _Point(float(lat), float(lon))

    def strike(self, data: Any, raw: bytes) -> tuple[Strike, Any, _Shape | None] | None:
        """(strike, scenario data, shape for feasibility), or None: take the full path."""
        if type(data) is not dict or not data.keys() <= _TOP:
            return None
        keys = len(data)
        for name in _TEXTS:
            text = data.get(name)
            if text is not None and (type(text) is not str or len(text) > 4000):
                return None
        schema = data.get("$schema")
        if schema is not None and type(schema) is not str:
            return None
        expect = data.get("expect")
        if expect is not None and (type(expect) is not str or expect not in self.verdicts):
            return None
        day = self._day(data.get("date"))
        weapon = self._weapon(data.get("weapon"))
        operator = (
            self._code(data["operator"], self.countries, check_country)
            if "operator" in data
            else "UA"
        )
        target = data.get("target")
        if day is None or weapon is None or operator is None or type(target) is not dict:
            return None
        if not target.keys() <= _TARGET:
            return None
        keys += len(target)
        territory = self._code(target.get("territory"), self.territories, check_territory)
        kind = target.get("kind")
        if territory is None or type(kind) is not str or kind not in self.kinds:
            return None
        forces: tuple[str, ...] | None = None
        if target.get("forces") is not None:
            forces = self._codes(target["forces"])
            if forces is None:
                return None
        where = self._point(target.get("location"))
        if where is False:
            return None
        keys += 2 if where else 0
        launch_at: _Point | bool | None = None
        launch = data.get("launch")
        if launch is not None:
            if type(launch) is not dict or not launch.keys() <= {"location"}:
                return None
            keys += len(launch)
            launch_at = self._point(launch.get("location"))
            if launch_at is False:
                return None
            keys += 2 if launch_at else 0
        consents: tuple[str, ...] = ()
        assume = data.get("assume")
        if assume is not None:
            if type(assume) is not dict or not assume.keys() <= {"consent"}:
                return None
            keys += len(assume)
            if "consent" in assume:
                found = self._codes(assume["consent"])
                if found is None:
                    return None
                consents = found
        # A duplicate key is an error json.loads would hide: every `"key":` must be one we saw.
        if len(_KEY.findall(raw)) != keys:
            return None
        strike = Strike(weapon, kind, territory, operator, day, forces, consents)
        shape = _Shape(where, launch_at) if where and launch_at else None  # type: ignore[arg-type]
        return strike, data, shape


@dataclass
class JsonlStats:
    lines: int = 0
    evaluated: int = 0
    bad: int = 0


JsonlItem = bytes | Verdict | Problem


class JsonlEvaluator:
    """Evaluate JSON Lines scenario files through the memoised path, line by line."""

    def __init__(self, rulebook: Rulebook, *, reading: str | None = None, json_out: bool) -> None:
        from checker.memo import Memo

        self.rulebook = rulebook
        self.reading = reading
        self.memo = Memo(rulebook, reading=reading)
        self.fast = FastScenarios(rulebook)
        self.json_out = json_out
        self.stats = JsonlStats()

    def lines(self, path: str, block: bytes, first_line: int) -> Iterator[JsonlItem]:
        """Evaluate every line of `block` (whole lines of `path` from `first_line`)."""
        from checker.memo import Extras, scenario_name

        memo, fast, stats = self.memo, self.fast, self.stats
        out: list[bytes] = []
        number = first_line - 1
        for raw in block.splitlines():
            number += 1
            if not raw.strip():
                continue
            stats.lines += 1
            parsed = None
            try:
                data = _loads(raw.decode())
            except ValueError:
                pass
            else:
                parsed = fast.strike(data, raw)
            if parsed is None or not self.json_out:
                item = self._full(path, raw, number)
                if isinstance(item, tuple):
                    stats.bad += 1
                    if out:
                        yield b"".join(out)
                        out = []
                    yield from item
                    continue
                stats.evaluated += 1
                if self.json_out:
                    out.append(as_json_bytes(item))
                else:
                    yield item
                continue
            strike, data, shape = parsed
            file = f"{path}:{number}"
            extras = Extras(
                scenario_name(data.get("id"), file),
                file,
                data.get("expect"),
                memo.feasibility(shape, strike) if shape is not None else None,
                strike.weapon,
            )
            memo.json_parts(strike, extras, out)
            stats.evaluated += 1
            if len(out) >= CHUNK_PARTS:
                yield b"".join(out)
                out = []
        if out:
            yield b"".join(out)

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


def as_json_bytes(verdict: Verdict) -> bytes:
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
                _write_all(1, b"".join(outs))
                _write_all(2, "".join(errors).encode())
            finally:
                turn.value += 1
                cond.notify_all()
    return (
        evaluator.stats.lines - before_lines,
        evaluator.stats.bad - before_bad,
        end - start,
    )


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


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
    """`evaluate_jsonl` in `jobs` processes that write JSON to stdout themselves, in order.

    Only for a regular file and JSON output: the workers read their own byte ranges, so
    neither input nor output passes through this process.
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
