"""`checker compile` fills the decision table, `checker table` exports it, and `--jobs`
defaults by the input's size.

After `compile_table`, no scenario under the rules needs the engine: a fresh memo reads
every class from the table. The exported table, joined to scenarios in DuckDB with the
SQL the README shows, gives `checker eval`'s verdict for every scenario of a sample.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

import checker
from checker import cli
from checker.commands.evaluate import PARALLEL_COLD_FROM_BYTES, PARALLEL_FROM_BYTES, auto_jobs
from checker.evaluation.compile import compile_table, table_columns
from checker.evaluation.memo import Memo
from checker.read.scenario import strike_of

from .conftest import RULES
from .strategies import scenario_dicts

BOOK = checker.load_rulebook(RULES)
runner = CliRunner()


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache of its own holding the compiled table (compiling takes a few seconds)."""
    folder = tmp_path_factory.mktemp("compiled-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHECKER_CACHE_DIR", str(folder))
        found = compile_table(checker.load_rulebook(RULES))
    assert found.kept and found.classes > 1000
    return folder


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=scenario_dicts(BOOK))
def test_after_compile_no_scenario_runs_the_engine(
    compiled: Path, monkeypatch: pytest.MonkeyPatch, data: dict[str, Any]
) -> None:
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(compiled))
    scenario = checker.parse_scenario(json.dumps(data), "t.json", BOOK)
    memo = Memo(BOOK)  # a fresh memo: all it knows comes from the table
    memo.verdict(scenario, strike_of(BOOK, scenario))
    assert memo.engine_runs == 0
    assert memo._engine is None  # the rulebook was not even compiled for the engine


def test_compile_twice_decides_nothing_the_second_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path))
    assert not Memo(BOOK).table.kept()
    first = runner.invoke(cli.app, ["compile", "--rules", str(RULES)])
    assert first.exit_code == 0, first.output
    assert Memo(BOOK).table.kept()
    classes = first.stdout.split()[0]
    assert (
        first.stdout
        == f"{classes} classes in the decision table ({classes} decided by the engine now)\n"
    )
    # A fresh process-level memo reads the table: nothing new to decide.
    from checker.evaluation import memo

    memo._MEMOS.clear()
    second = runner.invoke(cli.app, ["compile", "--rules", str(RULES)])
    assert (
        second.stdout == f"{classes} classes in the decision table (0 decided by the engine now)\n"
    )


def test_compile_without_a_cache_is_bad_usage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKER_CACHE_DIR", "")
    result = runner.invoke(cli.app, ["compile"])
    assert result.exit_code == 2
    assert "the decision table cannot be kept" in result.stderr


def test_jobs_default_by_input_size(tmp_path: Path) -> None:
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    small.write_text("{}\n")
    with large.open("wb") as handle:  # sparse: no disk used
        handle.truncate(PARALLEL_FROM_BYTES)
    assert auto_jobs(str(small), cores=8) == 1
    assert auto_jobs(str(large), cores=8) == 8
    assert auto_jobs(str(large), cores=1) == 1
    assert auto_jobs("-", cores=8) == 1  # stdin: its size is unknown
    assert auto_jobs(str(tmp_path / "missing.jsonl"), cores=8) == 1
    # no decision table kept yet: the engine's work is shared from a smaller file
    middling = tmp_path / "middling.jsonl"
    with middling.open("wb") as handle:
        handle.truncate(PARALLEL_COLD_FROM_BYTES)
    assert auto_jobs(str(middling), cores=8) == 1
    assert auto_jobs(str(middling), cores=8, table_kept=False) == 8
    assert auto_jobs(str(small), cores=8, table_kept=False) == 1


def test_table_exports_every_class_as_csv_and_jsonl(
    compiled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(compiled))
    result = runner.invoke(cli.app, ["table", "--rules", str(RULES)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == table_columns(BOOK)
    assert {r["weapon_id"] for r in rows} == {w.id for w in BOOK.weapons}
    assert {r["verdict"] for r in rows} == {"permitted", "prohibited", "undetermined"}
    lines = runner.invoke(cli.app, ["table", "--format", "jsonl", "--rules", str(RULES)])
    assert [json.loads(line)["verdict"] for line in lines.stdout.splitlines()] == [
        r["verdict"] for r in rows
    ]


def test_parquet_without_pyarrow_is_a_clean_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow raises ImportError
    result = runner.invoke(cli.app, ["table", "-f", "parquet", "-o", str(tmp_path / "t.parquet")])
    assert result.exit_code == 2
    assert result.stderr == "--format: parquet needs pyarrow: pip install 'checker[table]'\n"


JOIN = (Path(__file__).resolve().parent.parent / "docs" / "table-join.sql").read_text()


def test_the_duckdb_join_gives_checker_eval_s_verdicts(
    compiled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    duckdb = pytest.importorskip("duckdb")
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(compiled))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["table", "-f", "parquet", "-o", "policy.parquet"])
    assert result.exit_code == 0, result.output
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        from bench import scenario  # the benchmark's generator: every weapon name and alias
    finally:
        sys.path.pop(0)
    rng = random.Random(5)
    lines = [json.dumps(scenario(rng, n)) for n in range(3000)]
    Path("events.jsonl").write_text("".join(line + "\n" for line in lines))
    joined = dict(duckdb.sql(JOIN).fetchall())
    assert len(joined) == len(lines)  # every event matched exactly one row
    for line in lines:
        data = json.loads(line)
        verdict = checker.evaluate(BOOK, checker.parse_scenario(line, "events.jsonl", BOOK))
        assert joined[data["id"]] == verdict.verdict, line


def test_the_readme_shows_the_tested_join() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert JOIN in readme
