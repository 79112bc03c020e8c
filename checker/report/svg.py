"""A timeline as inline SVG, for the HTML report: drawn from `explore.timeline`'s data
(the bands, marks and date range a picture shows) without matplotlib.

Colours come from the page's CSS classes (`v-permitted`...), so the light and dark
schemes apply to the drawing; each verdict also has a pattern, each band its name and
the day of the strike its label: never colour alone. The SVG has `role="img"`, a
`<title>` and a `<desc>` that says in words what it draws.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from html import escape

from checker.errors import printable
from checker.explore.timeline import Timeline, band_label
from checker.model import names
from checker.report.explore import interval_words

WIDTH = 340
LEFT, RIGHT = 6, 6
BAR = 17
FONT = 12
ROW = FONT + 5 + BAR + 12
BAR_AT = FONT + 5  # the bar's top, below its label


def esc(text: object) -> str:
    """Text from anywhere, safe in HTML or SVG text and attribute values: escaped, and its
    control characters written as escapes (the one escaping of the HTML report)."""
    return escape(printable(str(text), keep="\n"), quote=True)


def timeline_svg(result: Timeline, uid: str, strike_day: date | None = None) -> str:
    """The timeline of `result` as an `<svg>` element; `uid` makes its ids unique."""
    bands = result.drawn()
    marks = result.marks()
    lo, hi = result.date_range([strike_day] if strike_day else [])
    span = max((hi - lo).days, 1)
    inner = WIDTH - LEFT - RIGHT

    def x(day: date) -> float:
        return round(LEFT + (min(max(day, lo), hi) - lo).days / span * inner, 1)

    levels = max((level for _, level in _marks(marks, x)), default=0)
    top = 2 * FONT + 12 + (FONT + 1) * levels
    height = top + ROW * len(bands) + FONT + 10
    title = f"Verdict over time: {names.join(dict.fromkeys(b.weapon for b in bands))}"
    said = [
        f"{band_label(band, result)}: "
        + "; ".join(f"{interval_words(i)} {i.verdict}" for i in band.intervals)
        for band in bands
    ]
    if strike_day:
        said.append(f"The strike: {names.day(strike_day)}.")
    out = [
        (
            f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg" '
            f'font-size="{FONT}">'
        ),
        f'<title id="{uid}-t">{esc(title)}</title>',
        f'<desc id="{uid}-d">{esc(". ".join(said))}</desc>',
        "<defs>",
        (
            f'<pattern id="{uid}-x" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect class="v-prohibited" width="6" height="6"/>'
            '<line class="hatch" x1="0" y1="0" x2="0" y2="6"/></pattern>'
        ),
        (
            f'<pattern id="{uid}-u" width="5" height="5" patternUnits="userSpaceOnUse">'
            '<rect class="v-undetermined" width="5" height="5"/>'
            '<circle class="dot" cx="2.5" cy="2.5" r="0.9"/></pattern>'
        ),
        (
            f'<pattern id="{uid}-w" width="5" height="5" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(-45)"><rect class="window" width="5" height="5"/>'
            '<line class="hatch-w" x1="0" y1="0" x2="0" y2="5"/></pattern>'
        ),
        "</defs>",
    ]
    fills = {
        "permitted": "",
        "prohibited": f' fill="url(#{uid}-x)"',
        "undetermined": f' fill="url(#{uid}-u)"',
    }
    bars: list[str] = []
    lines: list[str] = []
    words: list[str] = []
    for index, band in enumerate(bands):
        y = top + index * ROW
        label = band_label(band, result, place=len(result.combos) > 1)
        words.append(f'<text class="label" x="{LEFT}" y="{y + FONT}">{esc(label)}</text>')
        for interval in band.intervals:
            start = max(interval.start or lo, lo)
            end = min(interval.end or hi, hi)
            if end <= start:
                continue
            x0, x1 = x(start), x(end)
            bars.append(
                f'<rect class="v-{interval.verdict}" x="{x0}" y="{y + BAR_AT}" '
                f'width="{round(x1 - x0, 1)}" height="{BAR}"{fills[interval.verdict]}>'
                f"<title>{esc(interval_words(interval))}: {interval.verdict}</title></rect>"
            )
            if interval.start is not None and interval.start > lo:
                lines.append(
                    f'<line class="change" x1="{x0}" y1="{y + BAR_AT - 3}" x2="{x0}" y2="{y + BAR_AT + BAR + 3}"/>'
                )
            if x1 - x0 > len(interval.verdict) * FONT * 0.62 + 10:
                words.append(
                    f'<text class="on-{interval.verdict}" x="{round((x0 + x1) / 2, 1)}" '
                    f'y="{round(y + BAR_AT + BAR / 2 + FONT * 0.36, 1)}" text-anchor="middle" '
                    'font-weight="bold">'
                    f"{interval.verdict}</text>"
                )
        for window in result.windows:
            if window.weapon == band.weapon:
                x0, x1 = x(window.first), x(window.last + timedelta(days=1))
                bars.append(
                    f'<rect class="window-box" x="{x0}" y="{y + BAR_AT}" width="{round(x1 - x0, 1)}" '
                    f'height="{BAR}" fill="url(#{uid}-w)"/>'
                )
        if strike_day:
            sx = x(strike_day)
            lines.append(
                f'<line class="strike" x1="{sx}" y1="{y + BAR_AT - 3}" x2="{sx}" y2="{y + BAR_AT + BAR + 3}"/>'
            )
    for number, (centre, level) in enumerate(_marks(marks, x), 1):
        words.append(
            f'<text class="mark" x="{centre}" y="{2 * FONT + 6 + (FONT + 1) * level}" text-anchor="middle">'
            f"({number})</text>"
        )
    if strike_day:
        sx = x(strike_day)
        anchor = "end" if sx > WIDTH * 0.62 else "start" if sx < WIDTH * 0.38 else "middle"
        shift = {"end": 4, "start": -4, "middle": 0}[anchor]
        words.append(
            f'<text class="strike-label" x="{sx + shift}" y="{FONT + 1}" text-anchor="{anchor}">'
            f"\u25bc this strike, {names.day(strike_day)}</text>"
        )
    out += bars + lines + words
    bottom = top + ROW * len(bands)
    out.append(f'<line class="axis" x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}"/>')
    for tick in _ticks(lo, hi):
        tx = x(tick)
        out.append(f'<line class="axis" x1="{tx}" y1="{bottom}" x2="{tx}" y2="{bottom + 4}"/>')
        out.append(
            f'<text class="tick" x="{tx}" y="{bottom + FONT + 5}" text-anchor="middle">'
            f"{tick:%b %Y}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _marks(
    marks: list[tuple[date, date | None, str]], x: Callable[[date], float]
) -> list[tuple[float, int]]:
    """Each mark's x and row: a mark too close to another on its row goes one row down."""
    placed: list[tuple[float, int]] = []
    for day, last, _ in marks:
        centre = x(day + (last - day + timedelta(days=1)) / 2 if last else day)
        level = 0
        while any(abs(centre - px) < 24 and pl == level for px, pl in placed):
            level += 1
        placed.append((centre, level))
    return placed


def _ticks(lo: date, hi: date, most: int = 4) -> list[date]:
    """First days of months inside (lo, hi), every n-th month so that at most `most` show,
    none so close to an edge that its label would be cut."""
    months = (hi.year - lo.year) * 12 + hi.month - lo.month
    step = max(1, -(-months // most))
    found = []
    year, month = lo.year, lo.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        day = date(year, month, 1)
        if day >= hi:
            break
        found.append(day)
    span = (hi - lo).days
    inside = [d for d in found if 0.08 < (d - lo).days / span < 0.92]
    chosen = [d for d in inside if (d.year * 12 + d.month) % step == 0]
    return chosen or inside[:1]
