"""`checker new`: build a scenario file from answers, each checked as the loader checks it.

The answers come from flags or prompts; every one goes through the same validators the
loader uses (ISO codes, real days, the weapon catalogue, target kinds), and the finished
file is parsed back by the loader before it is written. The file is written only at the
end, atomically, so an interrupted session leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from checker.errors import CheckerError, Location
from checker.model.codes import check_country, check_territory
from checker.model.dates import parse_day
from checker.model.rulebook import Rulebook
from checker.model.terms import TARGET_KINDS, VERDICTS

# The field order of the SPEC's example, which every written file follows.
FIELD_ORDER = (
    "$schema",
    "id",
    "title",
    "notes",
    "date",
    "operator",
    "weapon",
    "target",
    "launch",
    "assume",
    "expect",
)
TARGET_ORDER = ("territory", "kind", "forces", "location")


# --------------------------------------------------------------------------- one answer each
# Each raises ValueError with the loader's own message; the CLI re-asks or exits 2.


def check_weapon(book: Rulebook, value: str) -> str:
    """The catalogue name of the weapon `value` names (any alias, any case)."""
    weapon = book.weapon_named(value.strip())
    if weapon is None:
        raise ValueError(book.unknown_weapon(value))
    return weapon.name


def check_kind(value: str) -> str:
    text = value.strip()
    if text.isdigit() and 1 <= int(text) <= len(TARGET_KINDS):
        return TARGET_KINDS[int(text) - 1]
    kind = text.lower().replace(" ", "_").replace("-", "_")
    if kind not in TARGET_KINDS:
        raise ValueError(f"'{value}' is not a target kind; one of {', '.join(TARGET_KINDS)}")
    return kind


def check_day(value: str) -> str:
    text = value.strip()
    if text == "today":
        return date.today().isoformat()
    return parse_day(text).isoformat()


def check_codes(value: str | Sequence[str]) -> list[str]:
    """A list of ISO alpha-2 codes from `RU,KP`, `RU KP` or repeated flags; empty is allowed."""
    parts = [value] if isinstance(value, str) else list(value)
    codes = [c for part in parts for c in re.split(r"[\s,]+", part.strip()) if c]
    return sorted({check_country(code) for code in codes})


def check_location(value: str) -> dict[str, float]:
    """`LAT,LON` in decimal degrees (WGS84)."""
    parts = [p for p in re.split(r"[\s,]+", value.strip()) if p]
    if len(parts) != 2:
        raise ValueError(f"'{value}' is not a location: give LAT,LON such as 51.73,36.19")
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"'{value}' is not a location: LAT,LON must be numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"'{value}': latitude must be within ±90 and longitude within ±180")
    return {"lat": lat, "lon": lon}


def check_verdict(value: str) -> str:
    text = value.strip().lower()
    if text not in VERDICTS:
        raise ValueError(f"'{value}' is not a verdict; one of {', '.join(VERDICTS)}")
    return text


CHECKS = {
    "territory": check_territory,
    "operator": check_country,
    "kind": check_kind,
    "date": check_day,
    "forces": check_codes,
    "consent": check_codes,
    "location": check_location,
    "expect": check_verdict,
}


# --------------------------------------------------------------------------- the file


def default_id(weapon: str, territory: str, kind: str, day: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", f"{weapon}-{territory}-{kind}".lower()).strip("-")
    return f"{slug}-{day}"


def default_title(weapon: str, territory: str, kind: str) -> str:
    place = territory
    with contextlib.suppress(Exception):
        import pycountry

        found = (
            pycountry.subdivisions.get(code=territory)  # type: ignore[no-untyped-call]
            if "-" in territory
            else pycountry.countries.get(alpha_2=territory)
        )
        if found is not None:
            place = f"{found.name} ({territory})"
    what = kind.replace("_", " ")
    if kind not in ("troops", "military_equipment"):  # countable: needs an article
        what = ("an " if what[0] in "aeiou" else "a ") + what
    return f"{weapon} strike on {what} in {place}"


def build(
    *,
    weapon: str,
    territory: str,
    kind: str,
    day: str,
    operator: str = "UA",
    forces: list[str] | None = None,
    consent: list[str] | None = None,
    target_location: dict[str, float] | None = None,
    launch_location: dict[str, float] | None = None,
    id: str | None = None,
    title: str | None = None,
    notes: str | None = None,
    expect: str | None = None,
    schema: str | None = None,
) -> dict[str, Any]:
    """The scenario as a dict in the SPEC's field order (answers already checked)."""
    target: dict[str, Any] = {"territory": territory, "kind": kind}
    if forces is not None:
        target["forces"] = forces
    if target_location is not None:
        target["location"] = target_location
    data: dict[str, Any] = {
        "$schema": schema,
        "id": id or default_id(weapon, territory, kind, day),
        "title": title or default_title(weapon, territory, kind),
        "notes": notes,
        "date": day,
        "operator": operator,
        "weapon": weapon,
        "target": target,
        "launch": {"location": launch_location} if launch_location else None,
        "assume": {"consent": consent} if consent else None,
        "expect": expect,
    }
    return {k: data[k] for k in FIELD_ORDER if data[k] is not None}


def render(data: dict[str, Any]) -> str:
    """Pretty-printed JSON: 2-space indent, short lists and locations on one line."""
    text = json.dumps(data, indent=2, ensure_ascii=False)

    def inline(match: re.Match[str]) -> str:
        body = json.loads(match.group(0))
        return json.dumps(body, ensure_ascii=False)

    # Lists of codes and {lat, lon} objects read better on one line, as in the SPEC.
    text = re.sub(r"\[\s*(?:\"[^\"\n]*\"\s*,?\s*)*\]", inline, text)
    text = re.sub(r"\{\s*\"lat\": [^{}]*?\"lon\": [^{}]*?\}", inline, text)
    # An object holding one short member, as `"assume": {"consent": ["US"]}`, too.
    text = re.sub(r"\{\n\s*(\"[^\"\n]+\": [^\n]{1,60})\n\s*\}", r"{\1}", text)
    return text + "\n"


def check_file(text: str, book: Rulebook, where: str) -> None:
    """Parse the finished file back exactly as `checker eval` will."""
    from checker.read.scenario import parse_scenario

    parse_scenario(text, where, book)


def refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise CheckerError.at(Location(str(path)), "already exists; use --force to overwrite it")
    if path.is_dir():
        raise CheckerError.at(Location(str(path)), "is a folder; name a file")


def write_atomically(path: Path, text: str, *, force: bool) -> None:
    """Write `text` to `path` in one step: a temporary file in the same folder, then moved
    into place (never over an existing file unless `force`)."""
    refuse_existing(path, force)
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise CheckerError.at(Location(str(path)), f"no such folder: {folder}")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        mask = os.umask(0)
        os.umask(mask)
        Path(temporary).chmod(0o666 & ~mask)  # as an ordinary new file (mkstemp makes 0600)
        if force:
            Path(temporary).replace(path)
        else:
            try:
                os.link(temporary, path)  # fails if the file appeared meanwhile
            except FileExistsError:
                raise CheckerError.at(
                    Location(str(path)), "already exists; use --force to overwrite it"
                ) from None
            except OSError:
                refuse_existing(path, force)
                Path(temporary).replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            Path(temporary).unlink()
