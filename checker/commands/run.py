"""The one map from how a command ended to its exit code.

0 done (whatever the verdicts); 1 a check failed (the command's own answer); 2 bad input
or usage (`CheckerError`, every problem on stderr) or output that cannot be written (one
line); 130 interrupted; 141 the reader of stdout went away (a closed pipe: quietly);
3 anything else, which is a bug: one line, and the traceback only with `--debug`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from checker.errors import CheckerError, printable
from checker.interrupts import keep_unraisable, on_interrupt, uninterrupted
from checker.report.writer import Writer

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_BUG = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_CLOSED_PIPE = 130, 141
_WRITE_ERRORS = frozenset((errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO))
"""Errors of a write that no retry mends: the output is lost, which is the user's to know."""


def run(
    command: Callable[[Writer], int],
    *,
    debug: bool = False,
    passthrough: tuple[type[BaseException], ...] = (),
) -> int:
    """Run `command` with a fresh writer; its exit code, whatever happens.

    `passthrough`: exceptions left to the caller (the Typer app's own exit and abort).
    """
    writer = Writer()
    previous = _catch_interrupts()
    try:
        try:
            return command(writer)
        finally:
            with uninterrupted():
                _keep_decisions()
    except passthrough:
        raise
    except CheckerError as err:
        for problem in err.problems:
            writer.problem(problem)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_CLOSED_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except OSError as err:
        if err.errno in _WRITE_ERRORS:
            _silence_stdout()
            _say(f"checker: cannot write the output: {err.strerror}")
            return EXIT_BAD_INPUT
        if debug:
            raise
        return _bug(err)
    except Exception as err:
        if debug:
            raise
        return _bug(err)
    finally:
        if previous is not None:
            handler, restore_hook = previous
            signal.signal(signal.SIGINT, handler)
            restore_hook()


def _catch_interrupts() -> tuple[Any, Callable[[], None]] | None:
    """Ctrl-C as KeyboardInterrupt for the command (never cutting a write in two, never
    lost where Python cannot raise it), from the main thread; what it replaces, to
    restore, or None."""
    try:
        handler = signal.signal(signal.SIGINT, on_interrupt)
    except ValueError:  # not the main thread: signals are the main thread's
        return None
    return handler, keep_unraisable()


def _keep_decisions() -> None:
    """What the engine decided in this run, written to the decision tables for the next."""
    memo = sys.modules.get("checker.evaluation.memo")  # nothing to keep if never imported
    if memo is not None:
        with contextlib.suppress(OSError):
            memo.save_all()


def _bug(err: BaseException) -> int:
    _say(
        f"checker: internal error: {type(err).__name__}: {str(err)[:300]} "
        "(run with --debug for the traceback)"
    )
    return EXIT_BUG


def _say(line: str) -> None:
    try:
        sys.stderr.write(printable(line) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr is gone too: the exit code says it


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
