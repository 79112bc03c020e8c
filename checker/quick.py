"""The `checker` command, started fast for its commonest use: `checker eval FILE.json...`.

Typer, rich and the pydantic models cost more than half of a one-file `checker eval`, and
none of them is needed to evaluate a well-formed scenario file. So `main` recognises only
that plainest invocation - `eval`, then existing `*.json` files and at most one `--format`
- and answers it with the rulebook's plain twin (`rulebook.load_plain`), the scenario read
by `lines.LineReader`, and rich's markup dropped as rich drops it off a terminal
(`markup.plain`). Anything else, and anything unsure on the way (no twin in the cache, a
file the reader does not accept, an exception), goes to the Typer CLI before a byte is
written, so every message and exit code stays the CLI's own. `tests/test_quick.py` checks
that both paths print the same bytes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn, TextIO

FORMATS = ("text", "json", "markdown")
_RICH_ENVIRONMENT = ("FORCE_COLOR", "TTY_COMPATIBLE")
"""Variables that make rich style its output even off a terminal: left to rich."""
_COMPLETION = "_CHECKER_COMPLETE"
"""Set when a shell asks Typer for completions: left to Typer."""


def main() -> None:
    """`checker`: evaluated here when the invocation is plain, else by the Typer CLI."""
    request = parse_request(sys.argv[1:])
    if request is None or not run(*request):
        from checker.cli import main as cli_main

        cli_main()


def parse_request(argv: list[str]) -> tuple[list[str], str] | None:
    """The files and format of `eval FILE.json... [--format F]`, or None for anything else."""
    if not argv or argv[0] != "eval" or _COMPLETION in os.environ:
        return None
    paths: list[str] = []
    format: str | None = None
    args = iter(argv[1:])
    for arg in args:
        if arg in ("--format", "-f"):
            value = next(args, None)
        elif arg.startswith("--format="):
            value = arg.removeprefix("--format=")
        elif _plain_file(arg):
            paths.append(arg)
            continue
        else:
            return None
        if format is not None or value not in FORMATS:
            return None  # a second --format, or a value the CLI words an error for
        format = value
    return (paths, format or "text") if paths else None


def _plain_file(arg: str) -> bool:
    """A regular scenario file: not an option, a folder, stdin, or JSON Lines."""
    return not arg.startswith("-") and arg.endswith(".json") and Path(arg).is_file()


def run(paths: list[str], format: str) -> bool:
    """Evaluate and print, or print nothing and answer False: the CLI takes over."""
    if not _plain_streams(format):
        return False
    try:
        from checker.fast import evaluate

        outputs = evaluate(paths, format)
    except Exception:  # noqa: BLE001 - whatever it is, the CLI meets it again and words it
        return False
    if outputs is None or not _printable(outputs):
        return False
    _write(outputs, format)
    return True


def _plain_streams(format: str) -> bool:
    """Whether rich would print the text unstyled: not to a terminal, colours not forced."""
    if sys.stdout is None or sys.stderr is None:
        return False  # a closed stream: the CLI's failure to report
    if format != "text":
        return True  # json and markdown never pass through rich
    styled = any(name in os.environ for name in _RICH_ENVIRONMENT)
    return not (styled or sys.stdout.isatty())


def _printable(outputs: list[tuple[str, str]]) -> bool:
    """Whether the streams take every character, and no warning goes to a terminal."""
    if any(err for _, err in outputs) and sys.stderr.isatty():
        return False  # rich would style the warnings
    return all(_encodes(out, sys.stdout) and _encodes(err, sys.stderr) for out, err in outputs)


def _write(outputs: list[tuple[str, str]], format: str) -> None:
    try:
        for out, err in outputs:  # as the CLI interleaves them, for a 2>&1 reader
            sys.stdout.write(out)
            sys.stdout.flush()
            if err:
                sys.stderr.write(err)
                sys.stderr.flush()
    except BrokenPipeError as err:
        _broken_pipe(format, err)


def _broken_pipe(format: str, err: BrokenPipeError) -> NoReturn:
    """End as the CLI ends when its reader goes away (`checker eval ... | head`)."""
    if format == "text":  # rich's Console.on_broken_pipe
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1)
    # cli.handles_errors: an unexpected exception is an internal error
    sys.stderr.write(
        f"checker: internal error: {type(err).__name__}: {str(err)[:300]} "
        "(run with --debug for the traceback)\n"
    )
    raise SystemExit(3)


def _encodes(text: str, stream: TextIO) -> bool:
    encoding = getattr(stream, "encoding", None)
    if encoding is None:
        return True  # a text buffer (io.StringIO) takes any text
    try:
        text.encode(encoding, getattr(stream, "errors", None) or "strict")
    except (UnicodeError, LookupError):
        return False
    return True
