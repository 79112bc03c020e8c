"""`checker eval`: evaluate scenario files, folders, stdin and JSON Lines files."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING

from checker.errors import Problem
from checker.model.rulebook import Rulebook
from checker.report.writer import Writer

if TYPE_CHECKING:
    from checker.model.verdict import Verdict
    from checker.report.registry import Rendered

FORMATS = ("text", "json", "markdown", "html")


def eval_paths(
    writer: Writer,
    paths: list[str],
    *,
    format: str = "text",
    reading: str | None = None,
    rules: str | None = None,
    jobs: int | None = None,
) -> int:
    """Evaluate every path in order and write each verdict; 2 if any input was bad."""
    if format == "html":  # one page for every verdict, not one text each
        from checker.commands.report import report

        return report(writer, paths, reading=reading, rules=rules)
    from checker.commands.project import name_rulebook
    from checker.commands.project import rulebook as find
    from checker.read.lines import is_jsonl

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
    jobs: int | None,
) -> int:
    """Stream one JSON Lines file; the number of bad lines."""
    from checker.evaluation.jsonl import STDIN, JsonlEvaluator, evaluate_jsonl

    def render(verdict: Verdict) -> Rendered:
        # looked up when first needed: JSON from kept templates renders no verdict
        from checker.report.registry import renderer

        return renderer("Verdict", format)(verdict)

    as_bytes = format == "json" or writer.stdout_takes_text_bytes
    evaluator = JsonlEvaluator(
        rulebook,
        reading=reading,
        json_out=format == "json",
        render=(lambda v: str(render(v))) if as_bytes else None,
    )
    # What is loaded by now (rulebook, table, templates) is out of the cycle collector's
    # reach while lines stream by: every full collection would walk it again, and forked
    # workers would copy its pages. A process-wide step, so the command takes it, for this
    # file only, and gives it back (a caller's later garbage cycles stay collectable).
    gc.freeze()
    try:
        bar = writer.progress(path)
        if jobs is None:
            jobs = auto_jobs(path, table_kept=evaluator.memo.table.kept())
        jobs = jobs or (os.cpu_count() or 1)
        if jobs > 1 and as_bytes and path != STDIN:
            from checker.evaluation.parallel import evaluate_jsonl_parallel

            for problem in evaluate_jsonl_parallel(path, evaluator, jobs, bar):
                writer.problem(problem)
        else:
            data = format == "json"
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
    finally:
        gc.unfreeze()
    return evaluator.stats.bad


PARALLEL_FROM_BYTES = 4 << 20
"""A JSON Lines file at least this large (about 25k lines) is split among the cores by
default: below it, starting workers costs more than they save."""
PARALLEL_COLD_FROM_BYTES = 512 << 10
"""The same while no decision table is kept for the rules (their first run, or the cache
off): the engine then decides each class met, and workers share that work from a file of
about 3k lines (two parts of `parallel.TASK_BYTES`)."""


def auto_jobs(path: str, cores: int | None = None, *, table_kept: bool = True) -> int:
    """The default `--jobs` for one JSON Lines file: 1 for a small file (or stdin), one
    worker per core for a large one (decided by its size: a stat, not a read)."""
    cores = cores if cores is not None else (os.cpu_count() or 1)
    try:
        size = Path(path).stat().st_size if path != "-" else 0
    except OSError:
        return 1
    return cores if size >= (PARALLEL_FROM_BYTES if table_kept else PARALLEL_COLD_FROM_BYTES) else 1
