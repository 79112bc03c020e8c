"""Renderers of timelines and why-not answers: styled text, markdown and JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from msgspec.structs import replace

from checker.explore.refs import RuleRef
from checker.explore.timeline import Interval, Timeline, describe, readings_agree, where_words
from checker.explore.whynot import WhyNot
from checker.model import names
from checker.report.registry import Rendered
from checker.report.styled import Styled, verdict_run


def _ref_lines(out: Styled, ref: RuleRef, indent: str) -> None:
    if ref.rule == "assume.consent":
        out.line(f"{indent}- {ref.title}")
        return
    out.line(f"{indent}- {ref.title} ({ref.event})")
    if ref.quote:
        published = names.day(date.fromisoformat(ref.published)) if ref.published else ""
        out.line(f"{indent}  ", (f'"{ref.quote}" — {ref.source or ""}, {published}', "dim"))


def interval_words(interval: Interval) -> str:
    """An interval's days in words: "until 16 Nov 2024", "from 17 Nov 2024"."""
    start, last = interval.start, interval.last
    if start is None and last is None:
        return "any date"
    if start is None:
        assert last is not None
        return f"until {names.day(last)}"
    if last is None:
        return f"from {names.day(start)}"
    if start == last:
        return f"on {names.day(start)}"
    return f"{names.day(start)} to {names.day(last)}"


def timeline_text(result: Timeline) -> Styled:
    out = Styled()
    for weapon, where in result.combos:
        bands = [b for b in result.bands if (b.weapon, b.where) == (weapon, where)]
        out.line((f"{weapon} in {where_words(bands[0])}", "bold"), f"  ({describe(result)})")
        if len(bands) > 1 and readings_agree(bands):  # one table says it all
            names_ = ", ".join(b.reading or "" for b in bands[1:])
            bands = [replace(bands[0], reading=f"all readings ({names_} agree)")]
        for band in bands:
            out.line(f"  {band.reading or 'all readings'}:")
            for interval in band.intervals:
                out.line(f"    {interval_words(interval):<26} ", verdict_run(interval.verdict))
                for ref in interval.opened_by:
                    _ref_lines(out, ref, "      ")
    for window in result.windows:
        out.line(
            ("note:", "yellow"),
            f" the date of {window.rule} is known only to the month: strikes from "
            f"{names.day(window.first)} to {names.day(window.last)} are undetermined for it",
        )
    for note in result.notes:
        out.line((f"note: {note}", "dim"))
    return out


def timeline_markdown(result: Timeline) -> str:
    lines = [f"### Verdict over time ({describe(result)})", ""]
    lines += [
        "| weapon | territory | reading | dates | verdict | opened by |",
        "|---|---|---|---|---|---|",
    ]
    for band in result.bands:
        for interval in band.intervals:
            opened = "<br>".join(
                f"{r.title} ({r.event})" + (f': "{r.quote}" ({r.source})' if r.quote else "")
                for r in interval.opened_by
            )
            lines.append(
                f"| {band.weapon} | {where_words(band)} | {band.reading or 'all'} "
                f"| {interval_words(interval)} | **{interval.verdict}** | {opened} |"
            )
    lines.append("")
    lines += [
        f"- the date of `{w.rule}` is known only to the month: "
        f"{names.day(w.first)} to {names.day(w.last)}"
        for w in result.windows
    ]
    lines += [f"- {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def why_not_text(result: WhyNot) -> Styled:
    readings = " · ".join(f"{r} {v}" for r, v in result.readings.items())
    out = Styled().line(
        (result.scenario, "bold"),
        "  ",
        verdict_run(result.verdict, result.verdict.upper()),
        f"  ({readings})",
    )
    if result.alternatives:
        out.line("  what would give a different verdict (fewest changes first):")
    for number, alt in enumerate(result.alternatives, 1):
        what = " and ".join(c.label for c in alt.changes)
        out.line(f"  {number}. {what} → ", verdict_run(alt.verdict))
        for ref in alt.because:
            _ref_lines(out, ref, "       ")
    for note in result.notes:
        out.line("  ", (f"note: {note}", "dim"))
    out.line("  ", (f"{result.searched} variants evaluated", "dim"))
    return out


def why_not_markdown(result: WhyNot) -> str:
    lines = [f"### Why not? {result.scenario}: **{result.verdict}**", ""]
    lines += ["| # | change | verdict | because |", "|---|---|---|---|"]
    for number, alt in enumerate(result.alternatives, 1):
        what = " and ".join(c.label for c in alt.changes)
        because = "<br>".join(
            f"{r.title} ({r.event})" + (f': "{r.quote}"' if r.quote else "") for r in alt.because
        )
        lines.append(f"| {number} | {what} | **{alt.verdict}** | {because} |")
    lines += [f"\n{note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def as_json(result: Timeline | WhyNot) -> str:
    """Indented, unlike a verdict's one line: one result, read by people as often as not."""
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, dict[str, Callable[..., Rendered]]] = {
    "Timeline": {"text": timeline_text, "json": as_json, "markdown": timeline_markdown},
    "WhyNot": {"text": why_not_text, "json": as_json, "markdown": why_not_markdown},
}
