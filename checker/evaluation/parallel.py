"""`--jobs N`: a JSON Lines file evaluated by N forked workers writing stdout in file order.

The file is cut into byte ranges of whole lines (`jsonl._tasks`); each worker reads its
own range, evaluates it through the memoised path, waits for its turn and writes its
output (stdout, and its problems on stderr) itself, so neither input nor output passes
through the parent. Output is written in whole lines only.

Ending is the parent's alone, and every worker ends with it:
- the workers ignore Ctrl-C (SIGINT is blocked from before they are forked until they
  ignore it); the parent, interrupted, raises the stop flag: a worker stops at its next
  line boundary, and one still alive after `STOP_GRACE` is terminated, then killed;
- a worker that cannot write (a closed pipe, a full disk) or meets a bug reports it and
  raises the stop flag, so no later range is written after the gap; the parent ends the
  others and raises the same error for `commands.run` to map to its exit code;
- a worker whose parent is gone ends at its next step.
Messages between them are small JSON documents over pipes: nothing is pickled.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import Location, Problem
from checker.evaluation.jsonl import JsonlEvaluator, check_jsonl_path, line_blocks

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, ForkProcess

TASK_BYTES = 1 << 18
"""Bytes of the file per task."""
STOP_GRACE = 0.5
"""Seconds a stopped worker has to finish its line before it is terminated."""
_WRITES = 16
"""Output chunks (each whole lines) per write; the stop flag is read between writes."""


class WorkerFailed(RuntimeError):
    """A worker ended without saying why (killed, out of memory): a bug, exit 3."""


class _Stopped(Exception):
    """The stop flag was raised: end without writing more."""


class _Shared:
    """What the workers share: whose turn it is to write, and the stop flag."""

    def __init__(self, context: ForkContext) -> None:
        self.turn = context.RawValue("q", 0)
        self.stop = context.RawValue("b", 0)
        self.cond = context.Condition()
        self.parent = os.getpid()

    def wait_turn(self, index: int) -> None:
        with self.cond:
            while self.turn.value != index:
                if self.stop.value or os.getppid() != self.parent:
                    raise _Stopped
                self.cond.wait(0.05)
        if self.stop.value:
            raise _Stopped

    def pass_turn(self) -> None:
        with self.cond:
            self.turn.value += 1
            self.cond.notify_all()


def evaluate_jsonl_parallel(
    path: str,
    evaluator: JsonlEvaluator,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Problem]:
    """`jsonl.evaluate_jsonl` in `jobs` processes that write their output to stdout themselves.

    Only for a regular file and output as bytes (JSON, or text and markdown from templates). Yields the problems the parent words (the
    workers write the lines' own problems to stderr, in order).
    """
    import multiprocessing
    import sys

    problem = check_jsonl_path(path)
    if problem is not None:
        evaluator.stats.bad += 1
        yield problem
        return
    total, done, lines = Path(path).stat().st_size, 0, 0
    sys.stdout.flush()
    sys.stderr.flush()
    crew = _Crew(multiprocessing.get_context("fork"), jobs, evaluator, path)
    try:
        crew.start()
        for count, bad, size in crew.results(_tasks(path)):
            lines += count
            evaluator.stats.lines += count
            evaluator.stats.bad += bad
            evaluator.stats.evaluated += count - bad
            done += size
            if progress is not None:
                progress(done, total)
    except BaseException:
        crew.end(abort=True)
        raise
    crew.end(abort=False)
    if lines == 0:
        evaluator.stats.bad += 1
        yield Problem(Location(path), "holds no scenarios (one JSON object per line)")


def _tasks(path: str) -> Iterator[list[int]]:
    offset = 0
    for index, (_, line, covered) in enumerate(line_blocks(path, TASK_BYTES)):
        yield [index, offset, offset + covered, line]
        offset += covered


class _Crew:
    """The worker processes of one file, each with its own pipe to the parent."""

    def __init__(
        self, context: ForkContext, jobs: int, evaluator: JsonlEvaluator, path: str
    ) -> None:
        self.context, self.jobs, self.evaluator, self.path = context, jobs, evaluator, path
        self.shared = _Shared(context)
        self.workers: list[tuple[ForkProcess, Connection]] = []

    def start(self) -> None:
        # Forked with SIGINT blocked: a Ctrl-C before a worker ignores it reaches the parent.
        blocked = _block_interrupts()
        try:
            for _ in range(self.jobs):
                mine, theirs = self.context.Pipe()
                process = self.context.Process(
                    target=_serve,
                    args=(theirs, mine, self.shared, self.evaluator, self.path),
                    daemon=True,
                )
                process.start()
                theirs.close()
                self.workers.append((process, mine))
        finally:
            if blocked:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def results(self, tasks: Iterator[list[int]]) -> Iterator[tuple[int, int, int]]:
        """Each task's (lines, bad lines, bytes), as workers finish them; a worker's
        error raised here."""
        busy: dict[Connection, int] = {}

        def give(conn: Connection) -> None:
            task = next(tasks, None)
            if task is not None:
                conn.send_bytes(json.dumps(task).encode())
                busy[conn] = task[0]

        for _, conn in self.workers:
            give(conn)
        while busy:
            for ready in wait(list(busy)):
                assert isinstance(ready, Connection)
                busy.pop(ready)
                try:
                    reply = json.loads(ready.recv_bytes())
                except (EOFError, OSError):
                    raise WorkerFailed("a worker ended unexpectedly") from None
                if "counts" not in reply:
                    raise _error(reply)
                yield tuple(reply["counts"])
                give(ready)

    def end(self, *, abort: bool) -> None:
        """End every worker: told to quit (all done), or stopped, terminated and killed."""
        with _interrupt_deferred():
            if abort:
                self.shared.stop.value = 1
            deadline = time.monotonic() + (STOP_GRACE if abort else 10.0)
            for process, conn in self.workers:
                with contextlib.suppress(OSError):
                    conn.send_bytes(b"")  # quit when idle
                if not abort:  # one at a time: each keeps what it learnt, merged with the last
                    process.join(max(0.0, deadline - time.monotonic()))
            for process, _ in self.workers:
                process.join(max(0.0, deadline - time.monotonic()))
            for process, _ in self.workers:
                if process.is_alive():
                    process.terminate()
            for process, _ in self.workers:
                process.join(0.5)
                if process.is_alive():
                    process.kill()
                    process.join()
            for _, conn in self.workers:
                conn.close()


def _block_interrupts() -> bool:
    if threading.current_thread() is not threading.main_thread():
        return False
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    return True


@contextlib.contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """A Ctrl-C while the workers are ended is kept, and raised once they all are."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda *_: caught.append(1))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _error(reply: dict[str, Any]) -> BaseException:
    if reply.get("pipe"):
        return BrokenPipeError()
    if "errno" in reply:
        return OSError(reply["errno"], reply["strerror"])
    return WorkerFailed(str(reply.get("bug", "a worker failed")))


# --------------------------------------------------------------------------- workers


def _serve(
    conn: Connection, parents: Connection, shared: _Shared, evaluator: JsonlEvaluator, path: str
) -> None:
    """A worker: take tasks until told to quit, each range's output written in its turn."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    parents.close()  # the parent's end of this pipe, and nothing else of it, in this process
    _steady_heap()
    while True:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if not message and not shared.stop.value:
            # All done: what this worker's engine decided and rendered is kept for every
            # later run (the parent never sees the workers' memos). The parent ends the
            # workers one at a time, so each merges with what the last one kept.
            with contextlib.suppress(OSError):  # best effort, as `commands.run` keeps them
                evaluator.memo.save()
        if not message or shared.stop.value:
            return
        reply: dict[str, Any]
        try:
            reply = {"counts": _work(json.loads(message), shared, evaluator, path)}
        except _Stopped:
            return
        except BrokenPipeError:
            reply = {"pipe": True}
        except OSError as err:
            reply = {"errno": err.errno, "strerror": err.strerror}
        except Exception as err:  # noqa: BLE001  # a bug: said, and the run ends with exit 3
            reply = {"bug": f"{type(err).__name__}: {str(err)[:300]}"}
        if "counts" not in reply:
            shared.stop.value = 1  # nothing is written after the gap this leaves
        with contextlib.suppress(OSError):
            conn.send_bytes(json.dumps(reply).encode())
        if "counts" not in reply:
            return


HEAP_KEPT = 64 << 20
"""Freed memory a worker keeps for its next task rather than returning it to the system."""


def _steady_heap() -> None:
    """Keep a worker's task buffers in its heap (glibc's malloc; elsewhere, nothing to do).

    A worker holds a task's output (a few MB) until its turn to write, then frees it. With
    glibc's default thresholds, buffers that size are mapped and unmapped, or the heap is
    trimmed, at every task, and the next task faults every page in again (half a million
    page faults for 1M lines, a quarter of the run). Buffers below `HEAP_KEPT` come from
    the heap instead, and up to that much freed memory stays for the next task.
    """
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(-3, HEAP_KEPT // 2)  # M_MMAP_THRESHOLD
    mallopt(-1, HEAP_KEPT)  # M_TRIM_THRESHOLD


def _work(task: list[int], shared: _Shared, evaluator: JsonlEvaluator, path: str) -> list[int]:
    index, start, end, first_line = task
    before_lines, before_bad = evaluator.stats.lines, evaluator.stats.bad
    outs: list[bytes] = []
    errors: list[str] = []
    for block, line, _ in line_blocks(path, 1 << 20, start, end, first_line):
        for item in evaluator.lines(path, block, line):
            if isinstance(item, bytes):
                outs.append(item)
            elif isinstance(item, Problem):
                errors.append(str(item) + "\n")
    shared.wait_turn(index)
    _write_all(1, outs, shared)
    _write_all(2, ["".join(errors).encode()], shared)
    shared.pass_turn()
    return [evaluator.stats.lines - before_lines, evaluator.stats.bad - before_bad, end - start]


def _write_all(fd: int, chunks: list[bytes], shared: _Shared) -> None:
    """Write every chunk (each whole lines), in order, without joining them first; the
    stop flag is read between writes, so a stopped worker leaves no line half written."""
    views = [memoryview(chunk) for chunk in chunks if chunk]
    start = 0
    while start < len(views):
        if shared.stop.value:
            raise _Stopped
        end = min(start + _WRITES, len(views))
        while start < end:  # one batch, whole: a partial write is finished first
            written = os.writev(fd, views[start:end])
            while written:
                size = len(views[start])
                if written < size:
                    views[start] = views[start][written:]
                    break
                written -= size
                start += 1
