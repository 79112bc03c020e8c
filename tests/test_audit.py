"""The audit library: the semantic diff is exact, the lock canonical, mutants and coverage real."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msgspec.structs import replace

import checker
from checker.audit.coverage import coverage
from checker.audit.diff import NOT_IN_CATALOGUE, read_corpus, semantic_diff
from checker.audit.lock import check_lock, lock_text, write_lock
from checker.audit.mutants import mutants
from checker.audit.mutation import mutation_report
from checker.audit.regions import overall
from checker.engine import engine_for
from checker.evaluation.scenario import evaluate
from checker.model.dates import PolicyDate
from checker.model.rulebook import Rulebook
from checker.model.rules import Grant
from checker.model.scenario import Scenario
from checker.model.strike import Strike
from checker.read.scenario import load_scenario, scenario_of, strike_of

from .conftest import RULES, SCENARIOS
from .strategies import scenario_dicts


def verdict_of(book: Rulebook, strike: Strike, reading: str) -> str:
    if not any(w.id == strike.weapon for w in book.weapons):
        return NOT_IN_CATALOGUE
    return next(iter(engine_for(book).run(strike, reading).verdicts))


SHIPPED = checker.load_rulebook(RULES)


def _keep_weapons(book: Rulebook, ids: list[str]) -> Rulebook:
    grants = []
    for grant in book.grants:
        kept = [w for w in grant.weapons if w in ids]
        if kept:
            grants.append(replace(grant, weapons=kept))
    weapons = tuple(w for w in book.weapons if w.id in ids)
    return replace(
        book, weapons=weapons, grants=tuple(grants), fingerprint=f"keep-{'-'.join(ids)}", _names={}
    )


@st.composite
def nearby(draw: st.DrawFn, book: Rulebook, steps: int) -> Rulebook:
    """A random rulebook a few systematic mutations away (dates moved anywhere in 2024 too)."""
    for _ in range(draw(st.integers(0, steps))):
        if book.grants and draw(st.booleans()):
            index = draw(st.integers(0, len(book.grants) - 1))
            grant = book.grants[index]
            day = draw(st.dates(date(2024, 1, 1), date(2024, 12, 31)))
            start = (
                PolicyDate(day.replace(day=1), "month") if draw(st.booleans()) else PolicyDate(day)
            )
            moved = replace(grant, in_force=replace(grant.in_force, from_=start))
            grants = tuple(moved if i == index else g for i, g in enumerate(book.grants))
            book = replace(book, grants=grants, fingerprint=f"{book.fingerprint}~d{day}", _names={})
        else:
            made = mutants(book)
            if made:
                book = draw(st.sampled_from(made)).rulebook
    return book


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Rulebook, Rulebook]:
    """Two random rulebooks near the shipped one (one or two weapons, to keep tables small)."""
    ids = draw(
        st.lists(
            st.sampled_from([w.id for w in SHIPPED.weapons]), min_size=1, max_size=2, unique=True
        )
    )
    old = draw(nearby(_keep_weapons(SHIPPED, ids), 2))
    new = draw(nearby(old, 3))
    if len(ids) > 1 and draw(st.integers(0, 4)) == 0:  # a weapon leaves the catalogue
        new = _keep_weapons(new, ids[:1])
    return old, new


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(pairs(), st.data())
def test_the_semantic_diff_is_exact(pair: tuple[Rulebook, Rulebook], data: st.DataObject) -> None:
    old, new = pair
    diff = semantic_diff(old, new)
    shared = [r for r in old.readings if r in new.readings]
    drawn = st.one_of(scenario_dicts(old), scenario_dicts(new))
    for raw in data.draw(st.lists(drawn, min_size=1, max_size=12)):
        scenario = scenario_of(raw)
        if old.weapon_named(scenario.weapon) is None:
            continue
        strike = strike_of(old, scenario)
        for reading in shared:
            differs = verdict_of(old, strike, reading) != verdict_of(new, strike, reading)
            assert diff.contains(strike, reading) == differs, (strike, reading, diff.lines())
            if not diff.regions:
                assert not differs


def test_a_rulebook_has_an_empty_diff_with_itself(rulebook: Rulebook) -> None:
    diff = semantic_diff(rulebook, rulebook, read_corpus(SCENARIOS))
    assert diff.empty and diff.changed == 0 and diff.scenarios_checked > 80


def test_moving_a_grant_date_reports_exactly_the_days_in_between(rulebook: Rulebook) -> None:
    grant = next(g for g in rulebook.grants if g.id == "us-grant-atacms")
    later = replace(grant.in_force, from_=PolicyDate(_day(20)))
    moved = _with_grant(rulebook, replace(grant, in_force=later))
    diff = semantic_diff(rulebook, moved, read_corpus(SCENARIOS))
    lines = diff.lines()
    assert lines and all("ATACMS" in line and "2024-11-17 to 2024-11-19" in line for line in lines)
    assert all(line.endswith("→ prohibited") for line in lines)
    assert "ATACMS · RU-KRS · military_equipment, logistics_hub, ammunition_depot, " in "".join(
        lines
    )
    changed = {c.file.split("/")[-1] for c in diff.scenarios}
    assert changed == {
        "atacms-kursk-military-equipment-2024-11-18.json",
        "atacms-kursk-depot-2024-11-17.json",
        "atacms-karachev-arsenal-bryansk-2024-11-19.json",
    }


def test_a_reading_only_change_names_the_reading(rulebook: Rulebook) -> None:
    grant = next(g for g in rulebook.grants if g.id == "us-grant-atacms")
    narrow = replace(grant.readings["narrow"], territories=["RU-KRS", "RU-BRY"])
    wider = _with_grant(rulebook, replace(grant, readings={**grant.readings, "narrow": narrow}))
    diff = semantic_diff(rulebook, wider)
    assert diff.lines()
    assert all(
        " · RU-BRY · " in line and " · narrow: prohibited → " in line for line in diff.lines()
    )
    bryansk = Strike("atacms", "ammunition_depot", "RU-BRY", "UA", _day(20), None, ())
    assert diff.contains(bryansk, "narrow") and not diff.contains(bryansk, "broad")


def test_a_weapon_missing_from_one_side_is_not_in_catalogue(rulebook: Rulebook) -> None:
    smaller = replace(
        rulebook,
        weapons=tuple(w for w in rulebook.weapons if w.id != "scalp"),
        fingerprint="no-scalp",
        _names={},
    )
    diff = semantic_diff(rulebook, smaller)
    assert diff.lines() and all(
        line.startswith("SCALP") and line.endswith(f"→ {NOT_IN_CATALOGUE}") for line in diff.lines()
    )


# --------------------------------------------------------------------------- the lock


def test_the_lock_is_deterministic_and_covers_every_verdict(rulebook: Rulebook) -> None:
    text = lock_text(rulebook)
    assert text == lock_text(rulebook)
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert "civilian: prohibited" in lines
    assert (
        "ATACMS · RU-KRS · military_equipment, logistics_hub, ammunition_depot, supply_line · "
        "operator UA · from 2024-11-17: permitted" in lines
    )
    assert any(" · narrow: " in line for line in lines)
    assert len(lines) == len(set(lines)) < 60


def test_the_shipped_lock_is_up_to_date(rulebook: Rulebook) -> None:
    assert check_lock(rulebook).ok, "run `checker lock` and commit rules/policy.lock"


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def test_a_refactor_leaves_the_lock_byte_identical(rulebook: Rulebook, tmp_path: Path) -> None:
    import yaml

    folder = _copy_rules(tmp_path)
    grants = folder / "grants" / "us.yaml"
    data = yaml.safe_load(grants.read_text())

    def reverse(value: object) -> object:
        if isinstance(value, dict):
            return {k: reverse(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [reverse(v) for v in value]
        return value

    data = reverse(data)
    data["grants"].reverse()
    for grant in data["grants"]:
        if grant["id"] == "us-grant-atacms":
            # A redundant code (a subdivision of a listed country) splits the space further
            # without changing any verdict.
            grant["territories"] = ["RU", "RU-BEL"]
    grants.write_text(yaml.safe_dump(data, sort_keys=False, width=300))
    header = folder / "rulebook.yaml"
    head = yaml.safe_load(header.read_text())
    readings = head["rulebook"]["readings"]
    head["rulebook"]["readings"] = {k: readings[k] for k in reversed(list(readings))}
    header.write_text(yaml.safe_dump(head, sort_keys=True, width=300))
    refactored = checker.load_rulebook(folder)
    assert refactored.fingerprint != rulebook.fingerprint
    assert lock_text(refactored) == lock_text(rulebook)
    assert semantic_diff(rulebook, refactored).empty


def test_the_lock_check_fails_until_the_lock_is_written(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    weapons = folder / "weapons.yaml"
    weapons.write_text(
        weapons.read_text().replace("consent_required: [GB, US]", "consent_required: [GB]")
    )
    book = checker.load_rulebook(folder)
    check = check_lock(book)
    assert not check.ok and not check.missing
    assert any(
        line.startswith("+Storm Shadow") and "consent of GB assumed: permitted" in line
        for line in check.diff
    )
    path, changed = write_lock(book)
    assert changed and path == folder / "policy.lock"
    assert check_lock(book).ok
    assert write_lock(book) == (path, False)
    (folder / "policy.lock").unlink()
    assert check_lock(book).missing


# --------------------------------------------------------------------------- mutants


def test_mutants_cover_each_kind_of_change(rulebook: Rulebook) -> None:
    names = [m.name for m in mutants(rulebook)]
    expected = [
        "us-grant-atacms: in_force from 2024-11-17 → 2024-11-16 (-1 day)",
        "us-grant-atacms: in_force from 2024-11-17 → 2024-11 (known only to the month)",
        "us-grant-himars: in_force from 2024-05 → 2024-05-01 (known to the day (first))",
        "us-grant-atacms: targets[1] kind supply_line dropped",
        "us-grant-himars: targets[0] kind airbase added",
        "us-grant-atacms: [narrow] territory RU added",
        "us-grant-himars: targets[0] forces KP added",
        "us-grant-atacms: targets[0] forces RU dropped",
        "storm-shadow: consent of US no longer required",
        "us-grant-atacms: readings narrow and broad swapped",
        "civilian-objects: then prohibited → permitted",
    ]
    for name in expected:
        assert name in names
    assert len(names) == len(set(names))
    # Redundant additions are not generated: RU-KRS is already covered by RU.
    assert "us-grant-atacms: territory RU-KRS added" not in names


def test_the_shipped_corpus_detects_every_mutant(rulebook: Rulebook) -> None:
    report = mutation_report(rulebook, read_corpus(SCENARIOS))
    assert report.ok and report.score == 1.0
    assert [r.mutant.change for r in report.having("lock-only")] == [
        "readings narrow and broad swapped"
    ]
    assert report.having("equivalent")  # e.g. a kind `civilian` the baseline always decides
    assert all(r.by for r in report.having("detected"))


def test_a_thinner_corpus_lets_mutants_survive_and_says_where(rulebook: Rulebook) -> None:
    corpus = [c for c in read_corpus(SCENARIOS) if "/dates/" not in c[0]]
    corpus = [c for c in corpus if "2024-11-16" not in c[0] and "2024-11-17" not in c[0]]
    report = mutation_report(
        rulebook, corpus, select=lambda m: m.rule == "us-grant-atacms" and "in_force" in m.change
    )
    survived = {r.mutant.name: r for r in report.having("survived")}
    assert not report.ok and report.score < 1
    moved = survived["us-grant-atacms: in_force from 2024-11-17 → 2024-11-18 (+1 day)"]
    assert moved.regions and all("on 2024-11-17" in line for line in moved.regions)


# --------------------------------------------------------------------------- coverage


def _scenarios(rulebook: Rulebook, folder: Path) -> list[Scenario]:
    return [load_scenario(p, rulebook) for p in sorted(folder.rglob("*.json"))]


def test_the_shipped_corpus_covers_everything(rulebook: Rulebook) -> None:
    found = coverage(rulebook, _scenarios(rulebook, SCENARIOS))
    assert not found.missing and len(found.items) > 40


def test_coverage_names_what_a_small_corpus_misses(rulebook: Rulebook) -> None:
    found = coverage(rulebook, _scenarios(rulebook, SCENARIOS / "atacms"))
    missing = {str(item) for item in found.missing}
    assert "rule us-grant-himars: fires for some scenario" in missing
    assert "condition us-grant-himars: a strike inside the month 2024-05" in missing
    assert "condition us-grant-atacms: [narrow] subdivision missing (country only)" in missing
    assert "condition us-grant-atacms: [broad] targets[0] forces absent" in missing
    assert "boundary us-grant-atacms: 2024-11-16 (the day before, from 2024-11-17)" in missing
    exercised = {str(item) for item in found.exercised}
    assert "condition us-grant-atacms: [broad] targets[0] forces outside" in exercised
    assert "condition us-grant-atacms: [narrow] targets[0] forces empty" in exercised
    assert "condition us-grant-atacms: [narrow] targets[1] kind supply_line" in exercised


def test_overall_agrees_with_evaluate(rulebook: Rulebook) -> None:
    for scenario in _scenarios(rulebook, SCENARIOS / "missing-facts"):
        verdict = evaluate(rulebook, scenario)
        assert overall(verdict.readings.values()) == verdict.verdict


# --------------------------------------------------------------------------- helpers


def _day(day: int) -> date:
    return date(2024, 11, day)


def _with_grant(book: Rulebook, grant: Grant) -> Rulebook:
    grants = tuple(grant if g.id == grant.id else g for g in book.grants)
    return replace(book, grants=grants, fingerprint=f"{book.fingerprint}+{id(grant)}", _names={})


def run_cli(*args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from checker.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _reformatted(tmp_path: Path) -> Path:
    """The shipped rules re-dumped with sorted keys, every list shuffled, a grant moved."""
    import random

    import yaml

    rules = tmp_path / "reformatted"
    shutil.copytree(RULES, rules)
    rng = random.Random(3)
    for path in sorted(rules.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        for value in data.values():
            if isinstance(value, list):
                rng.shuffle(value)
        path.write_text(yaml.safe_dump(data, sort_keys=True, allow_unicode=True))
    grants = yaml.safe_load((rules / "grants" / "us.yaml").read_text())
    moved = grants["grants"].pop(0)
    (rules / "grants" / "us.yaml").write_text(yaml.safe_dump(grants, sort_keys=True))
    (rules / "moved.yaml").write_text(yaml.safe_dump({"grants": [moved]}, sort_keys=True))
    return rules


def test_reformatting_reordering_and_moving_rules_change_nothing(
    rulebook: Rulebook, tmp_path: Path
) -> None:
    rules = _reformatted(tmp_path)
    other = checker.load_rulebook(rules)
    assert other.readings != rulebook.readings  # the readings now come in another order
    diff = semantic_diff(rulebook, other, read_corpus(SCENARIOS))
    assert diff.empty and not diff.regions and not diff.scenarios, diff.scenarios[:2]
    assert not diff.explanations
    assert lock_text(other) == lock_text(rulebook)  # the lock is byte-identical
    code, out, _ = run_cli("diff", str(RULES), str(rules), "--scenarios", str(SCENARIOS))
    assert code == 0 and out.rstrip().endswith("no changes")


def test_a_changed_explanation_is_reported_apart_and_is_no_failure(
    rulebook: Rulebook, tmp_path: Path
) -> None:
    rules = tmp_path / "reworded"
    shutil.copytree(RULES, rules)
    path = rules / "restrictions.yaml"
    path.write_text(
        path.read_text().replace(
            "title: American weapons may be used", "title: US-supplied weapons may be used"
        )
    )
    diff = semantic_diff(rulebook, checker.load_rulebook(rules), read_corpus(SCENARIOS))
    assert diff.empty and diff.explanations
    code, out, _ = run_cli("diff", str(RULES), str(rules), "--scenarios", str(SCENARIOS))
    assert code == 0 and "explanations that change, verdicts unchanged" in out
