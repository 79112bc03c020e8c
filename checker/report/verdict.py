"""Renderers: small functions from a Verdict to text, in one registry that feeds `--format`.

Text uses rich markup (styled on a terminal, plain when piped); JSON is one object per
line; markdown pastes into a report or a pull-request comment.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from checker.markup import escape  # rich's own, without importing rich (see checker.markup)
from checker.model.verdict import SourceRef, Verdict

STYLE = {"permitted": "bold green", "prohibited": "bold red", "undetermined": "bold yellow"}


def text(verdict: Verdict) -> str:
    style = STYLE[verdict.verdict]
    lines = [f"[bold]{escape(verdict.scenario)}[/]  [{style}]{verdict.verdict.upper()}[/]"]
    if len(verdict.results) > 1:
        lines.append(
            "  readings: "
            + " · ".join(f"{r.reading} [{STYLE[r.verdict]}]{r.verdict}[/]" for r in verdict.results)
        )
    else:
        lines.append(f"  reading: {verdict.results[0].reading}")
    lines.append("  why:")
    lines.extend(_bullet(reason) for reason in verdict.reasons)
    lines.append(f"  rules: {' → '.join(verdict.rules)}")
    lines.append("  sources:")
    lines.extend(_source_line(ref) for ref in _by_quote(verdict.sources))
    if verdict.feasibility is not None:
        lines.append(f"  feasibility: {_feasibility(verdict)}")
    lines.extend(f"  [yellow]warning:[/] {escape(w)}" for w in verdict.warnings)
    return "\n".join(lines) + "\n"


def _bullet(reason: str) -> str:
    depth = len(reason) - len(reason.lstrip(" "))
    return f"  {'  ' * (depth // 2)}- {escape(reason.strip())}"


def _by_quote(sources: tuple[SourceRef, ...]) -> list[SourceRef]:
    seen: dict[str, SourceRef] = {}
    for ref in sources:
        seen.setdefault(ref.quote, ref)
    return list(seen.values())


def _source_line(ref: SourceRef) -> str:
    return (
        f'    - {escape(f"[{ref.rule}]")} "{escape(ref.quote)}" [dim]— {escape(ref.title)}, '
        f"{ref.published} ({ref.evidence})[/]"
    )


def _feasibility(verdict: Verdict) -> str:
    f = verdict.feasibility
    assert f is not None
    reach = "within range" if f.within_range else "[yellow]beyond range[/]"
    return (
        f"{f.distance_km:.0f} km from launch to target; range {f.range_km:.0f} km "
        f"({f.range_stated}): {reach}, margin {f.margin_km:+.0f} km"
    )


def as_json(verdict: Verdict) -> str:
    return json.dumps(verdict.to_dict(), ensure_ascii=False) + "\n"


def markdown(verdict: Verdict) -> str:
    lines = [f"### {verdict.scenario}: **{verdict.verdict}**", ""]
    if len(verdict.results) > 1:
        lines += ["| reading | verdict |", "|---|---|"]
        lines += [f"| {r.reading} | {r.verdict} |" for r in verdict.results]
        lines.append("")
    lines.append("**Why**")
    lines.append("")
    for reason in verdict.reasons:
        depth = len(reason) - len(reason.lstrip(" "))
        lines.append(f"{'  ' * (depth // 2)}- {reason.strip()}")
    lines += [
        "",
        f"**Rules:** {' → '.join(f'`{r}`' for r in verdict.rules)}",
        "",
        "**Sources**",
        "",
    ]
    for ref in _by_quote(verdict.sources):
        lines.append(f'> "{ref.quote}"  ')
        lines.append(f"> — *{ref.title}*, {ref.published} ({ref.evidence}; `{ref.rule}`)")
        lines.append("")
    if verdict.feasibility is not None:
        f = verdict.feasibility
        reach = "within range" if f.within_range else "**beyond range**"
        lines.append(
            f"**Feasibility:** {f.distance_km:.0f} km to target, range {f.range_km:.0f} km"
            f" ({f.range_stated}): {reach}"
        )
        lines.append("")
    lines.extend(f"**Warning:** {w}\n" for w in verdict.warnings)
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[Verdict], str]] = {
    "text": text,
    "json": as_json,
    "markdown": markdown,
}


def stderr_warnings(verdict: Verdict, format: str, stdout_is_terminal: bool) -> list[str]:
    """Warnings to repeat on stderr: in text mode when stdout is piped or redirected, so a
    target beyond range is not lost in a file (on a terminal the text already shows it)."""
    if format != "text" or stdout_is_terminal:
        return []
    where = verdict.file or verdict.scenario
    return [f"{escape(where)}: [yellow]warning:[/] {escape(w)}" for w in verdict.warnings]
