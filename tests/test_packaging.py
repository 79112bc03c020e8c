"""What the package reads at run time must ship in a plain (non-editable) install."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch

from .conftest import ROOT


def test_every_data_file_is_declared_as_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    declared = config["package-data"]
    homes = {"checker": ROOT / "checker", "checker.rules": ROOT / "rules"}
    for package, folder in homes.items():
        for path in folder.rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(folder).as_posix()
            patterns = declared.get(package, [])
            assert any(fnmatch(relative, p) for p in patterns), f"{package}: {relative} not shipped"
