"""The timeline chart (`checker timeline --plot`) is fit to publish: no text overlaps
another, crosses a change-of-verdict line or leaves the figure, for every weapon x
territory class of the shipped rulebook, several at once, and narrow and wide figures;
measured with the renderers that write PNG (Agg) and SVG. Its labels are plain words."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from checker.evaluation.space import build_space
from checker.explore.plot import COLOURS, HATCHES, draw, figure
from checker.explore.timeline import Timeline, timeline
from checker.model.rulebook import Rulebook

TOLERANCE = 0.5  # pixels


def classes(book: Rulebook) -> list[tuple[str, str]]:
    """Every weapon x territory class (one representative territory each)."""
    territories = [t.representative for t in build_space(book).territories]
    return list(itertools.product([w.name for w in book.weapons], territories))


def texts(fig: Any, renderer: Any) -> list[tuple[str, Bbox]]:
    found = []
    for text in fig.findobj(Text):
        if (text.get_visible() and text.get_text().strip() and text.axes is None) or (
            text.get_visible() and text.get_text().strip() and _drawn_tick(text)
        ):
            found.append((text.get_text(), text.get_window_extent(renderer)))
    return found


def _drawn_tick(text: Text) -> bool:
    """A text of the axes, or a tick label inside the shown dates (others are not drawn)."""
    axes = text.axes
    if axes is None:
        return False
    ticks = axes.xaxis.get_majorticklabels()
    if not any(text is label for label in ticks):
        return True
    low, high = axes.get_xlim()
    return bool(low <= text.get_position()[0] <= high)


def change_lines(fig: Any) -> Iterator[Bbox]:
    for collection in fig.findobj(lambda artist: artist.get_gid() == "change"):
        transform = collection.get_transform()
        for segment in collection.get_segments():
            (x0, y0), (x1, y1) = transform.transform(segment)
            yield Bbox([[min(x0, x1) - 0.5, min(y0, y1)], [max(x0, x1) + 0.5, max(y0, y1)]])


def overlap(one: Bbox, two: Bbox) -> bool:
    width = min(one.x1, two.x1) - max(one.x0, two.x0)
    height = min(one.y1, two.y1) - max(one.y0, two.y0)
    return width > TOLERANCE and height > TOLERANCE


def check(result: Timeline, width: float = 10.0) -> None:
    for canvas_type in (FigureCanvasAgg, FigureCanvasSVG):
        fig = figure(result, width)
        canvas = canvas_type(fig)
        if canvas_type is FigureCanvasAgg:
            renderer = canvas.get_renderer()
            fig.draw(renderer)
        else:
            fig.savefig(io.BytesIO(), format="svg")
            from matplotlib.backends.backend_svg import RendererSVG

            renderer = RendererSVG(fig.bbox.width, fig.bbox.height, io.StringIO())
            fig.draw(renderer)
        boxes = texts(fig, renderer)
        assert boxes
        outline = fig.bbox
        for label, box in boxes:
            assert box.x0 >= outline.x0 - TOLERANCE and box.x1 <= outline.x1 + TOLERANCE, label
            assert box.y0 >= outline.y0 - TOLERANCE and box.y1 <= outline.y1 + TOLERANCE, label
        for (one, a), (two, b) in itertools.combinations(boxes, 2):
            assert not overlap(a, b), (canvas_type.__name__, one, two)
        for line in change_lines(fig):
            for label, box in boxes:
                assert not overlap(line, box), (canvas_type.__name__, "line over", label)
        plt.close(fig)


@pytest.fixture(scope="module")
def shipped(rulebook: Rulebook) -> list[tuple[str, str]]:
    return classes(rulebook)


def test_no_text_overlaps_for_any_weapon_and_territory_class(
    rulebook: Rulebook, shipped: list[tuple[str, str]]
) -> None:
    assert len(shipped) == len(rulebook.weapons) * len(build_space(rulebook).territories)
    for weapon, territory in shipped:
        check(timeline(rulebook, [weapon], territories=[territory]))


@pytest.mark.parametrize("width", [5.0, 7.0, 14.0])
def test_no_text_overlaps_with_many_bands_at_any_width(rulebook: Rulebook, width: float) -> None:
    every = timeline(rulebook, [w.name for w in rulebook.weapons])
    check(every, width)
    check(timeline(rulebook, ["HIMARS"], territories=["RU-KRS"], kind="airbase"), width)
    check(timeline(rulebook, ["ATACMS"], territories=["RU-BEL"], forces=["RU"]), width)


def test_labels_are_plain_words_with_human_dates(rulebook: Rulebook) -> None:
    result = timeline(rulebook, ["ATACMS"], territories=["RU-BEL"], kind="ammunition_depot")
    fig = figure(result)
    fig.canvas.draw()
    words = " | ".join(t.get_text() for t in fig.findobj(Text) if t.get_text())
    plt.close(fig)
    assert "US consent for ATACMS" in words and "17 Nov 2024" in words
    assert "Narrow reading (Kursk oblast only)" in words
    assert "Broad reading (anywhere in Russia)" in words
    assert "The readings together" in words
    assert "Source: Biden lets Ukraine strike Russia with long-range missiles" in words
    assert "Nov 2024" in words
    for raw in ("us-grant-atacms", "ammunition_depot", "RU-BEL", "2024-11-17", "nyt-2024"):
        assert raw not in words


def test_a_month_window_is_drawn_as_a_window_not_a_day(rulebook: Rulebook) -> None:
    result = timeline(rulebook, ["HIMARS"], territories=["RU-BEL"], forces=["RU"])
    fig = figure(result)
    fig.canvas.draw()
    words = " | ".join(t.get_text() for t in fig.findobj(Text) if t.get_text())
    hatched = [
        p for p in fig.axes[0].collections if p.get_hatch() == "///" and len(p.get_paths()) == 1
    ]
    plt.close(fig)
    assert "May 2024" in words and "1 May 2024" not in words and "2024-05-01" not in words
    assert len(hatched) == len(result.drawn())
    (path,) = {tuple(map(tuple, p.get_paths()[0].vertices.round(3))) for p in hatched[:1]}
    xs = sorted({x for x, _ in path})
    assert round(xs[-1] - xs[0]) == 31  # the whole month, 1 to 31 May


def test_one_band_when_every_reading_agrees(rulebook: Rulebook) -> None:
    agree = timeline(rulebook, ["ATACMS"], territories=["RU-KRS"], kind="airbase")
    assert len(agree.drawn()) == 1
    split = timeline(rulebook, ["ATACMS"], territories=["RU-BEL"], kind="ammunition_depot")
    assert [b.reading for b in split.drawn()] == [None, "narrow", "broad"]


def test_the_palette_is_colour_blind_safe_with_a_pattern_per_verdict() -> None:
    assert COLOURS["permitted"] == "#0072b2" and COLOURS["prohibited"] == "#d55e00"
    assert len(set(HATCHES.values())) == len(HATCHES)


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_every_format_is_written(rulebook: Rulebook, tmp_path: Path, suffix: str) -> None:
    path = draw(timeline(rulebook, ["ATACMS"]), tmp_path / f"chart{suffix}")
    assert path.stat().st_size > 1000
    assert date.today()  # the chart does not depend on today's date
