"""The engine in a child process, for properties that compile thousands of rulebooks.

durable_rules 2.0.28 never frees a compiled regular expression (about 20 kB each; one
rulebook's rulesets hold dozens), so compiling 20,000 generated rulebooks in the test
process ran it out of memory. The child is replaced every `RESTART_EVERY` rulebooks, which
returns what it leaked; a crash inside the C engine fails the one test instead of pytest.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from multiprocessing.connection import Connection
from typing import Any

RESTART_EVERY = 100


def _serve(conn: Connection) -> None:
    import checker
    from checker.read.scenario import scenario_of

    from .oracle import outcome_of
    from .strategies import book_of

    while (request := conn.recv()) is not None:
        files, cases, reading = request
        book = book_of(files)
        results: list[Any] = []
        for case in cases:
            try:
                verdict = checker.evaluate(book, scenario_of(case), reading=reading)
                results.append(outcome_of(verdict))
            except Exception as err:  # noqa: BLE001 - any failure goes back to the test
                results.append(f"{type(err).__name__}: {err}")
        conn.send(results)


class EngineProcess:
    """Evaluates (rule data, scenarios, reading) in a child process, restarted regularly."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._conn: Connection | None = None
        self._served = 0

    def outcomes(
        self, files: dict[str, Any], cases: list[dict[str, Any]], reading: str | None
    ) -> list[Any]:
        if self._conn is None or self._served >= RESTART_EVERY:
            self.close()
            self._start()
        assert self._conn is not None
        self._served += 1
        self._conn.send((files, cases, reading))
        try:
            return list(self._conn.recv())
        except EOFError:
            code = self._process.exitcode if self._process else None
            self._conn = None
            raise AssertionError(f"the engine process died (exit code {code})") from None

    def _start(self) -> None:
        self._conn, child = self._context.Pipe()
        self._process = self._context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()
        self._served = 0

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError):  # the child may be gone already
                self._conn.send(None)
            self._conn.close()
        if self._process is not None:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.kill()
        self._conn = self._process = None
