"""Finding and reading a rulebook: which folder every command uses (`find_rulebook`), and
every YAML file in it, checked as a whole, or its cached copy.

The checks themselves live in `checker.read.rulechecks`; pydantic's documents are imported
only to read a rulebook afresh, so a cached rulebook costs no pydantic import.
"""

from __future__ import annotations

import stat
from functools import cache as memoised
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec.structs import replace

from checker.errors import CheckerError, Location, Problem
from checker.model.digest import hasher
from checker.model.rulebook import Rulebook
from checker.read import cache
from checker.read.sourcemap import NOT_REGULAR, Document, parse_yaml, read_bytes, read_text

if TYPE_CHECKING:
    from checker.read.documents import RuleFile

RULE_SUFFIXES = (".yaml", ".yml")


def default_rules_dir() -> Path:
    """The rulebook shipped with the package (or the repo's `rules/` in a source checkout)."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "rules"
    return installed if installed.is_dir() else package.parent / "rules"


def is_shipped(folder: str | Path) -> bool:
    """Whether `folder` is the rulebook shipped with the package (the repo's `rules/` in a
    source checkout), however it is spelled."""
    try:
        return Path(folder).resolve() == default_rules_dir()
    except OSError:
        return False


def find_rulebook(explicit: str | Path | None = None, start: Path | None = None) -> Path:
    """The rulebook folder a command uses (SPEC, "Which rulebook"); the one place it is chosen.

    `explicit` (`--rules DIR`) as given; else `rules` named in the nearest `checker.toml` or
    `[tool.checker]` of a `pyproject.toml`, walking up from `start` (the current folder),
    relative to that file; else the nearest `rules/` holding a `rulebook.yaml`, walking up;
    else the rulebook shipped with the package. Folders found from the current folder are
    spelled relative to it (`rules`, `../rules`). A few stat calls: a toml file is parsed
    only when there is one. A configured folder that does not exist, or a malformed file,
    is a `CheckerError` located in that file.
    """
    if explicit is not None:
        return Path(explicit)
    found = _discovered(start)
    return found if found is not None else default_rules_dir()


def _discovered(start: Path | None) -> Path | None:
    """The rulebook folder the project names or holds; None when it has none."""
    from checker.read.config import nearest_config, upward

    config = nearest_config(start)
    if config is not None:
        named = config.existing("rules", "rules folder")
        if named is not None:
            return named
    for folder in upward(start):
        if (folder / "rules" / "rulebook.yaml").is_file():
            return folder / "rules"
    return None


def find_scenarios(
    explicit: str | None = None, rules: str | Path | None = None, start: Path | None = None
) -> Path | None:
    """The scenario corpus a command uses when given none; None when there is none.

    `explicit` (`--scenarios DIR`, which must exist); else `scenarios` named in the project's
    configuration (as for `find_rulebook`); else `scenarios/` beside the rulebook folder:
    `rules` (the `--rules` option as given) or the one the project names or holds, never
    the shipped fallback; else `./scenarios` if there is one.
    """
    from checker.read.config import nearest_config

    if explicit is not None:
        if not Path(explicit).exists():
            raise CheckerError.at(Location(explicit), "no such file or folder")
        return Path(explicit)
    config = nearest_config(start)
    named = config.existing("scenarios", "scenarios folder") if config is not None else None
    if named is not None:
        return named
    folder = Path(rules) if rules is not None else _discovered(start)
    if folder is not None and (folder.parent / "scenarios").is_dir():
        return folder.parent / "scenarios"
    here = (start or Path()) / "scenarios"
    return here if here.is_dir() else None


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
    if cached is not None:
        return cached if cached.root == str(base) else replace(cached, root=str(base))
    book = _load_checked(base, files)
    _cache_write(key, book)
    return book


def _rule_files(folder: str | Path | None) -> tuple[Path, list[Path]]:
    """The rulebook's folder and its rule files, sorted."""
    root = Path(folder) if folder is not None else default_rules_dir()
    if not root.exists():
        raise CheckerError.at(Location(str(root)), "no such rules folder")
    if not root.is_dir():
        return root.parent, [root]
    files = sorted(p for p in _folder_files(root) if p.suffix in RULE_SUFFIXES)
    if not files:
        raise CheckerError.at(Location(str(root)), "folder holds no rule files (*.yaml)")
    return root, files


def _folder_files(root: Path) -> list[Path]:
    """Every file in the rules folder, searched recursively; a link leading outside the
    folder is refused (its target is never read, nor its text shown), and so is what is
    not a regular file (a FIFO, a device: nothing ever waits on one)."""
    inside = root.resolve()
    found: list[Path] = []
    problems: list[Problem] = []
    for path in sorted(root.rglob("*")):
        try:
            if path.is_symlink() and not path.resolve().is_relative_to(inside):
                problems.append(Problem(Location(str(path)), OUTSIDE))
                continue
            mode = path.stat().st_mode
        except (OSError, RuntimeError):  # a dangling link, a loop of links
            problems.append(Problem(Location(str(path)), "cannot be read: a broken link"))
            continue
        if stat.S_ISREG(mode):
            found.append(path)
        elif not stat.S_ISDIR(mode) and path.suffix in RULE_SUFFIXES:
            problems.append(Problem(Location(str(path)), NOT_REGULAR))
    if problems:
        raise CheckerError(problems)
    return found


OUTSIDE = "is a link leading outside the rules folder, not read"


def _load_checked(base: Path, files: list[Path]) -> Rulebook:
    # Imported here: the models cost pydantic, which only a rulebook read afresh needs.
    from checker.read.documents import RuleFile
    from checker.read.rulechecks import assemble
    from checker.read.validation import validate_model

    problems: list[Problem] = []
    parsed: list[tuple[Document, RuleFile]] = []
    digest = hasher()
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
    return replace(book, fingerprint=digest.hexdigest()[:16])


# --------------------------------------------------------------------------- the cache


def _content_key(base: Path, files: list[Path]) -> str:
    """Every file of the folder counts (rule files, and the sources quotes are checked in),
    and so does the folder itself, resolved: however it is spelled (`rules`, `../rules`,
    an absolute path) it is one entry, whose `root` is set to the spelling on reading."""
    digest = hasher()
    digest.update(f"checker-rulebook:{base.resolve()}".encode())
    every = files if files == [base] else _folder_files(base)
    for path in sorted({*files, *every}):
        try:
            raw = read_bytes(path)
        except CheckerError:
            raw = b"unreadable"
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + raw)
    return digest.hexdigest()


def _cache_read(key: str) -> Rulebook | None:
    return cache.load("rulebook", key, Rulebook)


def _cache_write(key: str, book: Rulebook) -> None:
    cache.store("rulebook", key, replace(book, _names={}))
