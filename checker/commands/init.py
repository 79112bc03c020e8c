"""`checker init DIR`: a rulebook repository that passes its own checks on the first run.

It holds a copy of the shipped rulebook (rule files, source texts, `policy.lock`), a few
scenarios with their expected verdicts, `checker.toml` naming both, pre-commit hooks that
run the `checker` on the PATH (`repo: local`, `language: system`: nothing to download) and
a CI workflow. The text files are package data (`checker/templates`); the scenarios are
built and checked as `checker new` builds them.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from checker.errors import CheckerError, Location
from checker.report.writer import Writer

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FILES = {
    "checker.toml": "checker.toml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".github/workflows/checker.yml": "checker-workflow.yml",
    "README.md": "README.md",
}
"""Where each template goes in the new repository."""

SCENARIOS = (
    {
        "weapon": "ATACMS",
        "territory": "RU-KRS",
        "kind": "ammunition_depot",
        "day": "2024-11-17",
        "expect": "permitted",
        "notes": "The day the US consent for ATACMS takes effect (a grant's start is inclusive).",
    },
    {
        "weapon": "ATACMS",
        "territory": "RU-KRS",
        "kind": "ammunition_depot",
        "day": "2024-11-16",
        "expect": "prohibited",
        "notes": "The day before the US consent for ATACMS: no consent of the United States.",
    },
    {
        "weapon": "Storm Shadow",
        "territory": "RU-KRS",
        "kind": "ammunition_depot",
        "day": "2024-11-20",
        "expect": "prohibited",
        "notes": "Storm Shadow needs British and US consent; no British consent is reported.",
    },
)
"""The starting corpus: the grant's first day, the day before, and a weapon it does not cover."""


def init(writer: Writer, folder: str, *, force: bool = False) -> int:
    """Write a rulebook repository into `folder` (new or empty; any folder with `force`)."""
    target = Path(folder)
    _refuse(target, force)
    files = {**_rules(), **_scenarios(), **_templates()}
    for relative, text in files.items():
        path = target / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                raise CheckerError.at(Location(str(path)), "is a folder; cannot write the file")
            with path.open("w", encoding="utf-8", newline="\n") as out:
                out.write(text)
        except OSError as err:
            raise CheckerError.at(Location(str(path)), f"cannot write: {err.strerror}") from None
    count = sum(1 for name in files if name.startswith("scenarios/"))
    writer.out(
        f"created a rulebook repository in {target}:\n"
        f"  rules/                         the rulebook (a copy of checker's) and its policy.lock\n"
        f"  scenarios/                     {count} scenarios with their expected verdicts\n"
        f"  checker.toml                   where every checker command finds both\n"
        f"  .pre-commit-config.yaml        checker validate, test and lock --check before a commit\n"
        f"  .github/workflows/checker.yml  the same, and checker diff, on every pull request\n"
        f"next: cd {shlex.quote(str(target))} && git init && pre-commit install && checker test\n"
    )
    return 0


def _refuse(target: Path, force: bool) -> None:
    """A file, or a folder with anything in it (unless `force`), is not written into."""
    if target.exists() and not target.is_dir():
        raise CheckerError.at(Location(str(target)), "is a file; name a new or empty folder")
    if target.is_dir() and not force:
        try:
            occupied = next(target.iterdir(), None) is not None
        except OSError as err:
            raise CheckerError.at(Location(str(target)), f"cannot read: {err.strerror}") from None
        if occupied:
            raise CheckerError.at(
                Location(str(target)),
                "is not empty; use --force to write checker's files into it "
                "(files of the same name are replaced)",
            )


def _rules() -> dict[str, str]:
    """Every file of the shipped rulebook folder, by its path under `rules/`."""
    from checker.read.rulebook import default_rules_dir

    root = default_rules_dir()
    return {
        f"rules/{path.relative_to(root).as_posix()}": path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".py", ".pyc")
    }


def _scenarios() -> dict[str, str]:
    """The starting corpus, each file built and checked as `checker new` does."""
    from checker.read import scaffold
    from checker.read.rulebook import default_rulebook

    book = default_rulebook()
    files: dict[str, str] = {}
    for answers in SCENARIOS:
        data = scaffold.build(
            weapon=answers["weapon"],
            territory=answers["territory"],
            kind=answers["kind"],
            day=answers["day"],
            expect=answers["expect"],
            notes=answers["notes"],
        )
        text = scaffold.render(data)
        scaffold.check_file(text, book, f"scenarios/{data['id']}.json")
        files[f"scenarios/{data['id']}.json"] = text
    return files


def _templates() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        mine = version("checker")
    except PackageNotFoundError:  # run from a source tree that was never installed
        mine = "0.1.0"
    return {
        name: (TEMPLATES / template).read_text(encoding="utf-8").replace("@VERSION@", mine)
        for name, template in FILES.items()
    }
