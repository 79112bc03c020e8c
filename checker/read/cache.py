"""The on-disk cache: data only (JSON), keyed by content digest and code version.

An entry is one JSON file, written whole or not at all (a temporary file renamed into
place), holding a format tag, the digest of the code that wrote it and its key beside the
value. Whatever cannot be read back as exactly that - a corrupt, truncated or foreign
file, or one written by other code - is ignored (and removed), and the caller builds the
value afresh. Nothing read from it is ever executed: values are decoded by msgspec into
the runtime types of `checker.model`.

Where: $CHECKER_CACHE_DIR, else $XDG_CACHE_HOME/checker, else ~/.cache/checker; an empty
CHECKER_CACHE_DIR turns the cache off, and so does `--no-cache`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

FORMAT = "checker-cache-v2"
T = TypeVar("T")

_DISABLED = {"off": False}
"""Set by `--no-cache`: nothing is read from or written to the cache for this process."""


def disable() -> None:
    """Bypass the cache for the rest of this process (`--no-cache`)."""
    _DISABLED["off"] = True


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is off."""
    if _DISABLED["off"]:
        return None
    configured = os.environ.get("CHECKER_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "checker"


@cache
def code_version() -> str:
    """A digest of the code whose output an entry holds: the runtime types, the readers,
    the engine and the evaluation (a decision table holds the engine's answers).

    Any change to those files makes every older entry foreign, so an upgrade never reads
    a value in a shape it no longer defines. Taken from each file's size and modification
    time (a stat, not a read: it is paid on every start-up), in the package's own folder.
    """
    here = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{FORMAT}\0{here}".encode())
    paths = [here / "engine.py", here / "ruleset.py"]
    for folder in ("model", "read", "evaluation"):
        paths += sorted((here / folder).glob("*.py"))
    for path in paths:
        try:
            found = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(here)}\0{found.st_size}\0{found.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:32]


def _path(kind: str, key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{kind}-{key}.json"


def load(kind: str, key: str, type: type[T]) -> T | None:
    """The value stored under (kind, key) by this code, or None: build it afresh."""
    import msgspec

    path = _path(kind, key)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        entry = msgspec.json.decode(data, type=dict[str, Any])
        if (entry.get("format"), entry.get("code"), entry.get("key")) != (
            FORMAT,
            code_version(),
            key,
        ):
            raise ValueError("a foreign entry")
        return msgspec.convert(entry["value"], type=type)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError, KeyError, TypeError):
        with contextlib.suppress(OSError):
            path.unlink()
        return None


def store(kind: str, key: str, value: Any) -> None:
    """Store `value` (runtime types, encoded as JSON) under (kind, key); best effort."""
    import tempfile

    import msgspec

    path = _path(kind, key)
    if path is None:
        return
    entry = {"format": FORMAT, "code": code_version(), "key": key, "value": value}
    try:
        data = msgspec.json.encode(entry)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            name = handle.name
            handle.write(data)
        Path(name).replace(path)
    except (OSError, TypeError, msgspec.EncodeError):
        with contextlib.suppress(OSError, UnboundLocalError):
            Path(name).unlink()
        # a read-only home: every run checks the rulebook afresh, which is only slower
