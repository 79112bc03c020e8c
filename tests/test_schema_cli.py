"""The exported schemas under the real `check-jsonschema` CLI at its default settings (ECMA-262
regexes in unicode mode, formats checked): what CI and editors run, not Python's `re`.

Every shipped scenario passes; every invalid fixture is rejected by the schema, the same verdict
as the loader's, unless it is one a schema cannot see (not JSON that a schema is ever given:
the parsed value of a file with duplicate keys or a NaN is a valid scenario). The rulebook
schema is valid and accepts the shipped rules; the CI workflow is a valid GitHub workflow.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

import checker
from checker.errors import CheckerError
from checker.model.rulebook import Rulebook
from checker.read.jsonschema import dumps, rulebook_schema

from .conftest import FIXTURES, ROOT, RULES, SCENARIOS
from .test_schema import _parsable

SCHEMA = ROOT / "schema" / "scenario.schema.json"
INVALID = sorted((FIXTURES / "invalid").iterdir())
SCHEMA_BLIND = {
    "duplicate-key.json": "a JSON reader keeps the last value; the object it gives is valid",
    "nan.json": "NaN is not JSON; Python's reader takes it for a number no bound excludes",
}
"""Invalid fixtures a schema cannot see: only `checker validate` refuses them."""


def check_jsonschema(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The `check-jsonschema` CLI, default settings (no --regex-variant, no --disable-formats)."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )


def test_the_scenario_schema_is_valid_under_its_metaschema() -> None:
    result = check_jsonschema("--check-metaschema", SCHEMA)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_shipped_scenario_passes() -> None:
    files = sorted(SCENARIOS.rglob("*.json"))
    assert len(files) > 20
    result = check_jsonschema("--schemafile", SCHEMA, *files)
    assert result.returncode == 0, (result.stdout + result.stderr)[:3000]
    assert "ok -- validation done" in result.stdout


@pytest.fixture(scope="module")
def verdicts() -> dict[str, subprocess.CompletedProcess[str]]:
    """check-jsonschema on each invalid fixture alone (a file that crashes its reader, such
    as invalid UTF-8, must not hide the verdict on the others)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda p: check_jsonschema("--schemafile", SCHEMA, p), INVALID)
        return {path.name: result for path, result in zip(INVALID, results, strict=True)}


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_every_invalid_fixture_is_rejected_unless_the_schema_cannot_see_it(
    path: Path, verdicts: dict[str, subprocess.CompletedProcess[str]], rulebook: Rulebook
) -> None:
    with pytest.raises(CheckerError):  # the loader's verdict: rejected, every one
        checker.load_scenario(path, rulebook)
    result = verdicts[path.name]
    output = result.stdout + result.stderr
    if path.name in SCHEMA_BLIND:
        assert _parsable(path) is pytest, "a blind fixture must not be strict JSON"
        return
    assert result.returncode != 0, f"{path.name} was accepted by check-jsonschema"
    if _parsable(path) is not pytest:  # JSON a schema decides: the schema itself rejects it
        assert "Schema validation errors were encountered" in output, output[:2000]


def test_the_blind_fixtures_are_exactly_the_ones_the_schema_passes(
    verdicts: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    passed = {name for name, result in verdicts.items() if result.returncode == 0}
    assert passed == set(SCHEMA_BLIND)


def test_the_rulebook_schema_is_valid_and_accepts_the_shipped_rules(tmp_path: Path) -> None:
    schema = tmp_path / "rulebook.schema.json"
    schema.write_text(dumps(rulebook_schema()), encoding="utf-8")
    meta = check_jsonschema("--check-metaschema", schema)
    assert meta.returncode == 0, meta.stdout + meta.stderr
    files = sorted(RULES.rglob("*.yaml"))
    assert len(files) >= 4
    result = check_jsonschema("--schemafile", schema, *files)
    assert result.returncode == 0, (result.stdout + result.stderr)[:3000]
    bad = tmp_path / "bad.yaml"
    bad.write_text("grants:\n  - id: x\n    grantor: ZZ\n", encoding="utf-8")
    assert check_jsonschema("--schemafile", schema, bad).returncode == 1


def test_the_workflow_is_valid_and_runs_every_audit_step() -> None:
    workflow = ROOT / ".github" / "workflows" / "checker.yml"
    result = check_jsonschema("--builtin-schema", "vendor.github-workflows", workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    steps = yaml.safe_load(workflow.read_text())["jobs"]["audit"]["steps"]
    audits = [s for s in steps if "checker " in s.get("run", "") and s.get("id") != "install"]
    assert len(audits) >= 5
    for step in audits:  # each runs after an earlier failure, and its own failure counts
        assert "!cancelled()" in step["if"] and "continue-on-error" not in step, step["name"]
    runs = "\n".join(s["run"] for s in audits)
    assert "validate rules scenarios --format github" in runs
    assert "test scenarios --format github" in runs and "--format sarif" in runs
