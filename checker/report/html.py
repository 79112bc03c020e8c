"""The HTML report: one self-contained page of verdicts, for people who will not read JSON.

Inline CSS and inline SVG only - no script, no font, image or stylesheet from anywhere -
so the page works offline and prints. A summary table of every scenario leads; then, for
each scenario, its verdict in words, its readings, its reasons (deciding first) each
linked to the sentence of the source article it rests on (highlighted in the article's
text, and linked back), its caveats, and the timeline of its weapon on its territory.
Every text from the input is escaped (and its control characters written as escapes);
ids and anchors are the page's own (`s3`, `s3-q1`), never text from the input.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from checker.explore.report import SourceText, VerdictReport, segments
from checker.explore.timeline import Timeline
from checker.model import names
from checker.model.rules import EVIDENCE_MEANINGS
from checker.model.strike import Strike
from checker.model.verdict import Reason, Verdict
from checker.report.css import STYLE
from checker.report.svg import esc, timeline_svg

BADGES = {"permitted": "\u2714 Permitted", "prohibited": "\u2718 Prohibited"}
"""A verdict's badge: a sign and a word besides its colour (never colour alone)."""


def badge(verdict: str) -> str:
    label = BADGES.get(verdict, f"? {names.capital(verdict)}")
    return f'<span class="badge b-{esc(verdict)}">{esc(label)}</span>'


def page(report: VerdictReport) -> str:
    """The whole HTML document."""
    counts = {v: sum(1 for x in report.verdicts if x.verdict == v) for v in BADGES}
    counts["undetermined"] = len(report.verdicts) - sum(counts.values())
    tally = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    count = len(report.verdicts)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        (
            f"<title>Would these strikes have been permitted? {count} "
            f"scenario{'s' if count != 1 else ''}</title>"
        ),
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        '<a class="skip" href="#main">Skip to the verdicts</a>',
        "<header>",
        "<h1>Would these strikes have been permitted?</h1>",
        f'<p class="lead">Under the policy as it was reported: {esc(report.rulebook)}.</p>',
        (
            '<nav aria-label="On this page"><ul>'
            '<li><a href="#summary">Summary</a></li>'
            '<li><a href="#scenarios">Scenarios</a></li>'
            '<li><a href="#how">How to read this page</a></li></ul></nav>'
        ),
        "</header>",
        '<main id="main">',
        '<section id="summary" aria-labelledby="summary-h">',
        '<h2 id="summary-h">Summary</h2>',
        f"<p>{count} scenario{'s' if count != 1 else ''}: {esc(tally or 'none')}.</p>",
        _summary_table(report),
        "</section>",
        '<section id="scenarios" aria-labelledby="scenarios-h">',
        '<h2 id="scenarios-h">Scenarios</h2>',
    ]
    timelines = report.timelines or (None,) * count
    for number, (verdict, line) in enumerate(zip(report.verdicts, timelines, strict=True), 1):
        out.append(_scenario(report, number, verdict, line))
    out += ["</section>", "</main>", _footer(report), "</body>", "</html>", ""]
    return "\n".join(out)


def _name(verdict: Verdict) -> str:
    return verdict.title or verdict.scenario


def _summary_table(report: VerdictReport) -> str:
    rows = [
        '<div class="scroll"><table class="summary">',
        "<caption>Every scenario, its verdict and why, in a sentence</caption>",
        (
            '<thead><tr><th scope="col">Scenario</th><th scope="col">Verdict</th>'
            '<th scope="col">In a sentence</th></tr></thead>'
        ),
        "<tbody>",
    ]
    for number, verdict in enumerate(report.verdicts, 1):
        rows.append(
            f'<tr><th scope="row"><a href="#s{number}">{esc(_name(verdict))}</a></th>'
            f"<td>{badge(verdict.verdict)}</td><td>{esc(verdict.summary)}</td></tr>"
        )
    rows += ["</tbody>", "</table></div>"]
    return "\n".join(rows)


def _facts(report: VerdictReport, strike: Strike) -> str:
    if strike.forces is None:
        forces = "not given"
    elif not strike.forces:
        forces = "none"
    else:
        forces = names.join(names.state(f) for f in strike.forces)
    facts = [
        ("Weapon", report.weapons.get(strike.weapon, strike.weapon)),
        ("Day", names.day(strike.day)),
        ("Target", f"{names.kind(strike.kind)} in {names.place(strike.territory)}"),
        ("Forces at the target", forces),
        ("Fired by", names.capital(names.state(strike.operator))),
    ]
    if strike.consents:
        consents = names.join(names.state(c) for c in strike.consents)
        facts.append(("Consent assumed", names.capital(consents)))
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in facts)
    return f'<dl class="facts">{items}</dl>'


