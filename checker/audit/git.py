"""The rules as committed at a git ref: `checker diff --base REF` reads its old side here.

Only git objects are read (`git archive` into a temporary folder); the working tree and the
index are never touched, and problems in the committed rules are located as `REF:path`.
"""

from __future__ import annotations

import posixpath
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from msgspec.structs import replace

from checker.errors import CheckerError, Location, Problem
from checker.model.rulebook import Rulebook
from checker.read.rulebook import OUTSIDE, load_rulebook


@contextmanager
def rules_at(ref: str, rules: str | Path) -> Iterator[Path]:
    """The rules folder as committed at `ref`, extracted into a temporary folder.

    Reads git objects only (`git archive`): the working tree and index are never touched.
    """
    folder = Path(rules).resolve()
    where = folder if folder.is_dir() else Path.cwd()
    top = _git(["rev-parse", "--show-toplevel"], where, ref).strip()
    try:
        relative = folder.relative_to(Path(top).resolve()).as_posix()
    except ValueError:
        raise CheckerError.at(
            Location(str(rules)), f"the rules folder is not inside the git repository {top}"
        ) from None
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], Path(top), ref)
    with tempfile.TemporaryDirectory(prefix="checker-") as tmp:
        archive = Path(tmp) / "rules.tar"
        with archive.open("wb") as out:
            result = subprocess.run(
                ["git", "archive", "--format=tar", ref, "--", relative],
                cwd=top,
                stdout=out,
                stderr=subprocess.PIPE,
                check=False,
            )
        if result.returncode != 0:
            message = result.stderr.decode(errors="replace").strip().splitlines()
            raise CheckerError.at(
                Location(ref),
                f"no rules folder '{relative}' at {ref}" + (f" ({message[-1]})" if message else ""),
            )
        with tarfile.open(archive) as tar:
            _extract(tar, Path(tmp) / "tree", relative, ref)
        yield Path(tmp) / "tree" / relative


def _extract(tar: tarfile.TarFile, into: Path, relative: str, ref: str) -> None:
    """The archive's files, refusing a link that leads outside the rules folder (located
    as `REF:path`, its target never read) and whatever else is not plain data."""
    top = PurePosixPath(relative)
    problems: list[Problem] = []
    for member in tar.getmembers():
        if member.issym() or member.islnk():
            base = PurePosixPath(member.name).parent if member.issym() else PurePosixPath()
            target = posixpath.normpath(str(base / member.linkname))
            if member.linkname.startswith("/") or not PurePosixPath(target).is_relative_to(top):
                problems.append(Problem(Location(f"{ref}:{member.name}"), OUTSIDE))
    if problems:
        raise CheckerError(problems)
    try:
        tar.extractall(into, filter="data")
    except tarfile.FilterError as err:
        name = getattr(getattr(err, "tarinfo", None), "name", "?")
        raise CheckerError.at(Location(f"{ref}:{name}"), f"not extracted: {err}") from None


def _git(args: list[str], cwd: Path, ref: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
        )
    except OSError as err:
        raise CheckerError.at(Location("git"), f"cannot run git: {err}") from None
    if result.returncode != 0:
        said = (result.stderr.strip().splitlines() or ["unknown revision"])[-1]
        if args[0] == "rev-parse" and "--show-toplevel" in args:
            raise CheckerError.at(Location(str(cwd)), f"not in a git repository ({said})")
        raise CheckerError.at(Location(ref), f"not a commit: {said}")
    return result.stdout


def load_rules_at(ref: str, rules: str | Path) -> Rulebook:
    """The rulebook as committed at `ref`; problems are located as `REF:path`."""
    label = f"{ref}:{Path(rules).as_posix().rstrip('/')}"
    with rules_at(ref, rules) as folder:
        try:
            book = load_rulebook(folder)
        except CheckerError as err:
            raise CheckerError(
                replace(
                    p,
                    location=replace(p.location, file=p.location.file.replace(str(folder), label)),
                )
                for p in err.problems
            ) from None
    return replace(book, root=label)
