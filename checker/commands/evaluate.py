"""`checker eval`: evaluate scenario files, folders, stdin and JSON Lines files."""

from __future__ import annotations

import os

from checker.errors import Problem
from checker.model.rulebook import Rulebook
from checker.report.writer import Writer

FORMATS = ("text", "json", "markdown")


def eval_paths(
    writer: Writer,
    paths: list[str],
    *,
    format: str = "text",
    reading: str | None = None,
    rules: str | None = None,
    jobs: int = 1,
) -> int:
    """Evaluate every path in order and write each verdict; 2 if any input was bad."""
    from checker.commands.project import name_rulebook
    from checker.commands.project import rulebook as find
    from checker.read.scenario import is_jsonl

    rulebook = find(rules)
    name_rulebook(writer, rulebook, format)
    bad = 0
    pending: list[str] = []
    for index, path in enumerate(paths):
        if not is_jsonl(path):
            pending.append(path)
            if index + 1 < len(paths):
                continue
        if pending:
            bad += _eval_files(writer, pending, rulebook, format, reading)
            pending = []
        if is_jsonl(path):
            bad += _eval_jsonl(writer, path, rulebook, format, reading, jobs)
    return 2 if bad else 0


def _eval_files(
    writer: Writer, paths: list[str], rulebook: Rulebook, format: str, reading: str | None
) -> int:
    """Scenario files and folders, one verdict each; the number of bad files."""
    from checker.evaluation.batch import evaluate_paths
    from checker.report.registry import renderer
    from checker.report.verdict import stderr_warnings

    render, data, bad = renderer("Verdict", format), format == "json", 0
    for result in evaluate_paths(paths, rulebook, reading=reading):
        if result.verdict is None:
            bad += 1
            for problem in result.problems:
                writer.problem(problem)
            continue
        writer.out(render(result.verdict), data=data)
        for line in stderr_warnings(result.verdict, format, writer.stdout_is_terminal):
            writer.err(line)
    return bad


def _eval_jsonl(
    writer: Writer,
    path: str,
    rulebook: Rulebook,
    format: str,
    reading: str | None,
    jobs: int,
) -> int:
    """Stream one JSON Lines file; the number of bad lines."""
    from checker.evaluation.jsonl import STDIN, JsonlEvaluator, evaluate_jsonl
    from checker.evaluation.parallel import evaluate_jsonl_parallel
    from checker.report.registry import renderer

    evaluator = JsonlEvaluator(rulebook, reading=reading, json_out=format == "json")
    bar = writer.progress(path)
    if jobs == 0:  # one worker per core
        jobs = os.cpu_count() or 1
    if jobs > 1 and format == "json" and path != STDIN:
        for problem in evaluate_jsonl_parallel(path, evaluator, jobs, bar):
            writer.problem(problem)
    else:
        render, data = renderer("Verdict", format), format == "json"
        for item in evaluate_jsonl(path, evaluator, bar):
            if isinstance(item, bytes):
                writer.out_bytes(item)
            elif isinstance(item, Problem):
                if bar is not None:
                    bar.clear()
                writer.problem(item)
            else:
                writer.out(render(item), data=data)
    if bar is not None:
        bar.clear()
    return evaluator.stats.bad
