"""The shipped rulebook and the checks every rulebook passes before it is compiled."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import checker
from checker.errors import CheckerError
from checker.model.rulebook import Rulebook

from .conftest import ROOT, RULES

ARTICLE = RULES / "sources" / "biden-atacms-2024-11-17.txt"


def test_every_quote_is_verbatim_in_the_article(rulebook: Rulebook) -> None:
    article = ARTICLE.read_text()
    shared = ROOT.parent / "shared" / "seed" / ARTICLE.name
    if shared.exists():  # the shipped copy is the seed itself
        assert shared.read_text() == article
    quotes = [p.quote for rule in rulebook.rules() for p in rule.provenance]
    quotes += [p.quote for g in rulebook.grants for o in g.readings.values() for p in o.provenance]
    assert len(quotes) > 10
    for quote in quotes:
        assert quote in article, quote


def test_the_policy_table_as_read(rulebook: Rulebook) -> None:
    weapons = {w.id: w for w in rulebook.weapons}
    assert {w: tuple(weapons[w].consent_required) for w in weapons} == {
        "atacms": ("US",),
        "himars": ("US",),
        "storm-shadow": ("GB", "US"),
        "scalp": ("FR", "US"),
    }
    assert rulebook.baseline[0].id == "civilian-objects"
    grants = {g.id: g for g in rulebook.grants}
    assert str(grants["us-grant-himars"].in_force) == "from 2024-05"
    assert str(grants["us-grant-atacms"].in_force) == "from 2024-11-17"
    assert grants["us-grant-atacms"].under("narrow").territories == ["RU-KRS"]
    assert grants["us-grant-atacms"].under("broad").territories == ["RU"]
    assert rulebook.readings == ("narrow", "broad")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "grants/us.yaml",
            "weapons: [atacms]",
            "weapons: [atacmz]",
            "grants[1].weapons[0]: unknown weapon id 'atacmz' (did you mean 'atacms'?)",
        ),
        (
            "grants/us.yaml",
            "in_force: {from: 2024-11-17}",
            "in_force: {from: 2024-13-17}",
            "grants[1].in_force.from",
        ),
        (
            "grants/us.yaml",
            "kinds: [troops]\n",
            "kinds: [troopz]\n",
            "grants[1].targets[0].kinds[0]",
        ),
        (
            "grants/us.yaml",
            "supply lines deep inside Russia.",
            "supply lines deep in Russia.",
            "quote does not appear verbatim",
        ),
        ("grants/us.yaml", "  narrow:\n", "  narowe:\n", "unknown reading 'narowe'"),
        ("baseline.yaml", "precedence: 4", "precedence: 3", "precedence 3 is also that of"),
        (
            "baseline.yaml",
            "    precedence: 4\n    then:",
            "    precedence: 4\n    when: {kinds: [troops]}\n    then:",
            "the last baseline rule must apply always",
        ),
        (
            "restrictions.yaml",
            "in_force: always",
            "in_force: {from: 2024-05}",
            "known only to the month is supported on grants only",
        ),
        ("weapons.yaml", "km: 306", "km: 400", "400.0 km does not match 190.0 miles"),
        ("weapons.yaml", "id: himars", "id: atacms", "duplicate rule id 'atacms'"),
        ("weapons.yaml", "aliases: [M142,", "aliases: [MGM-140, M142,", "is also a name of"),
        (
            "restrictions.yaml",
            "states: [GB, FR]",
            "states: [GB]",
            "no restriction says why consent of FR",
        ),
        (
            "grants/us.yaml",
            "grantor: US\n    weapons: [himars]",
            "grantor: GB\n    weapons: [himars]",
            "consent of GB is never required for 'himars'",
        ),
        ("rulebook.yaml", "document: sources/", "document: ../../", "must lie inside"),
        (
            "grants/us.yaml",
            'quote: "Previously, Ukrainians were permitted',
            'quote: "Ukrainians were permitted',
            "quote is not whole sentences of source 'nyt-2024-11-17'",
        ),
        (
            "grants/us.yaml",
            "highlight: after Russia conducted",
            "highlight: before Russia conducted",
            "highlight is not a part of the quote",
        ),
        (
            "weapons.yaml",
            "supports: [range]",
            "supports: [reach]",
            "'reach' is not allowed; expected one of 'supplier', 'consent'",
        ),
        ("weapons.yaml", "supports: [range]", "supports: []", "should have at least 1 item"),
        (
            "weapons.yaml",
            "    supplier: US\n    consent_required: [US]\n    range: {stated: about 190",
            "    supplier: US\n    supplier: US\n    consent_required: [US]\n    range: {stated: about 190",
            "duplicate key 'supplier'",
        ),
    ],
)
def test_a_broken_rulebook_is_refused_with_a_location(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    target = rules / file
    text = target.read_text()
    assert old in text, old
    target.write_text(text.replace(old, new, 1))
    with pytest.raises(CheckerError) as caught:
        checker.load_rulebook(rules)
    problems = [str(p) for p in caught.value.problems]
    hits = [p for p in problems if message in p]
    assert hits, problems
    assert all(p.startswith(str(rules)) for p in hits)
    assert any(p.split(":")[1].isdigit() for p in hits), hits  # a line number


def test_an_empty_or_headerless_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CheckerError, match="holds no rule files"):
        checker.load_rulebook(tmp_path)
    (tmp_path / "w.yaml").write_text("weapons: []\n")
    with pytest.raises(CheckerError, match="no rule file declares the `rulebook:` header"):
        checker.load_rulebook(tmp_path)


def test_a_checked_rulebook_is_cached_by_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    first = checker.load_rulebook(rules)
    assert len(list((tmp_path / "cache").glob("rulebook-*.json"))) == 1

    def no_parsing(*args: object) -> None:
        raise AssertionError("an unchanged rulebook was parsed again")

    monkeypatch.setattr("checker.read.rulebook.parse_yaml", no_parsing)
    assert checker.load_rulebook(rules) == first
    monkeypatch.undo()
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    # any change, even to a source text that quotes are checked against, is checked afresh
    source = rules / "sources" / "biden-atacms-2024-11-17.txt"
    source.write_text(source.read_text().replace("deep inside Russia", "inside Russia"))
    with pytest.raises(CheckerError, match="quote does not appear verbatim"):
        checker.load_rulebook(rules)


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKER_CACHE_DIR", "")
    assert checker.load_rulebook(RULES).weapons
