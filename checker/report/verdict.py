"""Renderers of a verdict: text (styled runs), JSON (one object per line) and markdown."""

from __future__ import annotations

from datetime import date

from checker.model import names
from checker.model.rulebook import Rulebook
from checker.model.verdict import Reason, Verdict
from checker.report.registry import as_json
from checker.report.styled import Styled, verdict_run


def text(verdict: Verdict) -> Styled:
    """The summary first, then each reason with the sentence it rests on, then caveats."""
    out = Styled()
    out.line(
        (verdict.scenario, "bold"), "  ", verdict_run(verdict.verdict, verdict.verdict.upper())
    )
    out.line(f"  {verdict.summary}")
    if len(verdict.results) > 1:
        out.add("  readings: ")
        for index, result in enumerate(verdict.results):
            out.add(" · " if index else "").add(f"{result.reading} ")
            out.add(*verdict_run(result.verdict))
        out.add("\n")
    else:
        out.line(f"  reading: {verdict.results[0].reading}")
    out.line("  why:")
    titles = _titles(verdict)
    for reason in verdict.reasons:
        lead = f"[{reason.reading}] " if reason.reading else ""
        out.line(f"  - {lead}{reason.text}")
        if reason.quote:
            out.line(
                "      ", (f"{_quoted(reason)} — {titles.get(reason.source or '', '')}", "dim")
            )
    if verdict.caveats:
        out.line("  caveats:")
        for caveat in verdict.caveats:
            out.line("  - ", ("note:", "yellow"), f" {caveat.text}")
    out.line(f"  rules: {' → '.join(verdict.rules)}")
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


def rulebook_line(book: Rulebook) -> Styled:
    """`rulebook: FOLDER (DIGEST)`: the first line of text output, when the rulebook is not
    the shipped one (the digest is the start of the rule files' content fingerprint)."""
    digest = f" ({book.fingerprint[:8]})" if book.fingerprint else ""
    return Styled().line(("rulebook:", "dim"), f" {book.root}{digest}")


def _quoted(reason: Reason) -> str:
    return f'"{reason.quote}" ({reason.evidence})'


def _titles(verdict: Verdict) -> dict[str, str]:
    """Each source by id: its title and publication day, as a citation reads."""
    return {
        ref.source: f"{ref.title}, {names.day(date.fromisoformat(ref.published))}"
        for ref in verdict.sources
    }


def markdown(verdict: Verdict) -> str:
    lines = [f"### {verdict.scenario}: **{verdict.verdict}**", "", verdict.summary, ""]
    if len(verdict.results) > 1:
        lines += ["| reading | verdict |", "|---|---|"]
        lines += [f"| {r.reading} | {r.verdict} |" for r in verdict.results]
        lines.append("")
    lines += ["**Why**", ""]
    titles = _titles(verdict)
    for reason in verdict.reasons:
        lead = f"*{reason.reading}:* " if reason.reading else ""
        lines.append(f"- {lead}{reason.text}")
        if reason.quote:
            quote = reason.quote
            if reason.highlight and reason.highlight in quote:
                quote = quote.replace(reason.highlight, f"**{reason.highlight}**", 1)
            source = titles.get(reason.source or "", "")
            lines.append(f'  > "{quote}" — *{source}* ({reason.evidence})')
    lines.append("")
    if verdict.caveats:
        lines += ["**Caveats**", ""]
        lines += [f"- {caveat.text}" for caveat in verdict.caveats]
        lines.append("")
    lines += [f"**Rules:** {' → '.join(f'`{r}`' for r in verdict.rules)}", ""]
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
