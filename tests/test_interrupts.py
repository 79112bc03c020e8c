"""Ctrl-C where Python cannot raise it (a finalizer, a library's error handling) is kept
for the next write, not printed with a traceback and lost."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest

from checker.commands.run import EXIT_INTERRUPTED, EXIT_OK, run
from checker.interrupts import keep_unraisable, uninterrupted
from checker.report.writer import Writer


class _Finalized:
    """An object whose finalizer is cut by Ctrl-C, as `on_interrupt` raises it there."""

    def __del__(self) -> None:
        raise KeyboardInterrupt


def test_a_ctrl_c_in_a_finalizer_is_raised_at_the_end_of_the_next_write() -> None:
    restore = keep_unraisable()
    try:
        _Finalized()  # dropped at once: its finalizer's KeyboardInterrupt cannot be raised
        with pytest.raises(KeyboardInterrupt), uninterrupted():
            pass
        with uninterrupted():  # raised once, not again
            pass
    finally:
        restore()


def test_any_other_unraisable_exception_goes_to_the_hook_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)
    restore = keep_unraisable()

    class Broken:
        def __del__(self) -> None:
            raise ValueError("broken")

    Broken()
    restore()
    assert [type(u.exc_value) for u in seen] == [ValueError]
    assert sys.unraisablehook == seen.append


def test_a_command_cut_in_a_finalizer_ends_as_interrupted_with_nothing_on_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()

    def command(writer: Writer) -> int:
        _Finalized()
        for line in ("one\n", "two\n"):
            writer.out(line)
        return EXIT_OK

    before = sys.unraisablehook
    sys.stdout, sys.stderr, saved = out, err, (sys.stdout, sys.stderr)
    try:
        code = run(command)
    finally:
        sys.stdout, sys.stderr = saved
    assert (code, out.getvalue(), err.getvalue()) == (EXIT_INTERRUPTED, "one\n", "")
    assert sys.unraisablehook is before


def test_a_command_run_off_the_main_thread_leaves_signals_and_hooks_alone() -> None:
    import signal
    import threading

    handler, hook = signal.getsignal(signal.SIGINT), sys.unraisablehook
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(run(lambda writer: 7)))
    thread.start()
    thread.join()
    assert codes == [7]
    assert (signal.getsignal(signal.SIGINT), sys.unraisablehook) == (handler, hook)
