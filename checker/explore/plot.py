"""Draw a timeline with matplotlib (imported here only: `checker eval` never pays for it).

One band per reading when one weapon x territory is asked (with the combined verdict on
top), else one band per weapon x territory (the combined verdict). Bands are coloured by
verdict; each change date is marked and labelled with the rule whose date it is;
month-precision windows are hatched.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from checker.errors import CheckerError, Location
from checker.explore.timeline import Band, Timeline

COLOURS = {"permitted": "#2e7d32", "prohibited": "#c62828", "undetermined": "#f9a825"}
FORMATS = (".png", ".svg")


def bands_to_draw(result: Timeline) -> list[Band]:
    if len(result.combos) == 1:
        return list(result.bands)
    return [b for b in result.bands if b.reading is None or len(result.readings) == 1]


def draw(result: Timeline, path: str | Path) -> Path:
    """Write the timeline picture to `path` (.png or .svg)."""
    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise CheckerError.at(
            Location("--plot"), f"'{target}': the picture must be a .png or .svg file"
        )
    if not target.parent.exists():
        raise CheckerError.at(Location("--plot"), f"'{target.parent}': no such folder")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    bands = bands_to_draw(result)
    changes = result.changes()
    days = [d for d, _ in changes] + [w.first for w in result.windows]
    first = min(days, default=date(2024, 1, 1))
    last = max(days, default=date(2024, 12, 31))
    pad = max(timedelta(days=75), (last - first) / 5)
    lo, hi = first - pad, last + pad

    height = 1.2 + 0.62 * len(bands) + 0.35 * len({d for d, _ in changes})
    fig, ax = plt.subplots(figsize=(11, max(3.2, height)))
    for row, band in enumerate(reversed(bands)):
        for interval in band.intervals:
            start = max(interval.start or lo, lo)
            end = min(interval.end or hi, hi)
            if end <= start:
                continue
            ax.broken_barh(
                [(_num(start), (end - start).days)],
                (row - 0.34, 0.68),
                facecolors=COLOURS[interval.verdict],
                edgecolor="white",
                linewidth=1.5,
            )
            mid = start + (end - start) / 2
            if (end - start).days > (hi - lo).days * 0.09:
                ax.text(
                    _num(mid),
                    row,
                    interval.verdict,
                    ha="center",
                    va="center",
                    color="white" if interval.verdict != "undetermined" else "#3e2723",
                    fontsize=9,
                    fontweight="bold",
                )
    for row, band in enumerate(reversed(bands)):
        for window in (w for w in result.windows if w.weapon == band.weapon):
            ax.broken_barh(
                [(_num(window.first), (window.last - window.first).days + 1)],
                (row - 0.34, 0.68),
                facecolors="none",
                edgecolor="#424242",
                hatch="////",
                linewidth=0,
                zorder=3,
            )
    labels: dict[date, list[str]] = {}
    for day, ref in changes:
        text = f"{ref.rule} ({ref.source}, {ref.published})" if ref.source else ref.rule
        if text not in labels.setdefault(day, []):
            labels[day].append(text)
    top = len(bands) - 0.5
    middle = lo + (hi - lo) / 2
    for step, (day, texts) in enumerate(sorted(labels.items())):
        x = _num(day)
        right = day > middle
        ax.axvline(x, color="#263238", linestyle="--", linewidth=1, zorder=4)
        ax.annotate(
            f"{day.isoformat()}  " + "; ".join(texts),
            xy=(x, top),
            xytext=(-4 if right else 4, 6 + 14 * step),
            textcoords="offset points",
            fontsize=8.5,
            color="#263238",
            ha="right" if right else "left",
            va="bottom",
            annotation_clip=False,
        )
    ax.set_yticks(range(len(bands)))
    ax.set_yticklabels([_label(b, result) for b in reversed(bands)], fontsize=9)
    ax.set_ylim(-0.6, len(bands) - 0.4)
    ax.set_xlim(_num(lo), _num(hi))
    ax.xaxis.set_major_locator(
        mdates.AutoDateLocator(  # type: ignore[no-untyped-call]
            minticks=4, maxticks=10
        )
    )
    ax.xaxis.set_major_formatter(
        mdates.DateFormatter(  # type: ignore[no-untyped-call]
            "%Y-%m"
        )
    )
    ax.tick_params(axis="x", labelsize=8.5)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#eeeeee", zorder=0)
    ax.set_axisbelow(True)
    legend = [Patch(facecolor=c, label=v) for v, c in COLOURS.items()]
    if result.windows:
        legend.append(
            Patch(
                facecolor="white",
                edgecolor="#555555",
                hatch="////",
                label="date known to the month only",
            )
        )
    ax.legend(
        handles=legend,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=len(legend),
        frameon=False,
        fontsize=8.5,
    )
    weapons = ", ".join(dict.fromkeys(b.weapon for b in bands))
    fig.suptitle(f"{weapons}: verdict over time", fontsize=12, fontweight="bold", x=0.01, ha="left")
    ax.set_title(
        result.describe(), fontsize=9, color="#555555", loc="left", pad=12 + 14 * len(labels)
    )
    fig.tight_layout()
    fig.savefig(target, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return target


def _num(day: date) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]


def _label(band: Band, result: Timeline) -> str:
    if len(result.combos) == 1:
        return band.reading or "all readings"
    return f"{band.weapon} · {band.where}" + (f" · {band.reading}" if band.reading else "")
