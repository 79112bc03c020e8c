"""Ctrl-C at a safe moment: never in the middle of a write, and never lost.

While a command runs (`checker.commands.run`), SIGINT raises KeyboardInterrupt through
`on_interrupt`. Inside `uninterrupted()` it is kept until the block is done, so a result
being written stays whole. Where Python cannot raise it (a finalizer, or a library's own
handling of an error its Python callback raised, as pydantic's is) it used to be printed
as an ignored exception, with a traceback, and lost: `keep_unraisable` keeps it instead,
for the end of the next uninterrupted block (every write is one).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any


class _Interrupts:
    """How many blocks are running uninterrupted, and whether a Ctrl-C waits for them."""

    blocks = 0
    pending = False


def on_interrupt(signum: int, frame: Any) -> None:
    """The SIGINT handler while a command runs: KeyboardInterrupt, at once or after the
    uninterrupted blocks running."""
    if _Interrupts.blocks:
        _Interrupts.pending = True
        return
    raise KeyboardInterrupt


def keep_unraisable() -> Callable[[], None]:
    """Install the hook that keeps a KeyboardInterrupt Python could not raise (any other
    unraisable exception goes to the hook before it); a function that puts that back."""
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            _Interrupts.pending = True
            return
        previous(unraisable)

    sys.unraisablehook = hook

    def restore() -> None:
        sys.unraisablehook = previous

    return restore


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """A block not cut by Ctrl-C: a KeyboardInterrupt asked for during it comes after it."""
    _Interrupts.blocks += 1
    try:
        yield
    finally:
        _Interrupts.blocks -= 1
    if _Interrupts.pending and not _Interrupts.blocks:
        _Interrupts.pending = False
        raise KeyboardInterrupt