def _scenario(report: VerdictReport, number: int, verdict: Verdict, line: Timeline | None) -> str:
    sid = f"s{number}"
    quotes = _quotes(verdict)
    out = [
        f'<article class="scenario" id="{sid}" aria-labelledby="{sid}-h">',
        f'<h3 id="{sid}-h">{esc(_name(verdict))}</h3>',
        f'<p class="verdict">{badge(verdict.verdict)} {esc(verdict.summary)}</p>',
    ]
    detail = [f"scenario <code>{esc(verdict.scenario)}</code>"]
    if verdict.file:
        detail.append(f"file <code>{esc(verdict.file)}</code>")
    out.append(f'<p class="detail">{" · ".join(detail)}</p>')
    if verdict.strike is not None:
        out.append(_facts(report, verdict.strike))
    out.append(_readings(report, verdict, sid))
    out.append(f'<h4 id="{sid}-why">Why</h4>')
    out.append(_reasons(verdict, sid, quotes))
    extras = [esc(c.text) for c in verdict.caveats] + [
        f"Warning: {esc(w)}" for w in verdict.warnings
    ]
    if verdict.feasibility is not None:
        f = verdict.feasibility
        reach = "within range" if f.within_range else "beyond range"
        extras.append(
            esc(
                f"Reach: the target is {f.distance_km:.0f} km from the launch point; "
                f"{f.weapon} has a range of {f.range_km:.0f} km ({f.range_stated}): {reach}."
            )
        )
    if extras:
        out.append("<h4>Caveats</h4>")
        out.append('<ul class="caveats">' + "".join(f"<li>{e}</li>" for e in extras) + "</ul>")
    if line is not None:
        out.append(_timeline(line, sid, verdict.strike))
    out.append(_articles(report, verdict, sid, quotes))
    out.append('<p class="top"><a href="#summary">Back to the summary</a></p>')
    out.append("</article>")
    return "\n".join(out)


def _readings(report: VerdictReport, verdict: Verdict, sid: str) -> str:
    if len(verdict.results) < 2:
        reading = verdict.results[0].reading if verdict.results else ""
        meaning = report.readings.get(reading)
        text = f"Evaluated under one reading: {reading}" + (f" ({meaning})" if meaning else "")
        return f'<p class="readings">{esc(text)}.</p>'
    rows = [
        f'<h4 id="{sid}-readings">Readings of the report</h4>',
        '<div class="scroll"><table class="readings">',
        (
            '<thead><tr><th scope="col">Reading</th><th scope="col">What it takes the report to say'
            '</th><th scope="col">Verdict</th></tr></thead><tbody>'
        ),
    ]
    for result in verdict.results:
        meaning = report.readings.get(result.reading, "")
        rows.append(
            f'<tr><th scope="row">{esc(result.reading)}</th><td>{esc(meaning)}</td>'
            f"<td>{badge(result.verdict)}</td></tr>"
        )
    rows.append("</tbody></table></div>")
    return "\n".join(rows)


def _quotes(verdict: Verdict) -> dict[tuple[str, str], int]:
    """Every sentence the verdict cites, by (source, quote): its number on the page."""
    found: dict[tuple[str, str], int] = {}
    cited = [(r.source, r.quote) for r in verdict.reasons]
    cited += [(s.source, s.quote) for s in verdict.sources]
    for source, quote in cited:
        if source and quote and (source, quote) not in found:
            found[(source, quote)] = len(found) + 1
    return found


def _reasons(verdict: Verdict, sid: str, quotes: dict[tuple[str, str], int]) -> str:
    items = []
    for index, reason in enumerate(verdict.reasons, 1):
        lead = ""
        if reason.deciding:
            lead += '<span class="tag deciding">deciding</span> '
        if reason.reading:
            lead += f'<span class="tag">{esc(reason.reading)} reading</span> '
        cite = _cite(reason, sid, quotes)
        rule = f' <span class="rule">rule {esc(reason.rule)}</span>' if reason.rule else ""
        items.append(f'<li id="{sid}-r{index}">{lead}{esc(reason.text)}{cite}{rule}</li>')
    return '<ol class="reasons">' + "".join(items) + "</ol>"


def _cite(reason: Reason, sid: str, quotes: dict[tuple[str, str], int]) -> str:
    if not reason.quote or not reason.source:
        return ""
    number = quotes[(reason.source, reason.quote)]
    words = reason.highlight or reason.quote
    level = reason.evidence or ""
    meaning = EVIDENCE_MEANINGS.get(level, "")
    return (
        f'<span class="cite">Source: <a href="#{sid}-q{number}">\u201c{esc(words)}\u201d</a>'
        f' <span class="ev ev-{esc(level)}" title="{esc(meaning)}">evidence: {esc(level)}</span>'
        f' <span class="ev-meaning">({esc(meaning)})</span></span>'
    )


def _timeline(line: Timeline, sid: str, strike: Strike | None) -> str:
    out = [
        f'<h4 id="{sid}-time">Over time</h4>',
        '<p class="hint">The verdict for the same strike on other days.</p>',
        f'<figure class="chart">{timeline_svg(line, f"{sid}-t", strike.day if strike else None)}',
        "<figcaption>",
    ]
    marks = line.marks()
    if marks:
        out.append('<ol class="marks">')
        out += [f"<li>({n}) {esc(text)}</li>" for n, (_, _, text) in enumerate(marks, 1)]
        out.append("</ol>")
    else:
        out.append("<p>The verdict does not change at any date in the rulebook.</p>")
    if line.readings_note():
        out.append(f"<p>{esc(line.readings_note())}</p>")
    out.append("</figcaption></figure>")
    return "\n".join(out)


