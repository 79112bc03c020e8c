"""`checker report` (and `checker eval --format html`): one self-contained HTML page of
verdicts, with the source articles highlighted and each scenario's timeline."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from checker.errors import CheckerError, Location
from checker.model.verdict import Verdict
from checker.report.writer import Writer

if TYPE_CHECKING:
    from checker.model.rulebook import Rulebook


def report(
    writer: Writer,
    paths: list[str],
    *,
    output: str | None = None,
    reading: str | None = None,
    rules: str | None = None,
) -> int:
    """Evaluate every path and write the HTML page to `output` (stdout for None or -);
    2 if any input was bad (its problems on stderr, the page made of the others; no page
    when no input could be evaluated)."""
    from checker.commands.project import rulebook
    from checker.explore.report import build_report
    from checker.report.registry import render

    target = None if output in (None, "-") else Path(output)
    if target is not None and not target.parent.exists():
        raise CheckerError.at(Location("--output"), f"'{target.parent}': no such folder")
    book = rulebook(rules)
    verdicts, bad = _verdicts(writer, paths, book, reading)
    if bad and not verdicts:  # nothing to show: no page, rather than an empty one
        return 2
    page = str(render(build_report(book, verdicts), "html"))
    if target is None:
        writer.out(page, data=True)
    else:
        partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            partial.write_text(page, encoding="utf-8")
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        writer.err(f"wrote {target} ({len(verdicts)} scenarios)\n")
    return 2 if bad else 0


def _verdicts(
    writer: Writer, paths: list[str], book: Rulebook, reading: str | None
) -> tuple[list[Verdict], int]:
    """Every verdict, in the order of the paths; and the number of bad inputs."""
    from checker.evaluation.batch import evaluate_paths
    from checker.evaluation.jsonl import JsonlEvaluator, evaluate_jsonl
    from checker.read.scenario import is_jsonl

    verdicts: list[Verdict] = []
    bad = 0
    for path in paths:
        if is_jsonl(path):
            evaluator = JsonlEvaluator(book, reading=reading, json_out=False)
            for item in evaluate_jsonl(path, evaluator):
                if isinstance(item, Verdict):
                    verdicts.append(item)
                elif not isinstance(item, bytes):
                    writer.problem(item)
            bad += evaluator.stats.bad
            continue
        for result in evaluate_paths([path], book, reading=reading):
            if result.verdict is None:
                bad += 1
                for problem in result.problems:
                    writer.problem(problem)
            else:
                verdicts.append(result.verdict)
    return verdicts, bad
