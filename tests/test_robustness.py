"""Any input whatever: a verdict, or a located problem (exit 2) - never a traceback or a hang.

Fuzzed: arbitrary bytes, arbitrary JSON, valid scenarios with one thing broken, rule files
likewise, through the library and through the CLI. The input limits (1 MiB per file,
nesting 64 levels, see checker/sourcemap.py) are tested at their edges.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import checker
from checker import cli
from checker.audit.mutants import mutants
from checker.errors import CheckerError, Problem
from checker.evaluation.space import build_space
from checker.model.terms import VERDICTS
from checker.model.verdict import Verdict
from checker.read.scenario import parse_scenario
from checker.read.sourcemap import MAX_BYTES, MAX_DEPTH, decode

from .conftest import RULES
from .hostile_inputs import (
    ENTRY_KINDS,
    hostile_bytes,
    hostile_rule_text,
    jsonl_batches,
    make_entry,
    rule_edges,
)
from .strategies import rulebook_files, scenario_dicts, write_files
from .test_generated_rulebooks import MUTATIONS, Mutation

SHIPPED = checker.load_rulebook(RULES)
LOCATED = re.compile(r"^(?P<file>[^\n]+?)(:(?P<line>\d+)(:(?P<column>\d+))?)?: \S")
# A hang is a failure: no single input may take this long (deadline is per example).
NO_HANG = settings(deadline=timedelta(seconds=10))
runner = CliRunner()
KURSK: dict[str, Any] = {
    "date": "2024-11-20",
    "weapon": "ATACMS",
    "target": {"territory": "RU-KRS", "kind": "ammunition_depot"},
}


@contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def read_and_judge(raw: bytes, name: str = "case.json") -> Verdict | tuple[Problem, ...]:
    """The library path of `checker eval`: a verdict, or problems located in `name`."""
    try:
        scenario = parse_scenario(decode(raw, name), name, SHIPPED)
        verdict = checker.evaluate(SHIPPED, scenario, file=name)
    except CheckerError as err:
        assert err.problems
        for problem in err.problems:
            assert problem.location.file == name, problem
            assert LOCATED.match(str(problem)), problem
        return err.problems
    assert verdict.verdict in VERDICTS and verdict.reasons
    return verdict


# --------------------------------------------------------------------------- inputs

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict | list):
        for key, child in value.items() if isinstance(value, dict) else enumerate(value):
            yield from _paths(child, (*path, key))


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


@st.composite
def broken_scenarios(draw: st.DrawFn) -> bytes:
    """A valid scenario with exactly one thing wrong with it, in its data or in its text."""
    data = draw(scenario_dicts(SHIPPED))
    how = draw(st.sampled_from(["replace", "delete", "add", "typo", "truncate", "insert", "dup"]))
    if how in ("truncate", "insert", "dup"):
        text = json.dumps(data, indent=draw(st.sampled_from([None, 2])))
        where = draw(st.integers(0, len(text)))
        if how == "truncate":
            return text[:where].encode()
        if how == "insert":
            return (text[:where] + draw(st.characters()) + text[where:]).encode()
        return text.replace("{", '{"date": "2024-11-20", ', 1).encode()
    path = draw(st.sampled_from([p for p in _paths(data) if p]))
    parent, key = _at(data, path[:-1]), path[-1]
    if how == "replace":
        parent[key] = draw(JSON_VALUES)
    elif how == "delete":
        parent.pop(key)
    elif how == "add" and isinstance(parent, dict):
        parent[draw(st.text(min_size=1))] = draw(JSON_VALUES)
    elif how == "add":
        parent.append(draw(JSON_VALUES))
    elif isinstance(parent, dict):
        parent[key[:-1] or "x"] = parent.pop(key)  # a typo in a field name
    return json.dumps(data).encode()


ANY_INPUT = st.one_of(
    st.binary(max_size=2048),
    st.text(max_size=512).map(str.encode),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    broken_scenarios(),
    scenario_dicts(SHIPPED).map(lambda d: json.dumps(d).encode()),
)


# --------------------------------------------------------------------------- library


@NO_HANG
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_give_a_verdict_or_a_located_problem(raw: bytes) -> None:
    read_and_judge(raw)


@NO_HANG
@given(JSON_VALUES)
def test_arbitrary_json_gives_a_verdict_or_a_located_problem(value: Any) -> None:
    result = read_and_judge(json.dumps(value).encode())
    if not isinstance(value, dict):
        assert isinstance(result, tuple)  # only an object can be a scenario


@NO_HANG
@given(broken_scenarios())
def test_a_scenario_with_one_thing_wrong_is_refused_at_its_line(raw: bytes) -> None:
    result = read_and_judge(raw)
    if isinstance(result, tuple):
        assert all(p.location.line is not None for p in result), [str(p) for p in result]


# --------------------------------------------------------------------------- CLI


def lines(text: str) -> list[str]:
    # split on "\n" only: str.splitlines also splits on \x1c-\x1e, \x85, \u2028...
    return text.removesuffix("\n").split("\n") if text else []


def check_cli_output(raw: bytes, fmt: str, path: Path, out: str, err: str, code: int) -> None:
    """Exactly what the library says: a verdict on stdout (exit 0), or its problems, one per
    line of stderr and nothing on stdout (exit 2); never a traceback."""
    assert "Traceback" not in out + err
    expected = read_and_judge(raw, str(path))
    if isinstance(expected, tuple):
        assert (code, out) == (2, ""), (code, err)
        assert lines(err) == [str(p) for p in expected]  # verbatim: no markup, no emoji
        return
    assert code == 0, (code, err)
    for line in lines(err):  # warnings about this file's verdict
        assert line.startswith(f"{path}: warning: "), line
    if fmt == "json":
        assert json.loads(out)["verdict"] == expected.verdict
    else:
        assert expected.verdict.upper() in out or f"**{expected.verdict}**" in out


@NO_HANG
@given(ANY_INPUT, st.sampled_from(["text", "json", "markdown"]))
def test_the_cli_gives_a_verdict_or_exit_2_for_any_file(raw: bytes, fmt: str) -> None:
    with folder() as root:
        path = root / "case.json"
        path.write_bytes(raw)
        result = runner.invoke(cli.app, ["eval", str(path), "--format", fmt])
        check_cli_output(raw, fmt, path, result.stdout, result.stderr, result.exit_code)


def test_a_problem_is_one_line_quoted_verbatim(tmp_path: Path) -> None:
    """Regressions found by the property above: a field named ':thumbs_up:' was printed as
    an emoji, one named '\\[' lost its backslash (rich markup), one named 'a\\nb' split its
    problem over two lines of stderr."""
    path = tmp_path / "case.json"
    fields = [":thumbs_up:", "a\nb", "c\x1ed", "\\[", "e\\"]
    raw = json.dumps(dict.fromkeys(fields, 1)).encode()
    path.write_bytes(raw)
    result = runner.invoke(cli.app, ["eval", str(path)])
    shown = [line.split(": unknown field ")[-1] for line in lines(result.stderr)[-5:]]
    assert shown == ["':thumbs_up:'", "'a\\nb'", "'c\\x1ed'", "'\\['", "'e\\'"]
    check_cli_output(raw, "text", path, result.stdout, result.stderr, result.exit_code)


@NO_HANG
@given(ANY_INPUT)
def test_validate_checks_any_file_without_a_traceback(raw: bytes) -> None:
    with folder() as root:
        path = root / "case.json"
        path.write_bytes(raw)
        result = runner.invoke(cli.app, ["validate", str(path)])
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code in (0, 2), result.stderr
    # an unreadable file (binary, not UTF-8) is a problem but not a file checked
    assert re.fullmatch(r"[01] files? checked, \d+ problems?\n", result.stdout), result.stdout
    for line in lines(result.stderr):
        assert line.startswith(str(path)) and LOCATED.match(line), line


@pytest.mark.parametrize("name", ["str", "int", "function-after", "a[b]", "list[str]"])
def test_an_unknown_field_named_like_a_pydantic_tag_is_located(name: str) -> None:
    """Regression: such a field was taken for a union tag and dropped: IndexError (exit 3),
    or, nested, the problem named its parent ("target: unknown field 'target'")."""
    for data, field in (({**KURSK, name: 1}, name), (_with_target_field(name), f"target.{name}")):
        problems = read_and_judge(json.dumps(data).encode())
        assert isinstance(problems, tuple)
        assert [(p.location.field, p.message) for p in problems] == [
            (field, f"unknown field '{name}'")
        ]


def _with_target_field(name: str) -> dict[str, Any]:
    return {**KURSK, "target": {**KURSK["target"], name: 1}}


# --------------------------------------------------------------------------- rule files

RULE_TEXT = st.one_of(
    st.binary(max_size=1024),
    st.text(max_size=256).map(str.encode),
    JSON_VALUES.map(lambda v: yaml.safe_dump(v).encode()),
    JSON_VALUES.map(lambda v: yaml.safe_dump({"grants": [v]}).encode()),
    JSON_VALUES.map(lambda v: yaml.safe_dump({"weapons": v}).encode()),
)


def check_rules_refused_or_loaded(root: Path) -> None:
    try:
        checker.load_rulebook(root)
    except CheckerError as err:
        for problem in err.problems:
            assert LOCATED.match(str(problem)), problem
            assert problem.location.file.startswith(str(root)), problem


@NO_HANG
@given(RULE_TEXT)
def test_any_extra_rule_file_loads_or_is_refused_with_a_location(raw: bytes) -> None:
    with folder() as root:
        shutil.copytree(RULES, root / "rules")
        (root / "rules" / "extra.yaml").write_bytes(raw)
        check_rules_refused_or_loaded(root / "rules")


@NO_HANG
@given(rulebook_files(), st.sampled_from(MUTATIONS), st.data())
def test_the_cli_refuses_a_corrupted_rulebook_with_exit_2(
    files: dict[str, Any], mutation: Mutation, data: st.DataObject
) -> None:
    corrupted = copy.deepcopy(files)
    assume(mutation(corrupted, data))
    with folder() as root, folder() as cases:
        write_files(corrupted, root)
        scenario = cases / "case.json"
        scenario.write_text(json.dumps(data.draw(scenario_dicts(SHIPPED))))
        result = runner.invoke(cli.app, ["eval", str(scenario), "--rules", str(root)])
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    problems = lines(result.stderr)
    assert problems and all(p.startswith(str(root)) and LOCATED.match(p) for p in problems)


# --------------------------------------------------------------------------- limits


def padded(text: str, size: int, filler: str = " ") -> bytes:
    raw = text.encode()
    return raw + (filler * (size - len(raw))).encode()


def test_a_scenario_file_of_exactly_1_mib_is_read_and_a_byte_more_is_refused() -> None:
    assert MAX_BYTES == 1 << 20
    verdict = read_and_judge(padded(json.dumps(KURSK), MAX_BYTES))
    assert isinstance(verdict, Verdict) and verdict.verdict == "permitted"
    problems = read_and_judge(padded(json.dumps(KURSK), MAX_BYTES + 1))
    assert isinstance(problems, tuple)
    assert [p.message for p in problems] == ["is larger than the 1024 KiB limit"]


def test_a_rule_file_of_exactly_1_mib_is_read_and_a_byte_more_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    weapons = rules / "weapons.yaml"
    text = weapons.read_text() + "\n#"
    weapons.write_bytes(padded(text, MAX_BYTES, "x"))
    assert checker.load_rulebook(rules).weapons == SHIPPED.weapons
    weapons.write_bytes(padded(text, MAX_BYTES + 1, "x"))
    with pytest.raises(CheckerError, match="larger than the 1024 KiB limit"):
        checker.load_rulebook(rules)


def nested(depth: int) -> str:
    """A scenario whose `notes` field nests lists so that the file is `depth` levels deep."""
    inner = "[" * (depth - 1) + "]" * (depth - 1)
    return json.dumps(KURSK)[:-1] + f', "notes": {inner}}}'


def test_json_nesting_64_levels_deep_is_parsed_and_65_refused() -> None:
    at_limit = read_and_judge(nested(MAX_DEPTH).encode())
    assert isinstance(at_limit, tuple)
    assert [p.message for p in at_limit] == ["expected a string, got a list"]  # parsed
    beyond = read_and_judge(nested(MAX_DEPTH + 1).encode())
    assert isinstance(beyond, tuple)
    assert [p.message for p in beyond] == [f"nesting deeper than {MAX_DEPTH} levels"]
    assert beyond[0].location.line == 1


def test_yaml_nesting_64_levels_deep_is_parsed_and_65_refused(tmp_path: Path) -> None:
    """Regression: YAML allowed 65 levels where JSON allows 64."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    extra = rules / "extra.yaml"
    for depth, message in ((MAX_DEPTH, "unknown field"), (MAX_DEPTH + 1, "nesting deeper")):
        extra.write_text("x: " + "[" * (depth - 1) + "]" * (depth - 1) + "\n")
        with pytest.raises(CheckerError) as caught:
            checker.load_rulebook(rules)
        assert [message in p.message for p in caught.value.problems] == [True], depth


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_mebibyte_of_brackets_is_refused_quickly_without_a_crash(
    tmp_path: Path, suffix: str
) -> None:
    """Regression for YAML: 'invalid YAML: RecursionError' became the nesting message."""
    path = tmp_path / f"deep{suffix}"
    path.write_text("[" * (MAX_BYTES - 1))
    if suffix == ".json":
        result = runner.invoke(cli.app, ["eval", str(path)])
    else:
        result = runner.invoke(cli.app, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"nesting deeper than {MAX_DEPTH} levels" in result.stderr
    assert result.stderr.startswith(str(path)) and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- hostile input
# Wider generators (tests/hostile_inputs.py): any code point in any string field, `\r` and
# NUL inside JSON Lines lines, FIFOs, devices and links in folders, rule values at their
# edges. The property each time: never exit 3, never a traceback, no good result lost.


@NO_HANG
@given(hostile_bytes(SHIPPED), st.sampled_from(["text", "json", "markdown"]))
def test_any_code_point_in_any_field_gives_a_verdict_or_exit_2(raw: bytes, fmt: str) -> None:
    with folder() as root:
        path = root / "case.json"
        path.write_bytes(raw)
        result = runner.invoke(cli.app, ["eval", str(path), "--format", fmt])
        check_cli_output(raw, fmt, path, result.stdout, result.stderr, result.exit_code)
        if fmt != "json":
            assert "\x1b" not in result.stdout + result.stderr


def expected_batch(data: bytes, path: Path) -> tuple[dict[int, str], set[int]]:
    """Each scenario line's verdict alone (by line number), and the numbers of bad lines."""
    verdicts: dict[int, str] = {}
    bad: set[int] = set()
    for number, raw in enumerate(data.split(b"\n"), 1):
        if not raw or raw.isspace():
            continue
        result = read_and_judge(raw, str(path))
        if isinstance(result, Verdict):
            verdicts[number] = result.verdict
        else:
            bad.add(number)
    return verdicts, bad


def check_batch(path: Path, out: str, err: str, code: int) -> None:
    """Every good line's verdict at its line number, every bad line refused at its own."""
    assert "Traceback" not in out + err and "internal error" not in err
    verdicts, bad = expected_batch(path.read_bytes(), path)
    found = {int(v["file"].rsplit(":", 1)[1]): v["verdict"] for v in map(json.loads, lines(out))}
    assert found == verdicts
    if not (verdicts or bad):
        assert lines(err) == [f"{path}: holds no scenarios (one JSON object per line)"]
    else:
        refused = {int(line.removeprefix(f"{path}:").split(":")[0]) for line in lines(err)}
        assert refused == bad
    assert code == (2 if bad or not verdicts else 0)


@NO_HANG
@given(jsonl_batches(SHIPPED), st.sampled_from([b"\n", b"\r\n"]))
def test_a_hostile_json_lines_batch_loses_no_good_line(lines_: list[bytes], end: bytes) -> None:
    with folder() as root:
        path = root / "batch.jsonl"
        path.write_bytes(end.join(lines_) + end)
        result = runner.invoke(cli.app, ["eval", str(path), "--format", "json"])
        check_batch(path, result.stdout, result.stderr, result.exit_code)


@settings(max_examples=max(5, settings.default.max_examples // 15), deadline=None)
@given(jsonl_batches(SHIPPED), st.sampled_from(["1", "2"]))
def test_a_hostile_batch_in_workers_loses_no_good_line(lines_: list[bytes], jobs: str) -> None:
    """The same through the `checker` program, whose --jobs 2 workers write stdout."""
    with folder() as root:
        path = root / "batch.jsonl"
        path.write_bytes(b"\n".join(lines_) + b"\n")
        done = subprocess.run(
            [sys.executable, "-m", "checker", "eval", str(path), "--format=json", f"--jobs={jobs}"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        check_batch(path, done.stdout.decode(), done.stderr.decode(), done.returncode)


@NO_HANG
@given(st.lists(st.sampled_from(ENTRY_KINDS), min_size=1, max_size=6), scenario_dicts(SHIPPED))
def test_a_folder_of_anything_never_blocks_and_loses_no_file(
    kinds: list[str], good: dict[str, Any]
) -> None:
    raw = json.dumps(good).encode()
    with folder() as root:
        (root / "cases").mkdir()
        (root / "outside.json").write_bytes(raw)
        for index, kind in enumerate(kinds):
            make_entry(root / "cases", f"{index}.json", kind, raw, root / "outside.json")
        result = runner.invoke(cli.app, ["eval", str(root / "cases"), "--format", "json"])
    assert "Traceback" not in result.stdout + result.stderr
    readable = sum(k in ("good", "link-in", "link-out", "folder") for k in kinds)
    refused = len(kinds) - readable
    assert len(lines(result.stdout)) == readable
    assert len(lines(result.stderr)) == refused
    assert result.exit_code == (2 if refused else 0)


@settings(max_examples=max(10, settings.default.max_examples // 5), deadline=None)
@given(st.one_of(rule_edges(), hostile_rule_text().map(lambda edit: [edit])))
def test_a_rule_value_at_its_edge_is_refused_or_usable_by_every_command(
    edits: list[tuple[str, str, str]],
) -> None:
    with folder() as root:
        rules = root / "rules"
        shutil.copytree(RULES, rules)
        for name, old, new in edits:
            path = rules / name
            text = path.read_text()
            path.write_text(text.replace(old, new, 1))  # unless an edit before took it
        try:
            book = checker.load_rulebook(rules)
        except CheckerError as err:
            for problem in err.problems:
                assert LOCATED.match(str(problem)) and str(rules) in str(problem), problem
            return
        scenario = parse_scenario(json.dumps(LOCATED_KURSK), "case.json", book)
        verdict = checker.evaluate(book, scenario, file="case.json")
        json.dumps(verdict.to_dict(), allow_nan=False)  # no Infinity, no NaN in JSON output
        mutants(book)  # the mutation audit's dates, a day either side of each rule's
        build_space(SHIPPED, book)  # diff's and lock's classes
        for args in (
            ["timeline", "--weapon", "ATACMS", "--territory", "RU-KRS", "--kind", "troops"],
            ["eval", "-", "--format", "json"],
        ):
            result = runner.invoke(
                cli.app, [*args, "--rules", str(rules)], input=json.dumps(LOCATED_KURSK)
            )
            assert result.exit_code in (0, 2), result.stderr
            assert "Infinity" not in result.stdout and "NaN" not in result.stdout


LOCATED_KURSK = {
    **KURSK,
    "target": {**KURSK["target"], "location": {"lat": 51.7, "lon": 36.2}},
    "launch": {"location": {"lat": 50.0, "lon": 36.2}},
}
