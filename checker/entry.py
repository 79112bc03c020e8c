"""The `checker` console script: the plainest calls straight to their command.

`checker eval PATH... [--format F] [--jobs N]` - the commonest call, and the one whose start-up
users feel - is recognised here and handed to `checker.commands.evaluate.eval_paths`,
the very function the Typer command calls, without importing typer. Everything else
(another option, `-` for stdin, help, completion) goes to the Typer app. No command has
a second implementation: only the reading of these few arguments is done twice, and
`tests/test_entry.py` checks that both readings run the same command.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import NoReturn

FORMATS = ("text", "json", "markdown", "html")
_COMPLETION = "_CHECKER_COMPLETE"
"""Set when a shell asks Typer for completions: left to Typer."""


def main() -> None:
    """`checker`: a plain `eval` evaluated here, anything else by the Typer app."""
    # Ctrl-C before a command runs (while the CLI starts): exit 130 at once, nothing to end;
    # the command itself takes Ctrl-C over (`commands.run`) to end what it started.
    signal.signal(signal.SIGINT, _interrupted)
    try:
        sys.argv[1:] = without_no_cache(sys.argv[1:])
        code = run_plain(sys.argv[1:])
        if code is None:
            from checker.cli import main as cli_main

            cli_main()
            return
    finally:
        # Done: a Ctrl-C from now on waits, unhandled, for the process to end with the
        # command's own code (Python restores the default action as it ends, which would
        # let the signal kill a process that has finished its work).
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    leave(code)


def run_plain(argv: list[str]) -> int | None:
    """Run a plain `eval` (`plain_eval`) to its exit code; None, running nothing, for any
    other call."""
    request = plain_eval(argv)
    if request is None:
        return None
    from checker.commands.evaluate import eval_paths
    from checker.commands.run import run

    paths, format, jobs = request
    return run(lambda writer: eval_paths(writer, paths, format=format, jobs=jobs))


def leave(code: int) -> NoReturn:
    """End the process with `code` once the output is out, without the interpreter's
    teardown: freeing every module and object one by one took about 9 ms of a 70 ms
    one-file run, and the system frees the process whole. Nothing is left to it: the
    command has written every byte to its descriptor (`Writer`), kept what it learnt
    (`run`), and ended and joined its workers. The exit handlers an `eval` may register
    have nothing to do: multiprocessing's would end those workers, logging's would flush
    handlers that checker never adds (`tests/test_faults.py` checks no process outlives a
    run)."""
    import contextlib

    for stream in (sys.stdout, sys.stderr):
        # the command's own writes are done; its code says how they went
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _interrupted(signum: int, frame: object) -> None:
    os._exit(130)


def without_no_cache(argv: list[str]) -> list[str]:
    """`--no-cache` taken wherever it stands (before a `--`): the cache is bypassed for
    this run, whichever command it is (`checker --help` lists it among the global options)."""
    end = argv.index("--") if "--" in argv else len(argv)
    if "--no-cache" not in argv[:end]:
        return argv
    from checker.read import cache

    cache.disable()
    return [arg for arg in argv[:end] if arg != "--no-cache"] + argv[end:]


def plain_eval(argv: list[str]) -> tuple[list[str], str, int | None] | None:
    """The paths, format and jobs of `eval PATH... [--format F] [--jobs N]`, or None for
    anything else (any other option, a value the app words an error for, a repeat)."""
    if not argv or argv[0] != "eval" or _COMPLETION in os.environ:
        return None
    paths: list[str] = []
    format: str | None = None
    jobs: int | None = None
    args = iter(argv[1:])
    for arg in args:
        name, equals, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in ("--format", "-f", "--jobs", "-j"):
            found = value if equals else next(args, None)
        elif not arg.startswith("-"):
            paths.append(arg)
            continue
        else:
            return None
        if name in ("--format", "-f"):
            if format is not None or found not in FORMATS:
                return None
            format = found
        else:
            if jobs is not None or found is None or not (found.isascii() and found.isdigit()):
                return None
            jobs = int(found)
    return (paths, format or "text", jobs) if paths else None
