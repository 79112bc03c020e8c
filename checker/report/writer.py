"""The one output writer: stdout and stderr, styled on a terminal, plain everywhere else.

Everything a command prints goes through a `Writer`: rendered results (a `Styled` text is
styled through rich on a terminal - the only import of rich - and printed as plain text
elsewhere), problems, notes and the progress bar. Text from the input is data: control
characters are escaped in text and markdown (no terminal escape reaches the terminal),
and a character the stream cannot encode (a lone surrogate) is written as an escape
rather than ending the run. A closed pipe and a failed write are not handled here but
raised, for `checker.commands.run` to map to an exit code in one place.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from typing import IO, Any

from checker.errors import Problem, printable
from checker.interrupts import uninterrupted
from checker.report.styled import Styled

_RICH_ENVIRONMENT = ("FORCE_COLOR", "TTY_COMPATIBLE")
"""Variables that make rich style its output even off a terminal: left to rich."""


def _tolerant(stream: IO[str]) -> IO[str]:
    """The stream, set to escape what it cannot encode instead of raising."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        # ValueError, OSError: a stream already written to in another encoding
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="backslashreplace")
    return stream


class Writer:
    """Where a command's output goes; one per command run."""

    def __init__(self, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> None:
        self.stdout = _tolerant(stdout if stdout is not None else sys.stdout)
        self.stderr = _tolerant(stderr if stderr is not None else sys.stderr)
        self._consoles: dict[bool, Any] = {}

    # ---- where

    @property
    def stdout_is_terminal(self) -> bool:
        return _is_terminal(self.stdout)

    @property
    def stdout_takes_text_bytes(self) -> bool:
        """Whether text output may go out as escaped UTF-8 bytes (`out_bytes`): stdout is
        not styled and encodes UTF-8, so the bytes are what `out` would write."""
        encoding = (getattr(self.stdout, "encoding", None) or "").lower().replace("-", "")
        return (
            encoding == "utf8" and hasattr(self.stdout, "buffer") and not self._styles(self.stdout)
        )

    def _styles(self, stream: IO[str]) -> bool:
        return _is_terminal(stream) or any(name in os.environ for name in _RICH_ENVIRONMENT)

    # ---- what

    def out(self, rendered: str | Styled, *, data: bool = False) -> None:
        """A rendered result on stdout; `data` (JSON) is written exactly as rendered."""
        self._write(self.stdout, rendered, escape=not data)

    def out_bytes(self, chunk: bytes) -> None:
        """Encoded output (the JSON Lines path), written as it is."""
        with uninterrupted():
            _write_fully(self.stdout, chunk)

    def err(self, rendered: str | Styled) -> None:
        """A note or warning on stderr (a line, newline included in `rendered`)."""
        self._write(self.stderr, rendered, escape=True)

    def problem(self, problem: Problem) -> None:
        """One located problem, one line on stderr, never styled."""
        with uninterrupted():
            self.stderr.write(f"{problem}\n")
            self.stderr.flush()

    def _write(self, stream: IO[str], rendered: str | Styled, *, escape: bool) -> None:
        with uninterrupted():
            if isinstance(rendered, Styled) and self._styles(stream):
                self._rich(stream, rendered)
                return
            text = str(rendered)
            text = printable(text, keep="\n") if escape else text
            encoding = getattr(stream, "encoding", None) or "utf-8"
            _write_fully(stream, text.encode(encoding, "backslashreplace"), text)

    def _rich(self, stream: IO[str], rendered: Styled) -> None:
        from rich.console import Console
        from rich.text import Text

        is_err = stream is self.stderr
        console = self._consoles.get(is_err)
        if console is None:
            # emoji=False: rich turned ":thumbs_up:" in a quoted field name or id into an emoji.
            console = self._consoles[is_err] = Console(
                file=stream, highlight=False, soft_wrap=True, emoji=False
            )
        text = Text()
        for run, style in rendered:
            text.append(printable(run, keep="\n"), style=style or None)
        console.print(text, end="")
        stream.flush()

    # ---- progress

    def progress(self, label: str) -> Progress | None:
        """A progress bar on stderr, only when stderr is a terminal."""
        return Progress(self.stderr, label) if _is_terminal(self.stderr) else None


def _write_fully(stream: IO[str], data: bytes, text: str | None = None) -> None:
    """Write `data` to the stream's file descriptor, every byte of it, after whatever the
    stream holds. A signal during a blocking write cuts `write(2)` short, and the buffered
    writer was seen to drop the rest: the loop here goes on until all is written. A stream
    without a descriptor (a test's) takes `text`, or `data` through its buffer."""
    stream.flush()
    buffer: IO[bytes] | None = getattr(stream, "buffer", None)
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        if text is not None:
            stream.write(text)
        elif buffer is not None:
            buffer.write(data)
            buffer.flush()
        stream.flush()
        return
    if buffer is not None:
        buffer.flush()
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _is_terminal(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):
        return False


class Progress:
    """A one-line progress bar on stderr, redrawn at most five times a second."""

    def __init__(self, stream: IO[str], label: str) -> None:
        self.stream, self.label = stream, printable(label)
        self.started, self.shown = time.monotonic(), 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.shown < 0.2:
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-9) / 1e6
        share = f"{done / total:4.0%} " if total else ""
        filled = int(30 * done / total) if total else 0
        bar = "#" * filled + "-" * (30 - filled) if total else ""
        self.stream.write(f"\r{self.label}: [{bar}] {share}{done / 1e6:,.1f} MB ({rate:.1f} MB/s)")
        self.stream.flush()

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = 0.0
