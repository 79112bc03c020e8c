"""The on-disk cache: data only (JSON), keyed by content digest and code version.

An entry is one JSON file, written whole or not at all (a temporary file renamed into
place), holding a format tag, the digest of the code that wrote it, its key and a MAC
beside the value. The MAC is a keyed BLAKE2b (`checker.model.digest`), under a secret of
this user's kept outside the cache folder (`secret_path`), over all of them and the
value's very bytes: whatever cannot be read back as exactly that - a corrupt, truncated
or foreign file, one written by other code, or one whose value was changed by anyone
without the secret - is ignored (and removed), and the caller builds the value afresh. Nothing read from it is ever
executed: values are decoded by msgspec into the runtime types of `checker.model`.
See docs/security.md for what this does and does not protect against.

The folder is bounded: beyond `max_bytes()` the least recently used entries are
removed when an entry is written, and so are temporary files a dead process left.

Where: $CHECKER_CACHE_DIR, else $XDG_CACHE_HOME/checker, else ~/.cache/checker; an empty
CHECKER_CACHE_DIR turns the cache off, and so does `--no-cache`.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from checker.errors import CheckerError
from checker.model.digest import hasher, mac, same
from checker.read.sourcemap import open_regular

FORMAT = "checker-cache-v4"
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
    time (a stat, not a read: it is paid on every start-up), in the package's own folder
    (listed with `os.scandir`: pathlib's globbing took most of its 0.7 ms).
    """
    here = Path(__file__).resolve().parent.parent
    digest = hasher()
    digest.update(f"{FORMAT}\0{here}".encode())
    names = ["engine.py", "ruleset.py"]
    for folder in ("model", "read", "evaluation"):
        with os.scandir(here / folder) as entries:
            names += sorted(f"{folder}/{e.name}" for e in entries if e.name.endswith(".py"))
    for name in names:
        try:
            found = (here / name).stat()
        except OSError:
            continue
        digest.update(f"{name}\0{found.st_size}\0{found.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:32]


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """Build long-lived data (a decision table, templates) with the cycle collector paused.

    Such data is hundreds of thousands of objects made at once, and each collection that
    their making triggers would walk all of them again. (A command that then streams
    lines puts them out of the collector's reach for good: `commands.evaluate`.)
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _path(kind: str, key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{kind}-{key}.json"


# --------------------------------------------------------------------------- integrity


def _secret() -> bytes | None:
    """This user's cache secret (32 random bytes, created on first use, readable by the
    user only), kept outside the cache folder; None when there is none to be had."""
    path = secret_path()
    for _ in range(2):
        try:
            found = path.read_bytes()
        except FileNotFoundError:
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue  # another process made it meanwhile: read theirs
            except OSError:
                return None
            with os.fdopen(fd, "wb") as handle:
                handle.write(os.urandom(32))
            continue
        except OSError:
            return None
        return found if len(found) == 32 else None
    return None


def secret_path() -> Path:
    """Where the secret is: $CHECKER_CACHE_SECRET, else $XDG_STATE_HOME/checker/cache-secret
    (~/.local/state/checker/cache-secret): beside the cache, never in it, so a cache folder
    copied from elsewhere (another machine, a restored CI cache) brings no valid entry."""
    configured = os.environ.get("CHECKER_CACHE_SECRET")
    if configured:
        return Path(configured)
    state = os.environ.get("XDG_STATE_HOME")
    return (Path(state) if state else Path.home() / ".local" / "state") / "checker" / "cache-secret"


@cache
def _mac_key() -> bytes | None:
    return _secret()


def _mac(kind: str, key: str, value: bytes) -> str | None:
    secret = _mac_key()
    if secret is None:
        return None
    message = f"{FORMAT}\0{code_version()}\0{kind}\0{key}\0".encode() + value
    return mac(secret, message)


def _prefix(key: str) -> bytes:
    """An entry's bytes before its MAC."""
    return f'{{"format":"{FORMAT}","code":"{code_version()}","key":"{key}","mac":"'.encode()


