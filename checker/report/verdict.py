"""Renderers of a verdict: text (styled runs), JSON (one object per line) and markdown."""

from __future__ import annotations

from checker.model.verdict import SourceRef, Verdict
from checker.report.registry import as_json
from checker.report.styled import Styled, verdict_run


def text(verdict: Verdict) -> Styled:
    out = Styled()
    out.line(
        (verdict.scenario, "bold"), "  ", verdict_run(verdict.verdict, verdict.verdict.upper())
    )
    if len(verdict.results) > 1:
        out.add("  readings: ")
        for index, result in enumerate(verdict.results):
            out.add(" · " if index else "").add(f"{result.reading} ")
            out.add(*verdict_run(result.verdict))
        out.add("\n")
    else:
        out.line(f"  reading: {verdict.results[0].reading}")
    out.line("  why:")
    for reason in verdict.reasons:
        depth = len(reason) - len(reason.lstrip(" "))
        out.line(f"  {'  ' * (depth // 2)}- {reason.strip()}")
    out.line(f"  rules: {' → '.join(verdict.rules)}")
    out.line("  sources:")
    for ref in _by_quote(verdict.sources):
        out.line(
            f'    - [{ref.rule}] "{ref.quote}" ',
            (f"— {ref.title}, {ref.published} ({ref.evidence})", "dim"),
        )
    if verdict.feasibility is not None:
        f = verdict.feasibility
        out.add(
            f"  feasibility: {f.distance_km:.0f} km from launch to target; "
            f"range {f.range_km:.0f} km ({f.range_stated}): "
        )
        out.add(*(("within range", "") if f.within_range else ("beyond range", "yellow")))
        out.line(f", margin {f.margin_km:+.0f} km")
    for warning in verdict.warnings:
        out.line("  ", ("warning:", "yellow"), f" {warning}")
    return out


def _by_quote(sources: tuple[SourceRef, ...]) -> list[SourceRef]:
    seen: dict[str, SourceRef] = {}
    for ref in sources:
        seen.setdefault(ref.quote, ref)
    return list(seen.values())


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


RENDERERS = {"Verdict": {"text": text, "json": as_json, "markdown": markdown}}


def stderr_warnings(verdict: Verdict, format: str, stdout_is_terminal: bool) -> list[Styled]:
    """Warnings to repeat on stderr: in text mode when stdout is piped or redirected, so a
    target beyond range is not lost in a file (on a terminal the text already shows it)."""
    if format != "text" or stdout_is_terminal:
        return []
    where = verdict.file or verdict.scenario
    return [Styled().line(f"{where}: ", ("warning:", "yellow"), f" {w}") for w in verdict.warnings]
