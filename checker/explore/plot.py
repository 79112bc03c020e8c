"""Draw a timeline with matplotlib (imported here only: `checker eval` never pays for it).

A picture fit to publish: plain labels (a band per reading, named with its meaning, or one
band when the readings agree), human dates, each change of verdict marked by a numbered
dashed line explained under the chart, a window known only to the month drawn as a
hatched window, a colour-blind-safe palette (Okabe-Ito) with a pattern per verdict, and
the source line. The layout is computed in inches from the top, text wrapped to the
width, so that no text overlaps another or leaves the figure whatever the input
(`tests/test_plot.py` checks every weapon x territory class of the shipped rulebook).
"""

from __future__ import annotations

import textwrap
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import CheckerError, Location
from checker.explore.timeline import Band, Timeline, Window, band_label, describe, where_words
from checker.model import names

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLOURS = {"permitted": "#0072b2", "prohibited": "#d55e00", "undetermined": "#bbbbbb"}
"""Okabe-Ito blue and vermillion, and a grey: told apart in every common colour blindness."""
HATCHES = {"permitted": "", "prohibited": "xx", "undetermined": ".."}
"""A pattern per verdict, so that the picture reads in black and white too."""
INK = {"permitted": "#ffffff", "prohibited": "#000000", "undetermined": "#000000"}
"""The text colour on each verdict's colour (contrast of 4.5:1 at least)."""
FORMATS = (".png", ".svg", ".pdf")

WIDTH = 10.0  # inches
MARGIN = 0.45
LINE = 1.45  # line height, as a multiple of the font size
TEXT_GREY = "#444444"


def bands_to_draw(result: Timeline) -> list[Band]:
    return result.drawn()


def draw(result: Timeline, path: str | Path) -> Path:
    """Write the timeline picture to `path` (.png, .svg or .pdf)."""
    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise CheckerError.at(
            Location("--plot"), f"'{target}': the picture must be a .png, .svg or .pdf file"
        )
    if not target.parent.exists():
        raise CheckerError.at(Location("--plot"), f"'{target.parent}': no such folder")
    import matplotlib.pyplot as plt

    fig = figure(result)
    fig.savefig(target, dpi=150)
    plt.close(fig)
    return target


def _wrap(text: str, size: float, width: float) -> list[str]:
    """`text` wrapped to `width` inches at `size` points (an average glyph is 0.55 em)."""
    chars = max(20, int(width * 72 / (size * 0.56)))
    return textwrap.wrap(text, chars) or [""]


