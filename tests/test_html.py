"""The HTML report, read back by a real HTML5 parser (html5lib).

Checked over the whole shipped corpus: the page parses without a single parse error; it
has the landmarks, one h1 and headings that never skip a level, a summary row per
scenario; every sentence a verdict cites is in the source text inside highlights, and
each reason links to it (and the highlight back); every in-page link resolves; nothing
is fetched from elsewhere (no script, no src, no stylesheet, no external href but the
sources' own URLs); hostile text in a scenario is escaped; the palettes pass WCAG AA.
`tests/golden/report-*.html` hold the pages of two scenarios, so that a change of wording
shows as a diff (regenerate with CHECKER_UPDATE_GOLDEN=1).
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import pytest

from checker.commands.evaluate import eval_paths
from checker.commands.report import report
from checker.commands.run import run
from checker.evaluation.batch import evaluate_paths
from checker.explore.report import build_report, segments
from checker.model.rulebook import Rulebook
from checker.model.verdict import Verdict
from checker.report.css import CHART_PAIRS, PALETTES, STYLE, TEXT_PAIRS
from checker.report.registry import render

from .conftest import SCENARIOS

ROOT = SCENARIOS.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = bool(os.environ.get("CHECKER_UPDATE_GOLDEN"))
GOLDEN_CASES = {
    "report-khalino.html": "scenarios/real/atacms-khalino-airbase-kursk-2024-11-25.json",
    "report-himars-may.html": "scenarios/dates/himars-belgorod-troops-2024-05-15.json",
}


def parse(page: str) -> Element:
    """The page as a tree, by a strict HTML5 parser: any parse error fails the test."""
    parser = html5lib.HTMLParser(
        tree=html5lib.getTreeBuilder("etree"), strict=True, namespaceHTMLElements=False
    )
    return parser.parse(page)  # type: ignore[no-any-return]


def text_of(element: Element) -> str:
    return "".join(element.itertext())


def tag(element: Element) -> str:
    """The local name (SVG elements come namespaced)."""
    return element.tag.rsplit("}", 1)[-1]


@pytest.fixture(scope="module")
def corpus(rulebook: Rulebook) -> tuple[list[Verdict], str, Element]:
    verdicts = [
        r.verdict for r in evaluate_paths([str(SCENARIOS)], rulebook) if r.verdict is not None
    ]
    page = str(render(build_report(rulebook, verdicts), "html"))
    return verdicts, page, parse(page)


def by_id(tree: Element) -> dict[str, Element]:
    return {e.get("id", ""): e for e in tree.iter() if e.get("id")}


def test_the_page_has_landmarks_one_h1_and_no_skipped_heading_level(
    corpus: tuple[list[Verdict], str, Element],
) -> None:
    _, page, tree = corpus
    assert page.startswith("<!DOCTYPE html>")
    assert tree.get("lang") == "en"
    for landmark in ("header", "nav", "main", "footer"):
        assert len(tree.findall(f".//{landmark}")) == 1, landmark
    assert tree.find(".//head/title") is not None and text_of(tree.find(".//head/title"))  # type: ignore[arg-type]
    levels = [int(tag(e)[1]) for e in tree.iter() if re.fullmatch(r"h[1-6]", tag(e))]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_the_summary_has_a_row_per_scenario_with_a_worded_badge(
    corpus: tuple[list[Verdict], str, Element],
) -> None:
    verdicts, _, tree = corpus
    ids = by_id(tree)
    table = tree.find(".//table[@class='summary']")
    assert table is not None and table.find("caption") is not None
    assert [text_of(th) for th in table.findall("./thead/tr/th")] == [
        "Scenario",
        "Verdict",
        "In a sentence",
    ]
    rows = table.findall("./tbody/tr")
    assert len(rows) == len(verdicts)
    for row, verdict in zip(rows, verdicts, strict=True):
        link = row.find("./th/a")
        assert link is not None and link.get("href", "").lstrip("#") in ids
        badge = row.find(".//span")
        assert badge is not None and verdict.verdict in text_of(badge).lower()
        assert text_of(row.findall("td")[1]) == verdict.summary


def _scenario_quotes(verdict: Verdict) -> set[str]:
    return {r.quote for r in verdict.reasons if r.quote} | {s.quote for s in verdict.sources}


def test_every_cited_sentence_is_highlighted_and_linked_both_ways(
    corpus: tuple[list[Verdict], str, Element],
) -> None:
    verdicts, _, tree = corpus
    ids = by_id(tree)
    for number, verdict in enumerate(verdicts, 1):
        section = ids[f"s{number}"]
        marks: dict[str, str] = {}
        for mark in section.iter("mark"):
            for quote_id in mark.get("data-quote", "").split():
                marks[quote_id] = marks.get(quote_id, "") + text_of(mark)
        # every sentence the verdict cites stands whole in the highlights
        assert _scenario_quotes(verdict) <= set(marks.values()), verdict.scenario
        for index, reason in enumerate(verdict.reasons, 1):
            item = ids[f"s{number}-r{index}"]
            assert tag(item) == "li" and reason.text in text_of(item)
            if not reason.quote:
                continue
            links = [a for a in item.iter("a") if a.get("href", "").startswith("#")]
            assert links, reason
            target = links[0].get("href", "")[1:]
            assert marks[target] == reason.quote
            assert reason.evidence and f"evidence: {reason.evidence}" in text_of(item)
            back = [a for a in section.iter("a") if a.get("href") == f"#s{number}-r{index}"]
            assert back, f"no link back to reason {index} of {verdict.scenario}"


def test_every_in_page_link_resolves_and_nothing_is_fetched(
    corpus: tuple[list[Verdict], str, Element], rulebook: Rulebook
) -> None:
    _, page, tree = corpus
    ids = by_id(tree)
    allowed = {s.url for s in rulebook.sources.values() if s.url}
    assert not tree.findall(".//script") and not tree.findall(".//link")
    assert not tree.findall(".//iframe") and not tree.findall(".//img")
    for element in tree.iter():
        assert element.get("src") is None, tag(element)
        for name in ("href", "{http://www.w3.org/1999/xlink}href"):
            href = element.get(name)
            if href is None:
                continue
            if href.startswith("#"):
                assert href[1:] in ids, href
            else:
                assert href in allowed, href
        assert not any(k.lower().startswith("on") for k in element.attrib), element.attrib
    style = STYLE.lower()
    assert "@import" not in style and "@font-face" not in style
    assert re.findall(r"url\(([^)]*)\)", style) == []
    for reference in re.findall(r"url\(([^)]*)\)", page):
        assert reference.startswith("#") and reference[1:] in ids


def test_every_timeline_is_an_image_with_a_title_and_a_description(
    corpus: tuple[list[Verdict], str, Element],
) -> None:
    verdicts, _, tree = corpus
    ids = by_id(tree)
    svgs = [e for e in tree.iter() if tag(e) == "svg"]
    assert len(svgs) == sum(1 for v in verdicts if v.strike is not None)
    for svg in svgs:
        assert svg.get("role") == "img"
        labels = svg.get("aria-labelledby", "").split()
        assert [tag(ids[i]) for i in labels] == ["title", "desc"]
        assert all(text_of(ids[i]).strip() for i in labels)


def test_the_summary_text_names_no_rule_id_and_no_code(
    corpus: tuple[list[Verdict], str, Element], rulebook: Rulebook
) -> None:
    _, _, tree = corpus
    table = tree.find(".//table[@class='summary']")
    assert table is not None
    words = text_of(table)
    for rule in rulebook.rules():
        assert rule.id not in words.lower() or rule.id in ("atacms", "himars", "scalp"), rule.id
    assert not re.search(r"\b[A-Z]{2}-[A-Z0-9]{2,3}\b", words)


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    source = json.loads((SCENARIOS / "atacms" / "atacms-kursk-depot-2024-11-20.json").read_text())
    source["id"] = 'x"><script>alert(1)</script>\x1b[31m<mark id="s1-q1">'
    source["title"] = "</title><img src=x onerror=alert(1)>\u2028"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(source), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(lambda writer: report(writer, [str(path)]))
    assert code == 0, err.getvalue()
    page = out.getvalue()
    tree = parse(page)
    assert not tree.findall(".//script") and not tree.findall(".//img")
    assert "\x1b" not in page and "\u2028" not in page
    assert "<script>alert(1)</script>" in text_of(tree)
    assert len([e for e in tree.iter() if e.get("id") == "s1-q1"]) == 1


def test_segments_cut_overlapping_quotes_and_highlights() -> None:
    text = "One two. Three four.\nFive six."
    pieces = segments(text, ["One two. Three four.", "Three four.", "Five six."], [(1, "four")])
    assert "".join(p.text for p in pieces if not p.newline) == text.replace("\n", "")
    assert [p.text for p in pieces if 1 in p.quotes] == ["Three ", "four", "."]
    assert [p.text for p in pieces if p.strong] == ["four"]
    assert [p.starts for p in pieces if p.starts] == [(0,), (1,), (2,)]
    assert sum(p.newline for p in pieces) == 1
    assert segments("abc", ["not there"]) == segments("abc", [])


def luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", sorted(PALETTES))
def test_every_text_colour_meets_wcag_aa_on_its_background(scheme: str) -> None:
    palette = PALETTES[scheme]
    for text, background in TEXT_PAIRS:
        ratio = contrast(palette[text], palette[background])
        assert ratio >= 4.5, (scheme, text, background, round(ratio, 2))
    for text, background in CHART_PAIRS:
        assert contrast(text, background) >= 4.5, (text, background)
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0


def test_the_dark_scheme_and_print_styles_are_there() -> None:
    assert "@media (prefers-color-scheme:dark)" in STYLE
    assert "@media print" in STYLE
    assert "@media (max-width:40rem)" in STYLE


def _page(case: str, format_html: bool) -> str:
    out, err = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            if format_html:
                code = run(lambda writer: eval_paths(writer, [case], format="html"))
            else:
                code = run(lambda writer: report(writer, [case]))
    finally:
        os.chdir(cwd)
    assert code == 0 and err.getvalue() == ""
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_the_page_of_a_scenario_is_the_reviewed_one(name: str) -> None:
    page = _page(GOLDEN_CASES[name], format_html=True)
    assert page == _page(GOLDEN_CASES[name], format_html=False)
    path = GOLDEN / name
    if UPDATE:
        path.write_text(page, encoding="utf-8")
    parse(page)
    assert page == path.read_text(encoding="utf-8")


def test_report_writes_a_file_and_refuses_a_missing_folder(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from checker.cli import app

    target = tmp_path / "report.html"
    case = str(SCENARIOS / "real")
    result = CliRunner().invoke(app, ["report", case, "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert "wrote" in result.stderr and result.stdout == ""
    parse(target.read_text(encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    missing = CliRunner().invoke(app, ["report", case, "-o", str(tmp_path / "no" / "r.html")])
    assert missing.exit_code == 2 and "no such folder" in missing.stderr
    bad = CliRunner().invoke(app, ["report", case, str(tmp_path / "absent.json")])
    assert bad.exit_code == 2 and "<!DOCTYPE html>" in bad.stdout
    nothing = tmp_path / "nothing.html"
    none = CliRunner().invoke(app, ["report", str(tmp_path / "absent.json"), "-o", str(nothing)])
    assert none.exit_code == 2 and "absent.json" in none.stderr and "wrote" not in none.stderr
    assert not nothing.exists()  # no input evaluated: no page, not an empty one


def test_the_console_script_writes_the_page_the_typer_command_writes() -> None:
    from .test_entry import command, typer_app

    args = ("eval", GOLDEN_CASES["report-khalino.html"], "--format", "html")
    assert command(*args) == typer_app(*args)
    code, out, err = command(*args)
    assert code == 0 and err == ""
    assert out == (GOLDEN / "report-khalino.html").read_text(encoding="utf-8")
    assert entry_reads(["eval", "x.json", "--format", "html"]) == (["x.json"], "html", None)


def entry_reads(argv: list[str]) -> tuple[list[str], str, int | None] | None:
    from checker import entry

    return entry.plain_eval(argv)