_MIDDLE = b'","value":'
"""An entry's bytes between its MAC (64 hex digits) and its value; the entry ends in `}`."""


# --------------------------------------------------------------------------- entries


def exists(kind: str, key: str) -> bool:
    """Whether an entry is stored under (kind, key), readable or not (a stat)."""
    path = _path(kind, key)
    return path is not None and path.is_file()


def load(kind: str, key: str, type: type[T]) -> T | None:
    """The value stored under (kind, key) by this code, or None: build it afresh.

    Only an entry whose MAC (keyed BLAKE2b under this user's secret, over the format, code
    version, kind, key and the value's very bytes) checks is read: a corrupt, foreign or
    tampered one is ignored and removed.
    """
    import msgspec

    path = _path(kind, key)
    if path is None:
        return None
    try:
        handle = open_regular(path)
        with handle:
            data = handle.read(MAX_ENTRY_BYTES + 1)
    except (OSError, CheckerError):
        return None
    try:
        prefix = _prefix(key)
        start = len(prefix) + 64 + len(_MIDDLE)
        found_mac, value = data[len(prefix) : len(prefix) + 64], data[start:-1]
        expected = _mac(kind, key, value)
        if (
            expected is None
            or len(data) > MAX_ENTRY_BYTES
            or not data.startswith(prefix)
            or data[len(prefix) + 64 : start] != _MIDDLE
            or not data.endswith(b"}")
            or not same(found_mac, expected.encode())
        ):
            raise ValueError("a foreign or tampered entry")
        found = msgspec.json.decode(value, type=type)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: the last to be evicted
    return found


def store(kind: str, key: str, value: Any) -> None:
    """Store `value` (runtime types, encoded as JSON) under (kind, key); best effort.

    Written whole or not at all (a temporary file renamed into place; the temporary file
    removed whatever fails), then the cache is trimmed to `max_bytes()`.
    """
    import tempfile

    import msgspec

    path = _path(kind, key)
    if path is None:
        return
    name: str | None = None
    try:
        encoded = msgspec.json.encode(value)
        mac = _mac(kind, key, encoded)
        if mac is None or len(encoded) > MAX_ENTRY_BYTES:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            name = handle.name
            for part in (_prefix(key), mac.encode(), _MIDDLE, encoded, b"}"):
                handle.write(part)  # in parts: no second copy of a large value
        Path(name).replace(path)
        name = None
        trim(path.parent)
    except (OSError, TypeError, msgspec.EncodeError):
        pass  # a read-only home, a full disk: every run checks afresh, which is only slower
    finally:
        if name is not None:
            with contextlib.suppress(OSError):
                Path(name).unlink()


MAX_ENTRY_BYTES = 64 << 20
"""Largest entry written or read."""
STALE_SECONDS = 3600
"""A temporary file older than this was left by a process that died: removed."""


def max_bytes() -> int:
    """The cache's size limit: $CHECKER_CACHE_MAX_MB MiB (default 256)."""
    try:
        return max(0, int(os.environ.get("CHECKER_CACHE_MAX_MB", "256"))) << 20
    except ValueError:
        return 256 << 20


def trim(folder: Path, limit: int | None = None) -> None:
    """Remove stale temporary files, then the least recently used entries until the
    folder's entries take at most `limit` bytes (`max_bytes()`)."""
    limit = max_bytes() if limit is None else limit
    now = time.time()
    entries: list[tuple[float, int, Path]] = []
    with os.scandir(folder) as found:
        for item in found:
            try:
                info = item.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            path = Path(item.path)
            if item.name.endswith(".tmp") and now - info.st_mtime > STALE_SECONDS:
                with contextlib.suppress(OSError):
                    path.unlink()
            elif item.name.endswith(".json"):
                entries.append((info.st_mtime, info.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries, key=lambda entry: entry[0]):
        if total <= limit:
            break
        with contextlib.suppress(OSError):
            path.unlink()
            total -= size
