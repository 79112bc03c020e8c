"""schema, new, timeline and why-not as a user meets them; help, README and start-up."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from checker import cli

from .conftest import ROOT, SCENARIOS

runner = CliRunner()
SCRIPTED = [
    "--weapon",
    "ATACMS",
    "--territory",
    "RU-KRS",
    "--kind",
    "troops",
    "--forces",
    "RU",
    "--date",
    "2024-11-20",
]


def run(*args: str | Path, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, [str(a) for a in args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- schema


def test_schema_command_prints_the_shipped_schema() -> None:
    code, out, _ = run("schema")
    assert code == 0
    assert out == (ROOT / "schema" / "scenario.schema.json").read_text()
    assert json.loads(out)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    code, out, _ = run("schema", "rulebook")
    assert code == 0 and json.loads(out)["title"] == "checker rule file"
    assert run("schema", "policy")[0] == 2


# --------------------------------------------------------------------------- new


def test_new_from_flags_writes_the_spec_layout(tmp_path: Path) -> None:
    target = tmp_path / "kursk.json"
    code, out, err = run("new", *SCRIPTED, "-o", target)
    assert code == 0, err
    assert out == "" and "wrote" in err
    text = target.read_text()
    assert text == (
        "{\n"
        '  "id": "atacms-ru-krs-troops-2024-11-20",\n'
        '  "title": "ATACMS strike on troops in Kurskaya oblast\' (RU-KRS)",\n'
        '  "date": "2024-11-20",\n'
        '  "operator": "UA",\n'
        '  "weapon": "ATACMS",\n'
        '  "target": {\n'
        '    "territory": "RU-KRS",\n'
        '    "kind": "troops",\n'
        '    "forces": ["RU"]\n'
        "  }\n"
        "}\n"
    )
    code, out, _ = run("eval", target)
    assert code == 0 and "PERMITTED" in out


def test_new_expect_current_and_full_file(tmp_path: Path) -> None:
    target = tmp_path / "full.json"
    code, _, err = run(
        "new",
        "--weapon",
        "storm shadow",
        "--territory",
        "ru-krs",
        "--kind",
        "ammunition_depot",
        "--date",
        "2024-11-20",
        "--consent",
        "GB,US",
        "--target-location",
        "51.73,36.19",
        "--launch-location",
        "50.91,34.80",
        "--expect-current",
        "--schema",
        "../schema/scenario.schema.json",
        "-o",
        target,
    )
    assert code == 0, err
    data = json.loads(target.read_text())
    assert list(data) == [
        "$schema",
        "id",
        "title",
        "date",
        "operator",
        "weapon",
        "target",
        "launch",
        "assume",
        "expect",
    ]
    assert data["weapon"] == "Storm Shadow" and data["target"]["territory"] == "RU-KRS"
    assert data["expect"] == "permitted"
    assert '"launch": {"location": {"lat": 50.91, "lon": 34.8}}' in target.read_text()
    assert run("test", target)[0] == 0
    schema = json.loads((ROOT / "schema" / "scenario.schema.json").read_text())
    jsonschema.validate(data, schema)


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "kursk.json"
    target.write_text("keep me")
    code, _, err = run("new", *SCRIPTED, "-o", target)
    assert code == 2 and "already exists; use --force" in err
    assert target.read_text() == "keep me"
    assert run("new", *SCRIPTED, "-o", target, "--force")[0] == 0
    assert json.loads(target.read_text())["weapon"] == "ATACMS"


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--territory", "RU-XXX", "--territory: 'RU-XXX' is not an ISO 3166-2 subdivision"),
        ("--weapon", "Tomahawk", "--weapon: unknown weapon 'Tomahawk'"),
        ("--date", "2024-02-30", "--date: '2024-02-30' is not a real day"),
        ("--kind", "depot", "--kind: 'depot' is not a target kind"),
        ("--forces", "ZZ", "--forces: 'ZZ' is not an ISO 3166-1 alpha-2 country code"),
    ],
)
def test_new_refuses_bad_flags(tmp_path: Path, flag: str, value: str, message: str) -> None:
    args = list(SCRIPTED)
    args[args.index(flag) + 1] = value
    code, out, err = run("new", *args, "-o", tmp_path / "x.json")
    assert code == 2 and message in err and out == ""
    assert list(tmp_path.iterdir()) == []


def test_new_without_output_prints(tmp_path: Path) -> None:
    code, out, _ = run("new", *SCRIPTED)
    assert code == 0 and json.loads(out)["target"]["forces"] == ["RU"]
    code, _, err = run("new", "--weapon", "ATACMS", "--no-input")
    assert code == 2 and "missing --territory, --kind, --date" in err


def test_new_interactive_reasks_until_valid(tmp_path: Path) -> None:
    target = tmp_path / "asked.json"
    answers = [
        "Tomahawk",  # refused: re-asked
        "mgm-140",
        "RU-XXX",  # refused
        "ru-krs",
        "11",  # refused: there are 10 kinds
        "4",  # ammunition_depot
        "2024-02-30",  # refused
        "2024-11-10",
        "",  # operator: UA
        "RU, KP",  # forces
        "",  # consent: none
        "",  # target location: skip
        "",  # launch location: skip
        "",  # expect: none
        "",  # id: default
        "Kursk depot before the grant",  # title
        str(target),
    ]
    code, _, err = run("new", stdin="\n".join(answers) + "\n")
    assert code == 0, err
    assert err.count("Error:") == 4
    data = json.loads(target.read_text())
    assert data == {
        "id": "atacms-ru-krs-ammunition-depot-2024-11-10",
        "title": "Kursk depot before the grant",
        "date": "2024-11-10",
        "operator": "UA",
        "weapon": "ATACMS",
        "target": {"territory": "RU-KRS", "kind": "ammunition_depot", "forces": ["KP", "RU"]},
    }


def test_new_interrupted_leaves_nothing(tmp_path: Path) -> None:
    # Input ends half-way (as Ctrl-D/Ctrl-C does): aborted, and no file, no temporary.
    code, _, _ = run("new", "-o", tmp_path / "half.json", stdin="ATACMS\nRU-KRS\n")
    assert code == 1
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- timeline, why-not


def test_timeline_command_formats_and_plot(tmp_path: Path) -> None:
    args = ["timeline", "--weapon", "ATACMS", "--territory", "RU-KRS", "--kind", "ammunition_depot"]
    code, out, _ = run(*args)
    assert code == 0 and "from 17 Nov 2024" in out and "The United States allowed ATACMS" in out
    code, out, _ = run(*args, "--format", "json")
    assert json.loads(out)["bands"][0]["intervals"][1]["from"] == "2024-11-17"
    code, out, _ = run(*args, "--format", "markdown")
    assert out.startswith("### Verdict over time")
    for suffix in ("png", "svg"):
        picture = tmp_path / f"t.{suffix}"
        code, _, err = run(*args, "--plot", picture)
        assert code == 0, err
        assert picture.stat().st_size > 5_000
    assert run(*args, "--plot", tmp_path / "t.gif")[0] == 2
    assert run("timeline", "--weapon", "Tomahawk")[0] == 2


def test_why_not_command() -> None:
    before = SCENARIOS / "dates" / "atacms-kursk-depot-2024-11-16.json"
    code, out, _ = run("why-not", before)
    assert code == 0
    assert (
        "1. a strike on 17 Nov 2024 (later) → permitted" in out
        and "The United States allowed ATACMS" in out
    )
    code, out, _ = run("why-not", before, "--format", "json")
    data = json.loads(out)
    assert data["alternatives"][0]["changes"][0] == {
        "field": "date",
        "value": "2024-11-17",
        "label": "a strike on 17 Nov 2024 (later)",
    }
    assert run("why-not", "missing.json")[0] == 2
    assert run("why-not", before, "--reading", "wide")[0] == 2


# --------------------------------------------------------------------------- feasibility


def test_beyond_range_warns_but_leaves_the_verdict(tmp_path: Path) -> None:
    near = {
        "date": "2024-07-10",
        "weapon": "HIMARS",
        "target": {
            "territory": "RU-BEL",
            "kind": "troops",
            "forces": ["RU"],
            "location": {"lat": 50.6, "lon": 36.6},
        },
        "launch": {"location": {"lat": 50.0, "lon": 36.23}},
    }
    far = json.loads(json.dumps(near))
    far["target"]["location"] = {"lat": 55.75, "lon": 37.62}  # Moscow: ~640 km
    (tmp_path / "near.json").write_text(json.dumps(near))
    (tmp_path / "far.json").write_text(json.dumps(far))
    code, out, err = run("eval", tmp_path / "near.json", "--format", "json")
    near_result = json.loads(out)
    assert near_result["feasibility"]["within_range"] and near_result["warnings"] == []
    code, out, err = run("eval", tmp_path / "far.json", "--format", "json")
    far_result = json.loads(out)
    assert far_result["verdict"] == near_result["verdict"] == "permitted"
    assert not far_result["feasibility"]["within_range"]
    assert far_result["feasibility"]["margin_km"] < -500
    assert "beyond the 80 km range" in far_result["warnings"][0]
    code, out, err = run("eval", tmp_path / "far.json")
    assert code == 0 and "beyond range" in out
    assert "far.json: warning: the target is" in err  # piped: repeated on stderr


@pytest.mark.parametrize(
    ("launch", "target", "km"),
    [
        ((0.0, 0.0), (0.0, 1.0), 111.3),  # one degree along the equator (WGS84: 111.32 km)
        ((50.4501, 30.5234), (55.7558, 37.6173), 757.1),  # Kyiv - Moscow
        ((50.91, 34.80), (51.73, 36.19), 133.1),  # the SPEC's example
    ],
)
def test_feasibility_distance_is_geodesic(
    launch: tuple[float, float], target: tuple[float, float], km: float, tmp_path: Path
) -> None:
    case = {
        "date": "2024-11-20",
        "weapon": "ATACMS",
        "target": {
            "territory": "RU-KRS",
            "kind": "ammunition_depot",
            "location": {"lat": target[0], "lon": target[1]},
        },
        "launch": {"location": {"lat": launch[0], "lon": launch[1]}},
    }
    (tmp_path / "c.json").write_text(json.dumps(case))
    _, out, _ = run("eval", tmp_path / "c.json", "--format", "json")
    feasibility = json.loads(out)["feasibility"]
    assert feasibility["distance_km"] == pytest.approx(km, abs=0.15)
    assert feasibility["range_km"] == 306


# --------------------------------------------------------------------------- help, README, start-up


def _commands() -> list[str]:
    return sorted(c.name or c.callback.__name__ for c in cli.app.registered_commands)  # type: ignore[union-attr]


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in _commands() if f"`checker {name}" not in readme]
    assert missing == []
    assert "--install-completion" in readme


@pytest.mark.parametrize("name", _commands())
def test_every_command_help_has_an_example(name: str) -> None:
    code, out, _ = run(name, "--help")
    assert code == 0
    assert re.search(rf"Examples?: checker {name}\b", " ".join(out.split())), out


def test_eval_never_imports_matplotlib() -> None:
    probe = (
        "import sys; from checker.cli import main; sys.argv = ['checker', 'eval', "
        f"{str(SCENARIOS / 'atacms' / 'atacms-kursk-depot-2024-11-20.json')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
        "assert 'jsonschema' not in sys.modules\n"
        "print('clean')"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.stdout.strip().endswith("clean"), result.stderr


def test_plot_without_matplotlib_is_refused_before_any_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import importlib.util

    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "matplotlib" else found(name, *args),
    )
    code, out, err = run("timeline", "--weapon", "ATACMS", "--plot", str(tmp_path / "a.png"))
    assert (code, out) == (2, "")
    assert "pip install 'checker[plot]'" in err and "--plot" in err
    assert not (tmp_path / "a.png").exists()