def _articles(
    report: VerdictReport, verdict: Verdict, sid: str, quotes: dict[tuple[str, str], int]
) -> str:
    out = []
    for source_id in dict.fromkeys(source for source, _ in quotes):
        source = report.source(source_id)
        if source is None:
            continue
        out.append(_article(source, verdict, sid, quotes))
    return "\n".join(out)


def _article(
    source: SourceText, verdict: Verdict, sid: str, quotes: dict[tuple[str, str], int]
) -> str:
    mine = [(number, quote) for (src, quote), number in quotes.items() if src == source.id]
    texts = [quote for _, quote in mine]
    highlights: dict[str, list[str]] = {}
    for reason in verdict.reasons:
        if reason.source == source.id and reason.quote and reason.highlight:
            highlights.setdefault(reason.quote, []).append(reason.highlight)
    for ref in verdict.sources:
        if ref.source == source.id and ref.highlight:
            highlights.setdefault(ref.quote, []).append(ref.highlight)
    strong = [(i, words) for i, quote in enumerate(texts) for words in highlights.get(quote, [])]
    back = _backlinks(verdict, sid, source.id)
    published = names.day(date.fromisoformat(source.published))
    meta = [esc(source.title)]
    if source.attribution:
        meta.append(esc(source.attribution))
    meta.append(esc(published))
    link = ""
    if source.url:
        link = f' · <a href="{esc(source.url)}" rel="external noreferrer">the article online</a>'
    out = [
        f'<h4 id="{sid}-src-{esc(source.id)}">The source: {esc(source.title)}</h4>',
        (
            f'<p class="src-meta">{", ".join(meta)}{link}. Every sentence cited above is '
            "highlighted; the words that matter are in bold.</p>"
        ),
        '<blockquote class="article"><p>',
    ]
    for piece in segments(source.text, texts, strong):
        if piece.newline:
            out.append("</p><p>")
            continue
        body = esc(piece.text)
        if piece.strong:
            body = f"<strong>{body}</strong>"
        if piece.quotes:
            ids = " ".join(f"{sid}-q{mine[i][0]}" for i in piece.quotes)
            anchor = "".join(f' id="{sid}-q{mine[i][0]}"' for i in piece.starts[:1])
            body = f'<mark{anchor} data-quote="{ids}">{body}</mark>'
            for extra in piece.starts[1:]:
                body = f'<span id="{sid}-q{mine[extra][0]}"></span>' + body
        out.append(body)
        for index in piece.ends:
            out.append(back.get(mine[index][1], ""))
    out.append("</p></blockquote>")
    if not source.text:
        out.append("<p>The rulebook does not hold this source's text.</p>")
    return "".join(out)


def _backlinks(verdict: Verdict, sid: str, source_id: str) -> dict[str, str]:
    """For each quote, the links back to the reasons that cite it."""
    links: dict[str, list[str]] = {}
    for index, reason in enumerate(verdict.reasons, 1):
        if reason.source == source_id and reason.quote:
            links.setdefault(reason.quote, []).append(
                f'<a class="back" href="#{sid}-r{index}" '
                f'aria-label="back to reason {index}">\u21a9{index}</a>'
            )
    return {quote: "".join(items) for quote, items in links.items()}


def _footer(report: VerdictReport) -> str:
    levels = "".join(
        f"<div><dt>{esc(level)}</dt><dd>{esc(meaning)}</dd></div>"
        for level, meaning in EVIDENCE_MEANINGS.items()
    )
    readings = "".join(
        f"<div><dt>{esc(name)}</dt><dd>{esc(meaning)}</dd></div>"
        for name, meaning in report.readings.items()
    )
    parts = [
        '<footer id="how" aria-labelledby="how-h">',
        '<h2 id="how-h">How to read this page</h2>',
        (
            "<p>Each verdict says whether a strike would have been permitted under the policy "
            "<em>as it was reported</em>, not as it was decided. A reason marked "
            "<em>deciding</em> is one without which the verdict would differ. A verdict is "
            "<em>undetermined</em> when the report does not settle it: its readings disagree, "
            "a date is known only to the month, or a fact the rules need is missing.</p>"
        ),
        "<h3>Evidence levels</h3>",
        f'<dl class="legend">{levels}</dl>',
    ]
    if readings:
        parts += ["<h3>Readings of the report</h3>", f'<dl class="legend">{readings}</dl>']
    parts += [_source_list(report.sources.values()), "</footer>"]
    return "\n".join(parts)


def _source_list(sources: Iterable[SourceText]) -> str:
    items = []
    for source in sources:
        when = names.day(date.fromisoformat(source.published))
        text = ", ".join(esc(p) for p in (source.title, source.attribution, when) if p)
        if source.url:
            text += f' (<a href="{esc(source.url)}" rel="external noreferrer">online</a>)'
        items.append(f"<li>{text}</li>")
    return "<h3>Sources</h3><ul>" + "".join(items) + "</ul>"


RENDERERS = {"VerdictReport": {"html": page}}