def figure(result: Timeline, width: float = WIDTH) -> Figure:
    """The timeline picture as a matplotlib figure (not yet saved)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    bands = result.drawn()
    marks = result.marks()
    lo, hi = result.date_range()
    inner = width - 2 * MARGIN

    blocks: list[tuple[str, float, str, str]] = []  # text, size, colour, weight: above
    weapons = names.join(dict.fromkeys(b.weapon for b in bands))
    places = names.join(dict.fromkeys(where_words(b) for b in bands))
    blocks.append((f"{weapons} in {places}: was a strike permitted?", 13, "black", "bold"))
    blocks.append(
        (f"The verdict by date of the strike, for {describe(result)}.", 9.5, TEXT_GREY, "")
    )
    below: list[tuple[str, float, str, str]] = []
    for number, (_, _, text) in enumerate(marks, 1):
        below.append((f"({number}) {text}", 8.5, "black", ""))
    if not marks:
        below.append(("No change of verdict at any date in the rulebook.", 8.5, "black", ""))
    if len(result.readings) > 1:
        below.append((f"{result.readings_note()}", 8.5, "black", ""))
    below += [(f"Source: {line}", 8, TEXT_GREY, "") for line in result.credits]

    def height(block: list[tuple[str, float, str, str]]) -> float:
        return sum(len(_wrap(t, s, inner)) * s * LINE / 72 for t, s, _, _ in block)

    row = 0.62
    marker_levels = _levels(marks, lo, hi, inner)
    top_band = 0.3 + 0.24 * max(marker_levels, default=0)
    plot_h = row * len(bands) + 0.1
    shown = [v for v in COLOURS if any(i.verdict == v for b in bands for i in b.intervals)]
    entries = len(shown) + bool(result.windows)
    columns = entries if inner > 6 else 2
    legend_h = 0.4 + 0.25 * -(-entries // columns)
    total = MARGIN + height(blocks) + 0.1 + top_band + plot_h + legend_h + height(below) + 0.25

    fig = plt.figure(figsize=(width, total))
    y = total - MARGIN

    def put(block: list[tuple[str, float, str, str]], y: float) -> float:
        for text, size, colour, weight in block:
            for line in _wrap(text, size, inner):
                fig.text(
                    MARGIN / width,
                    y / total,
                    line,
                    fontsize=size,
                    color=colour,
                    fontweight=weight or "normal",
                    va="top",
                    ha="left",
                )
                y -= size * LINE / 72
        return y

    y = put(blocks, y) - 0.1 - top_band
    ax = fig.add_axes((MARGIN / width, (y - plot_h) / total, inner / width, plot_h / total))
    y -= plot_h
    _bands(ax, result, bands, lo, hi, row, inner)
    for number, ((day, last_day, _), level) in enumerate(zip(marks, marker_levels, strict=True), 1):
        centre = day + (last_day - day + timedelta(days=1)) / 2 if last_day else day
        ax.annotate(
            f"({number})",
            xy=(_num(centre), 1),
            xycoords=("data", "axes fraction"),
            xytext=(0, 4 + 17 * level),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8.5,
            fontweight="bold",
            annotation_clip=False,
        )
    legend = [
        Patch(facecolor=COLOURS[v], hatch=HATCHES[v], edgecolor="#333333", label=v) for v in shown
    ]
    if result.windows:
        legend.append(
            Patch(facecolor="white", edgecolor="#333333", hatch="///", label="day not known")
        )
    fig.legend(
        handles=legend,
        loc="upper left",
        bbox_to_anchor=(MARGIN / width, (y - 0.3) / total),
        ncol=columns,
        frameon=False,
        fontsize=8.5,
        handlelength=2.2,
        columnspacing=1.6,
    )
    put(below, y - legend_h)
    return fig


def _levels(
    marks: list[tuple[date, date | None, str]], lo: date, hi: date, inner: float
) -> list[int]:
    """A level per marker: a marker too close to the previous one on its level goes higher."""
    placed: list[tuple[float, int]] = []
    levels = []
    for day, last_day, _ in marks:
        centre = day + (last_day - day + timedelta(days=1)) / 2 if last_day else day
        x = (centre - lo).days / max((hi - lo).days, 1) * inner
        level = 0
        while any(abs(x - px) < 0.45 and pl == level for px, pl in placed):
            level += 1
        placed.append((x, level))
        levels.append(level)
    return levels


def _bands(
    ax: Any, result: Timeline, bands: list[Band], lo: date, hi: date, row: float, inner: float
) -> None:
    import matplotlib.dates as mdates

    count = len(bands)
    for index, band in enumerate(bands):
        y = (count - 1 - index) * row
        ax.text(
            _num(lo),
            y + 0.2,
            names.capital(band_label(band, result, place=len(result.combos) > 1)),
            fontsize=9,
            va="bottom",
            ha="left",
        )
        for interval in band.intervals:
            start = max(interval.start or lo, lo)
            end = min(interval.end or hi, hi)
            if end <= start:
                continue
            ax.broken_barh(
                [(_num(start), (end - start).days)],
                (y - 0.14, 0.28),
                facecolors=COLOURS[interval.verdict],
                edgecolor="white",
                hatch=HATCHES[interval.verdict],
                linewidth=1,
            )
            share = (end - start).days / max((hi - lo).days, 1) * inner
            if share > len(interval.verdict) * 9 * 0.62 / 72 + 0.25:
                ax.text(
                    _num(start + (end - start) / 2),
                    y,
                    interval.verdict,
                    ha="center",
                    va="center",
                    fontsize=9,
                    fontweight="bold",
                    color=INK[interval.verdict],
                    bbox={"facecolor": COLOURS[interval.verdict], "edgecolor": "none", "pad": 1},
                )
        starts = [
            _num(i.start) for i in band.intervals if i.start is not None and lo < i.start < hi
        ]
        if starts:  # each change of verdict, through the bar only (never through a label)
            ax.vlines(
                starts,
                y - 0.16,
                y + 0.16,
                colors="#222222",
                linestyles="--",
                linewidth=1.2,
                zorder=4,
                gid="change",
            )
        for window in _windows(result, band):
            ax.broken_barh(
                [(_num(window.first), (window.last - window.first).days + 1)],
                (y - 0.14, 0.28),
                facecolors="white",
                edgecolor="#222222",
                hatch="///",
                linewidth=1,
                zorder=3,
            )
    ax.set_ylim(-0.3, (count - 1) * row + 0.5)
    ax.set_xlim(_num(lo), _num(hi))
    ax.set_yticks([])
    locator = mdates.AutoDateLocator(minticks=3, maxticks=max(3, int(inner / 1.3)))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))  # type: ignore[no-untyped-call]
    ax.tick_params(axis="x", labelsize=8.5)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#dddddd", zorder=0)
    ax.set_axisbelow(True)


def _windows(result: Timeline, band: Band) -> list[Window]:
    return [w for w in result.windows if w.weapon == band.weapon]


def _num(day: date) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]
