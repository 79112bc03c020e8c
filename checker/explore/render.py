"""Renderers for timelines and why-not answers: rich text, Markdown and JSON.

Owns how each result is written for people (the text carries rich markup for the
terminal, escaped here) or programs (`as_json`), and the format-name tables the CLI looks
them up in (`TIMELINE_RENDERERS`, `WHY_NOT_RENDERERS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from checker.explore.refs import RuleRef
from checker.explore.timeline import Timeline
from checker.explore.whynot import WhyNot

_STYLE = {"permitted": "bold green", "prohibited": "bold red", "undetermined": "bold yellow"}


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _ref_line(ref: RuleRef, indent: str) -> list[str]:
    if ref.rule == "assume.consent":
        return [f"{indent}- {_esc(ref.title)}"]
    lines = [f"{indent}- {_esc(ref.rule)}: {_esc(ref.title)} ({_esc(ref.event)})"]
    if ref.quote:
        lines.append(
            f'{indent}  [dim]"{_esc(ref.quote)}" — {_esc(ref.source or "")}, {ref.published}[/]'
        )
    return lines


def timeline_text(result: Timeline) -> str:
    lines: list[str] = []
    for weapon, where in result.combos:
        lines.append(f"[bold]{_esc(weapon)} on {_esc(where)}[/]  ({_esc(result.describe())})")
        bands = [b for b in result.bands if (b.weapon, b.where) == (weapon, where)]
        agree = len(bands) > 1 and all(
            [(i.start, i.verdict) for i in b.intervals]
            == [(i.start, i.verdict) for i in bands[0].intervals]
            for b in bands
        )
        if agree:  # one table says it all
            names = ", ".join(b.reading or "" for b in bands[1:])
            bands = [replace(bands[0], reading=f"all readings ({names} agree)")]
        for band in bands:
            lines.append(f"  {_esc(band.reading or 'all readings')}:")
            for interval in band.intervals:
                style = _STYLE[interval.verdict]
                lines.append(f"    {interval.label():<26} [{style}]{interval.verdict}[/]")
                for ref in interval.opened_by:
                    lines += _ref_line(ref, "      ")
    for window in result.windows:
        lines.append(
            f"[yellow]note:[/] {window.rule} is known only to the month: strikes from "
            f"{window.first} to {window.last} are undetermined for it"
        )
    lines += [f"[dim]note: {_esc(note)}[/]" for note in result.notes]
    return "\n".join(lines) + "\n"


def timeline_markdown(result: Timeline) -> str:
    lines = [f"### Verdict over time ({result.describe()})", ""]
    lines += [
        "| weapon | territory | reading | dates | verdict | opened by |",
        "|---|---|---|---|---|---|",
    ]
    for band in result.bands:
        for interval in band.intervals:
            opened = "<br>".join(
                f'`{r.rule}` {r.event}: "{r.quote}" ({r.source}, {r.published})'
                for r in interval.opened_by
            )
            lines.append(
                f"| {band.weapon} | {band.where} | {band.reading or 'all'} | {interval.label()} "
                f"| **{interval.verdict}** | {opened} |"
            )
    lines.append("")
    lines += [f"- month-precision window: `{w.rule}` {w.first} to {w.last}" for w in result.windows]
    lines += [f"- {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def why_not_text(result: WhyNot) -> str:
    style = _STYLE[result.verdict]
    readings = " · ".join(f"{r} {v}" for r, v in result.readings.items())
    lines = [
        f"[bold]{_esc(result.scenario)}[/]  [{style}]{result.verdict.upper()}[/]  ({readings})",
    ]
    if result.alternatives:
        lines.append("  what would give a different verdict (fewest changes first):")
    for number, alt in enumerate(result.alternatives, 1):
        what = " and ".join(c.label for c in alt.changes)
        lines.append(f"  {number}. {_esc(what)} → [{_STYLE[alt.verdict]}]{alt.verdict}[/]")
        for ref in alt.because:
            lines += _ref_line(ref, "       ")
    lines += [f"  [dim]note: {_esc(note)}[/]" for note in result.notes]
    lines.append(f"  [dim]{result.searched} variants evaluated[/]")
    return "\n".join(lines) + "\n"


def why_not_markdown(result: WhyNot) -> str:
    lines = [f"### Why not? {result.scenario}: **{result.verdict}**", ""]
    lines += ["| # | change | verdict | because |", "|---|---|---|---|"]
    for number, alt in enumerate(result.alternatives, 1):
        what = " and ".join(c.label for c in alt.changes)
        because = "<br>".join(
            f"`{r.rule}` {r.event}" + (f': "{r.quote}"' if r.quote else "") for r in alt.because
        )
        lines.append(f"| {number} | {what} | **{alt.verdict}** | {because} |")
    lines += [f"\n{note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def as_json(result: Timeline | WhyNot) -> str:
    import json

    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


TIMELINE_RENDERERS: dict[str, Callable[[Timeline], str]] = {
    "text": timeline_text,
    "json": as_json,
    "markdown": timeline_markdown,
}
WHY_NOT_RENDERERS: dict[str, Callable[[WhyNot], str]] = {
    "text": why_not_text,
    "json": as_json,
    "markdown": why_not_markdown,
}
