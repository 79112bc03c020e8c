"""A report of many verdicts, with what a reader needs beside them: the source articles'
text and, for each scenario, the timeline of its weapon on its territory.

Owns `VerdictReport` (what `checker report` and `checker eval --format html` render) and
`SourceText` (a source with its text, split into the segments a page highlights), and
`build_report`. The timeline of a scenario is `explore.timeline.timeline` for its strike
with the date left open: the one home of timeline data.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from msgspec import Struct, field

from checker.errors import CheckerError
from checker.explore.timeline import Timeline, timeline
from checker.model.rulebook import Rulebook
from checker.model.strike import Strike
from checker.model.verdict import Verdict


class SourceText(Struct, frozen=True):
    """A source of the rulebook and its text (empty when the rulebook has no document)."""

    id: str
    title: str
    published: str
    attribution: str | None
    url: str | None
    text: str


class Segment(Struct, frozen=True):
    """A stretch of a source's text: which quotes cover it and whether it is highlighted.

    `quotes` are indices into the quotes asked of `segments`; `starts` are those of them
    that begin here (where the page puts their anchor), `ends` those that end here.
    """

    text: str
    quotes: tuple[int, ...] = ()
    strong: bool = False
    starts: tuple[int, ...] = ()
    ends: tuple[int, ...] = ()
    newline: bool = False  # a paragraph break, not text


def segments(
    text: str, quotes: Sequence[str], highlights: Iterable[tuple[int, str]] = ()
) -> list[Segment]:
    """`text` cut where a quote, a highlight inside a quote or a line starts or ends.

    A quote not found in `text` is left out (a rulebook's checks make that impossible for
    its own sources); a highlight (quote index, words) is looked for inside its quote.
    """
    spans: list[tuple[int, int, int]] = []  # start, end, quote index
    for index, quote in enumerate(quotes):
        at = text.find(quote) if quote else -1
        if at != -1:
            spans.append((at, at + len(quote), index))
    strong: list[tuple[int, int]] = []
    for index, words in highlights:
        for start, end, owner in spans:
            at = text.find(words, start, end) if words and owner == index else -1
            if at != -1:
                strong.append((at, at + len(words)))
    cuts = {0, len(text)}
    for start, end, _ in spans:
        cuts |= {start, end}
    for start, end in strong:
        cuts |= {start, end}
    for at, char in enumerate(text):
        if char == "\n":
            cuts |= {at, at + 1}
    ordered = sorted(cuts)
    out: list[Segment] = []
    for start, end in itertools.pairwise(ordered):
        piece = text[start:end]
        if piece == "\n":
            out.append(Segment("", newline=True))
            continue
        out.append(
            Segment(
                piece,
                quotes=tuple(i for s, e, i in spans if s <= start and end <= e),
                strong=any(s <= start and end <= e for s, e in strong),
                starts=tuple(i for s, _, i in spans if s == start),
                ends=tuple(i for _, e, i in spans if e == end),
            )
        )
    return out


class VerdictReport(Struct, frozen=True):
    """Verdicts with the rulebook's readings, its sources' text and each one's timeline.

    `timelines[i]` is the timeline of `verdicts[i]`'s weapon and territory (None when the
    verdict has no strike, or its weapon is not in the rulebook's catalogue).
    """

    rulebook: str
    readings: dict[str, str]
    """Each reading's name and what it means, in a few words ("Kursk oblast only")."""
    verdicts: tuple[Verdict, ...]
    sources: dict[str, SourceText]
    timelines: tuple[Timeline | None, ...] = field(default=())
    weapons: dict[str, str] = field(default_factory=dict)
    """Each weapon's name by its catalogue id."""

    def source(self, source_id: str | None) -> SourceText | None:
        return self.sources.get(source_id or "")


def build_report(book: Rulebook, verdicts: Sequence[Verdict]) -> VerdictReport:
    """The report of `verdicts` under `book`: sources read, one timeline per strike class."""
    from checker.read.sourcemap import read_text

    sources: dict[str, SourceText] = {}
    for source in book.sources.values():
        text = ""
        if source.document is not None:
            try:
                text = read_text(Path(book.root) / source.document)
            except CheckerError:
                text = ""
        sources[source.id] = SourceText(
            source.id,
            source.title,
            source.published.isoformat(),
            source.attribution,
            source.url,
            text,
        )
    cache: dict[tuple[object, ...], Timeline | None] = {}
    timelines: list[Timeline | None] = []
    for verdict in verdicts:
        strike = verdict.strike
        if strike is None:
            timelines.append(None)
            continue
        key = (*strike._replace(day=date.min),)
        if key not in cache:
            cache[key] = _timeline(book, strike)
        timelines.append(cache[key])
    meanings = dict(book.header.readings)
    return VerdictReport(
        rulebook=book.header.name,
        readings=meanings,
        verdicts=tuple(verdicts),
        sources=sources,
        timelines=tuple(timelines),
        weapons={w.id: w.name for w in book.weapons},
    )


def _timeline(book: Rulebook, strike: Strike) -> Timeline | None:
    try:
        return timeline(
            book,
            [strike.weapon],
            territories=[strike.territory],
            kind=strike.kind,
            forces=strike.forces,
            consents=strike.consents,
            operator=strike.operator,
        )
    except CheckerError:
        return None
