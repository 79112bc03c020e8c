"""The rulebook: every YAML file in a folder, checked as a whole before anything is compiled.

The checks themselves live in `checker.rulechecks`. This module stays free of pydantic
(its models are imported only to load a rulebook afresh): the fast `checker eval` path
(`checker.quick`) imports it to read the rulebook's plain twin from the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from checker.errors import CheckerError, Location, Problem
from checker.sourcemap import Document, parse_yaml, read_text

if TYPE_CHECKING:
    from checker.model import BaselineRule, Grant, Restriction, RulebookHeader, Source, Weapon

RULE_SUFFIXES = (".yaml", ".yml")
Rule: TypeAlias = "Weapon | Grant | Restriction | BaselineRule"


def fold(name: str) -> str:
    """Weapon names match regardless of case, spaces and punctuation (SCALP-EG = scalp eg)."""
    return re.sub(r"[\W_]+", "", name.casefold())


@dataclass(frozen=True)
class Rulebook:
    """All rules of one rulebook, each with the file position it came from.

    The rules are the pydantic models of `checker.model`, or - in a rulebook read by the
    fast eval path - their plain twins from `checker.plain`, which read alike.
    """

    root: str
    header: RulebookHeader
    weapons: tuple[Weapon, ...]
    grants: tuple[Grant, ...]
    restrictions: tuple[Restriction, ...]
    baseline: tuple[BaselineRule, ...]
    sources: dict[str, Source] = field(repr=False)
    fingerprint: str = ""
    _names: dict[str, Weapon] = field(default_factory=dict, repr=False, compare=False)

    @property
    def readings(self) -> tuple[str, ...]:
        """The readings every scenario is evaluated under (one, `default`, if none declared)."""
        return tuple(self.header.readings) or ("default",)

    def weapon_named(self, name: str) -> Weapon | None:
        if not self._names:
            for weapon in self.weapons:
                for alias in (weapon.id, weapon.name, *weapon.aliases):
                    self._names[fold(alias)] = weapon
        return self._names.get(fold(name))

    def weapon(self, weapon_id: str) -> Weapon:
        return next(w for w in self.weapons if w.id == weapon_id)

    def unknown_weapon(self, name: str) -> str:
        import difflib

        known = [w.name + (f" ({', '.join(w.aliases)})" if w.aliases else "") for w in self.weapons]
        names = [alias for w in self.weapons for alias in (w.name, *w.aliases)]
        folded = {fold(alias): alias for alias in names}
        close = [
            folded[m] for m in difflib.get_close_matches(fold(name), list(folded), n=1, cutoff=0.75)
        ]
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown weapon '{name}'; {hint}known: {'; '.join(known)}"

    def rules(self) -> Iterator[Rule]:
        yield from self.weapons
        yield from self.grants
        yield from self.restrictions
        yield from self.baseline

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules() if r.id == rule_id)

    def grants_under(self, reading: str) -> tuple[Grant, ...]:
        return tuple(grant.under(reading) for grant in self.grants)


def default_rules_dir() -> Path:
    """The rulebook shipped with the package (or the repo's `rules/` in a source checkout)."""
    package = Path(__file__).resolve().parent
    installed = package / "rules"
    return installed if installed.is_dir() else package.parent / "rules"


@cache
def default_rulebook() -> Rulebook:
    return load_rulebook(default_rules_dir())


def load_rulebook(folder: str | Path | None = None) -> Rulebook:
    """Load and check every rule file in `folder` (the shipped rulebook by default).

    A rulebook that passed every check is cached (see `cache_dir`), keyed by the content
    of every file in the folder, so an unchanged rulebook is not parsed and checked again.
    Its plain twin is cached beside it, for the fast eval path (see `load_plain`).
    """
    base, files = _rule_files(folder)
    key = _content_key(base, files)
    cached = _cache_read(key)
    if cached is not None and cached.root == str(base):
        book = cached
    else:
        book = _load_checked(base, files)
        _cache_write(key, book)
    _plain_write(key, book)
    return book


def _rule_files(folder: str | Path | None) -> tuple[Path, list[Path]]:
    """The rulebook's folder and its rule files, sorted."""
    root = Path(folder) if folder is not None else default_rules_dir()
    if not root.exists():
        raise CheckerError.at(Location(str(root)), "no such rules folder")
    files = (
        [root]
        if root.is_file()
        else sorted(p for p in root.rglob("*") if p.suffix in RULE_SUFFIXES and p.is_file())
    )
    if not files:
        raise CheckerError.at(Location(str(root)), "folder holds no rule files (*.yaml)")
    return (root if root.is_dir() else root.parent), files


def _load_checked(base: Path, files: list[Path]) -> Rulebook:
    # Imported here: the models cost pydantic, which only a rulebook read afresh needs.
    from checker.loading import validate_model
    from checker.model import RuleFile
    from checker.rulechecks import assemble

    problems: list[Problem] = []
    parsed: list[tuple[Document, RuleFile]] = []
    digest = hashlib.sha256()
    for path in files:
        try:
            text = read_text(path)
            doc = parse_yaml(text, str(path))
            if doc.data is None:
                continue
            parsed.append((doc, validate_model(RuleFile, doc)))
            digest.update(path.relative_to(base).as_posix().encode())
            digest.update(text.encode())
        except CheckerError as err:
            problems.extend(err.problems)
    if problems:
        raise CheckerError(problems)
    book, problems = assemble(base, parsed)
    if problems or book is None:
        raise CheckerError(sorted(problems))
    return Rulebook(**{**book.__dict__, "fingerprint": digest.hexdigest()[:16]})


# --------------------------------------------------------------------------- the cache


def cache_dir() -> Path | None:
    """Where checked rulebooks are cached: $CHECKER_CACHE_DIR, else ~/.cache/checker.

    Set CHECKER_CACHE_DIR to an empty string to turn the cache off.
    """
    configured = os.environ.get("CHECKER_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "checker"


def _content_key(base: Path, files: list[Path]) -> str:
    """Every file of the folder counts (rule files, and the sources quotes are checked in),
    and so does the code that checks and shapes a rulebook: an upgrade never reads a pickle
    of models it no longer defines."""
    digest = hashlib.sha256(f"checker-rulebook-v1:{base.resolve()}".encode() + _code_digest())
    for path in sorted({*files, *(p for p in base.rglob("*") if p.is_file())}):
        try:
            digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
        except OSError:
            digest.update(b"unreadable")
    return digest.hexdigest()


def _cache_read(key: str) -> Rulebook | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with (folder / f"rulebook-{key}.pickle").open("rb") as handle:
            book = pickle.load(handle)
    except Exception:  # noqa: BLE001 - a stale or foreign file can raise anything: check afresh
        return None
    return book if isinstance(book, Rulebook) else None


def _cache_write(key: str, book: Rulebook) -> None:
    folder = cache_dir()
    if folder is not None:
        _write_pickle(folder / f"rulebook-{key}.pickle", book)


def _write_pickle(path: Path, value: Any) -> None:
    """Write whole or not at all: a reader never sees half a file."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        Path(handle.name).replace(path)
    except (OSError, pickle.PicklingError):
        pass  # a read-only home: every run checks the rulebook afresh, which is only slower


# --------------------------------------------------------------------------- the plain twin

PLAIN_FORMAT = "checker-plain-rulebook-v1"
_CODE = (
    "model.py",
    "dates.py",
    "codes.py",
    "loading.py",
    "rulebook.py",
    "rulechecks.py",
    "plain.py",
)
"""The modules whose code a cached rulebook depends on."""
"""The code a plain twin's content and classes come from: any change makes old twins stale."""


def load_plain(folder: str | Path | None = None) -> Rulebook | None:
    """The rulebook's plain twin (no pydantic) from the cache, or None: load it the usual way.

    `load_rulebook` writes the twin whenever it loads a rulebook, keyed like the checked
    rulebook (by every file of the folder) and by the code that wrote it, so a twin is
    never stale. One that cannot be read is removed, for `load_rulebook` to write afresh.
    """
    from checker.plain import is_plain

    try:
        base, files = _rule_files(folder)
        path = _plain_path(_content_key(base, files), str(base))
    except (CheckerError, OSError):
        return None
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            book = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged or foreign file can raise anything
        book = None
    if isinstance(book, Rulebook) and is_plain(book) and book.root == str(base):
        return book
    with contextlib.suppress(OSError):
        path.unlink()
    return None


def _plain_write(key: str, book: Rulebook) -> None:
    try:
        path = _plain_path(key, book.root)
    except OSError:
        return
    if path is None or path.exists():
        return
    from checker.plain import plain_rulebook

    _write_pickle(path, plain_rulebook(book))


def _plain_path(key: str, root: str) -> Path | None:
    """Keyed by the folder's content, the code, and the folder as named (a twin holds it)."""
    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(f"{PLAIN_FORMAT}\0{key}\0{root}".encode())
    return folder / f"plainbook-{digest.hexdigest()}.pickle"


@cache
def _code_digest() -> bytes:
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in _CODE:
        digest.update((here / name).read_bytes())
    return digest.digest()
