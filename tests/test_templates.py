"""Text and markdown from per-class templates equal the renderers' own output, escaped as
the writer escapes it, byte for byte: on generated scenarios under the shipped rules and
under generated rulebooks, with names holding control characters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import checker
from checker import cli
from checker.engine import engine_for
from checker.evaluation.explain import assemble
from checker.evaluation.memo import Memo
from checker.evaluation.templates import Templates, escaped
from checker.model.names import scenario_name
from checker.model.rulebook import Rulebook
from checker.read.lines import LineReader, point
from checker.read.scenario import strike_of
from checker.report.registry import renderer

from .conftest import RULES
from .strategies import rulebooks, scenario_dicts

BOOK = checker.load_rulebook(RULES)
FORMATS = ("text", "markdown")
TEMPLATES: dict[tuple[int, str], Templates] = {}


def templates_for(book: Rulebook, format: str) -> Templates:
    # One per rulebook and format across examples, so later examples reuse templates.
    key = (id(book), format)
    if key not in TEMPLATES:
        render = renderer("Verdict", format)
        TEMPLATES[key] = Templates(Memo(book), lambda v: str(render(v)))
    return TEMPLATES[key]


def both_paths(book: Rulebook, data: dict[str, Any], format: str, name: str | None) -> None:
    if name is not None:
        data = {**data, "id": name}
    text = json.dumps(data)
    file = "big.jsonl:7"
    scenario = checker.parse_scenario(text, "big.jsonl", book)
    strike = strike_of(book, scenario)
    engine = engine_for(book)
    traces = {reading: engine.run(strike, reading) for reading in book.readings}
    plain = assemble(book, scenario, strike, traces, file=file)
    expected = escaped(str(renderer("Verdict", format)(plain)))
    templates = templates_for(book, format)
    out: list[bytes] = []
    templates.parts(strike, scenario_name(scenario.id, file), out)
    if plain.feasibility is not None:
        line = LineReader(book).read(text.encode())
        if line is None:  # the plain path renders such a line whole
            return
        target, launch = point(line[1].target.location), point(line[1].launch.location)  # type: ignore[union-attr]
        assert target is not None and launch is not None
        tail = templates.tail(strike, target, launch)
        assert tail is not None
        out.append(tail)
    assert b"".join(out) == expected


NAMES = st.one_of(st.none(), st.text(min_size=1, max_size=12))


@given(data=scenario_dicts(BOOK), format=st.sampled_from(FORMATS), name=NAMES)
def test_templates_equal_the_renderers_on_the_shipped_rules(
    data: dict[str, Any], format: str, name: str | None
) -> None:
    both_paths(BOOK, data, format, name)


@settings(max_examples=20)
@given(book=rulebooks(), draws=st.data())
def test_templates_equal_the_renderers_on_generated_rulebooks(
    book: Rulebook, draws: st.DataObject
) -> None:
    for _ in range(4):
        data = draws.draw(scenario_dicts(book))
        both_paths(book, data, draws.draw(st.sampled_from(FORMATS)), draws.draw(NAMES))


@pytest.mark.parametrize("format", FORMATS)
def test_a_control_character_in_a_name_is_escaped_on_the_fast_path(
    tmp_path: Path, format: str
) -> None:
    line = {
        "id": "evil\x1b[31m\u2028name",
        "date": "2024-11-20",
        "weapon": "ATACMS",
        "target": {"territory": "RU-KRS", "kind": "ammunition_depot"},
    }
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps(line) + "\n")
    result = CliRunner().invoke(cli.app, ["eval", str(path), "--format", format])
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\u2028" not in result.stdout
    assert "evil\\x1b[31m\\u2028name" in result.stdout


def test_json_templates_kept_for_the_next_run_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random
    import sys

    from checker.evaluation.jsonl import JsonlEvaluator, read_blocks
    from checker.evaluation.templates import load_json_templates

    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        from bench import write_jsonl
    finally:
        sys.path.pop(0)
    path = tmp_path / "big.jsonl"
    write_jsonl(path, 1500, seed=random.Random(3).randrange(1000))

    def run(memo: Memo) -> bytes:
        evaluator = JsonlEvaluator(BOOK, json_out=True)
        evaluator.memo = memo
        out = b""
        for block, first in read_blocks(str(path)):
            for item in evaluator.lines(str(path), block, first):
                assert isinstance(item, bytes)
                out += item
        return out

    first = Memo(BOOK)
    load_json_templates(first)  # none kept yet; and keep them when the memo saves
    assert not first._trees
    expected = run(first)
    assert first._templates > 0
    first.save()
    # kept as shared pieces: a fraction of the rendered bytes
    rendered = first._template_bytes
    (kept,) = (tmp_path / "cache").glob("templates-*.json")
    assert kept.stat().st_size < rendered / 3
    again = Memo(BOOK)
    load_json_templates(again)
    assert run(again) == expected
    assert again._templates == 0 and again.engine_runs == 0  # nothing rendered or decided

    # Workers each keep what they rendered, merged with what the others kept: after a run
    # split among workers, the next run renders nothing either.
    import subprocess

    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "workers"))
    bigger = tmp_path / "bigger.jsonl"
    write_jsonl(bigger, 6000, seed=random.Random(4).randrange(1000))
    command = [sys.executable, "-m", "checker", "eval", str(bigger), "--format", "json"]
    done = subprocess.run([*command, "--jobs", "2"], capture_output=True, check=False)
    assert done.returncode == 0 and done.stdout
    path = bigger
    after = Memo(BOOK)
    load_json_templates(after)
    assert run(after) == done.stdout
    assert after._templates == 0 and after.engine_runs == 0


@pytest.mark.parametrize("format", FORMATS)
def test_text_from_workers_equals_one_process_and_the_renderer(tmp_path: Path, format: str) -> None:
    import subprocess
    import sys

    from .conftest import SCENARIOS

    good = [json.loads(p.read_text()) for p in sorted(SCENARIOS.rglob("*.json"))]
    lines = [json.dumps(s) for s in good] * 30 + ["{oops"]
    path = tmp_path / "big.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    command = [sys.executable, "-m", "checker", "eval", str(path), "--format", format]
    one = subprocess.run([*command, "--jobs", "1"], capture_output=True, check=False)
    two = subprocess.run([*command, "--jobs", "2"], capture_output=True, check=False)
    assert one.returncode == two.returncode == 2
    assert one.stdout == two.stdout and one.stderr == two.stderr
    render = renderer("Verdict", format)
    expected = b""
    for number, line in enumerate(lines[:-1], 1):
        scenario = checker.parse_scenario(line, str(path), BOOK)
        verdict = checker.evaluate(BOOK, scenario, file=f"{path}:{number}")
        expected += escaped(str(render(verdict)))
    assert one.stdout == expected
