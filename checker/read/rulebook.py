"""Reading a rulebook: every YAML file in a folder, checked as a whole, or its cached copy.

The checks themselves live in `checker.read.rulechecks`; pydantic's documents are imported
only to read a rulebook afresh, so a cached rulebook costs no pydantic import.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import cache as memoised
from pathlib import Path
from typing import TYPE_CHECKING

from checker.errors import CheckerError, Location, Problem
from checker.model.rulebook import Rulebook
from checker.read import cache
from checker.read.sourcemap import Document, parse_yaml, read_text

if TYPE_CHECKING:
    from checker.read.documents import RuleFile

RULE_SUFFIXES = (".yaml", ".yml")


def default_rules_dir() -> Path:
    """The rulebook shipped with the package (or the repo's `rules/` in a source checkout)."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "rules"
    return installed if installed.is_dir() else package.parent / "rules"


@memoised
def default_rulebook() -> Rulebook:
    return load_rulebook(default_rules_dir())


def load_rulebook(folder: str | Path | None = None) -> Rulebook:
    """Load and check every rule file in `folder` (the shipped rulebook by default).

    A rulebook that passed every check is cached as data (`checker.read.cache`), keyed by
    the content of every file in the folder, so an unchanged rulebook is not parsed and
    checked again - and a cached one is read without pydantic.
    """
    base, files = _rule_files(folder)
    key = _content_key(base, files)
    cached = _cache_read(key)
    if cached is not None and cached.root == str(base):
        return cached
    book = _load_checked(base, files)
    _cache_write(key, book)
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
    from checker.read.documents import RuleFile
    from checker.read.rulechecks import assemble
    from checker.read.validation import validate_model

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


def _content_key(base: Path, files: list[Path]) -> str:
    """Every file of the folder counts (rule files, and the sources quotes are checked in),
    and so does the folder itself: a cached rulebook names its root."""
    digest = hashlib.sha256(f"checker-rulebook:{base.resolve()}\0{base}".encode())
    for path in sorted({*files, *(p for p in base.rglob("*") if p.is_file())}):
        try:
            digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
        except OSError:
            digest.update(b"unreadable")
    return digest.hexdigest()


def _cache_read(key: str) -> Rulebook | None:
    return cache.load("rulebook", key, Rulebook)


def _cache_write(key: str, book: Rulebook) -> None:
    cache.store("rulebook", key, replace(book, _names={}))
