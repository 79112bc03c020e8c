"""JSON Schemas (draft 2020-12) for scenario files and rule files, for editors and CI.

Generated from the pydantic documents in `checker.read.documents`, then enriched with what the models
check in code rather than in their shape:

- weapons: an `anyOf` of case-insensitive patterns, one per catalogue name or alias,
  each tolerant of spaces, hyphens, underscores and dots exactly as the loader's `fold`
  is (so `storm shadow`, `Storm-Shadow` and `STORMSHADOW` all pass), plus `examples`
  that editors offer as completions. Chosen over `examples` alone because the schema
  then rejects an unknown weapon, as the loader does;
- ISO codes: patterns that enumerate every ISO 3166-1 alpha-2 country and every
  ISO 3166-2 subdivision in any letter case (a trie, so the pattern stays compact);
- dates: a pattern that accepts only real days (leap years included).

The patterns are ECMA-262 compatible in unicode mode (no inline flags, and only syntax
characters escaped), so VS Code, `check-jsonschema` and Python's `jsonschema` read them alike.
"""

from __future__ import annotations

import json
from typing import Any

from checker.model.codes import COUNTRY_PATTERN, TERRITORY_PATTERN, _countries, _subdivisions
from checker.model.rulebook import Rulebook, fold
from checker.model.terms import TARGET_KINDS
from checker.read.documents import RuleFile, ScenarioDoc

DRAFT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("scenario", "rulebook")

# A real day: month lengths, and 29 February in leap years only.
_DAY = (
    r"\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
    r"|02-(?:0[1-9]|1\d|2[0-8]))"
)
_LEAP_DAY = r"(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29"
DAY_PATTERN = f"^(?:{_DAY}|{_LEAP_DAY})$"
_SEPARATORS = r"[\s._-]*"  # what `fold` ignores between letters of a weapon name


def schema_for(kind: str, rulebook: Rulebook | None = None) -> dict[str, Any]:
    """The schema named `kind` (`scenario` or `rulebook`)."""
    if kind == "scenario":
        from checker.read.rulebook import default_rulebook

        return scenario_schema(rulebook or default_rulebook())
    if kind == "rulebook":
        return rulebook_schema()
    raise ValueError(f"unknown schema '{kind}' (known: {', '.join(KINDS)})")


def dumps(schema: dict[str, Any]) -> str:
    """The printed form: 2-space indent, trailing newline (what schema/*.json holds)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def scenario_schema(rulebook: Rulebook) -> dict[str, Any]:
    """The scenario file format (version 1), with the rulebook's weapon catalogue."""
    schema = _named(ScenarioDoc.model_json_schema(by_alias=True))
    schema = _enrich_codes(schema)
    props = schema["properties"]
    props["$schema"] = {
        "type": "string",
        "description": "this schema's URL or path, so an editor validates and completes the file",
    }
    props["date"] = {
        "title": "Date",
        "description": "day of the strike, YYYY-MM-DD (a real day)",
        "type": "string",
        "format": "date",
        "pattern": DAY_PATTERN,
        "patternErrorMessage": "a real day as YYYY-MM-DD",
        "examples": ["2024-11-20"],
    }
    props["weapon"] = _weapon_schema(rulebook)
    props["expect"]["description"] = "the expected verdict, checked by `checker test`"
    target = schema["$defs"]["Target"]["properties"]
    target["kind"]["description"] = "what is struck: one of " + ", ".join(TARGET_KINDS)
    target["territory"]["examples"] = ["RU-KRS", "RU-BEL", "RU", "UA", "UA-43", "BY"]
    target["forces"]["anyOf"][0]["examples"] = [["RU"], ["RU", "KP"]]
    props["operator"]["examples"] = ["UA"]
    schema["$defs"]["Assume"]["properties"]["consent"]["examples"] = [["US"], ["GB", "US"]]
    return {
        "$schema": DRAFT,
        "title": "checker scenario (version 1)",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def rulebook_schema() -> dict[str, Any]:
    """One YAML rule file (a rulebook is every such file in a folder)."""
    schema = _accept_always(_enrich_codes(_named(RuleFile.model_json_schema(by_alias=True))))
    return {
        "$schema": DRAFT,
        "title": "checker rule file",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def _named(node: Any) -> Any:
    """The schema with each document named as its runtime type (`TargetDoc` -> `Target`):
    the names editors show and `$defs` keys, whatever the documents are called in code."""
    if isinstance(node, dict):
        out = {key.removesuffix("Doc"): _named(value) for key, value in node.items()}
        for key in ("title", "$ref"):
            if isinstance(out.get(key), str) and out[key].endswith("Doc"):
                out[key] = out[key].removesuffix("Doc")
        return out
    if isinstance(node, list):
        return [_named(item) for item in node]
    return node


def _accept_always(node: Any) -> Any:
    """`in_force: always` is read as `{}` before validation; the schema says so too."""
    if isinstance(node, list):
        return [_accept_always(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _accept_always(v) for k, v in node.items()}
    if out.get("$ref") == "#/$defs/InForce":
        ref = {"$ref": out.pop("$ref")}
        out["anyOf"] = [{"const": "always", "description": "in force at every date"}, ref]
    return out


# --------------------------------------------------------------------------- weapons


def weapon_names(rulebook: Rulebook) -> list[tuple[str, list[str]]]:
    """Each weapon's catalogue name and aliases, in catalogue order."""
    return [(w.name, list(w.aliases)) for w in rulebook.weapons]


def weapon_pattern(name: str) -> str:
    """A pattern matching every spelling `fold` maps to the same key as `name`."""
    letters = _SEPARATORS.join(_insensitive(char) for char in fold(name))
    return f"^{_SEPARATORS}{letters}{_SEPARATORS}$"


def _weapon_schema(rulebook: Rulebook) -> dict[str, Any]:
    branches: list[dict[str, Any]] = []
    examples: list[str] = []
    for weapon in rulebook.weapons:
        spellings = list(dict.fromkeys([weapon.name, weapon.id, *weapon.aliases]))
        keys = list(dict.fromkeys(fold(s) for s in spellings))
        for key in keys:
            branches.append(
                {
                    "title": weapon.name,
                    "pattern": weapon_pattern(key),
                    "patternErrorMessage": f"not a spelling of {weapon.name}",
                }
            )
        examples += [weapon.name, *weapon.aliases]
    catalogue = "; ".join(
        w.name + (f" ({', '.join(w.aliases)})" if w.aliases else "") for w in rulebook.weapons
    )
    return {
        "title": "Weapon",
        "description": (
            "a name or alias from the weapon catalogue, in any letter case (spaces, hyphens "
            f"and underscores ignored): {catalogue}"
        ),
        "type": "string",
        "minLength": 1,
        "maxLength": 100,
        "anyOf": branches,
        "examples": list(dict.fromkeys(examples)),
    }


# --------------------------------------------------------------------------- ISO codes


def country_pattern() -> str:
    """Every ISO 3166-1 alpha-2 code, in any letter case."""
    return f"^(?:{_trie(sorted(_countries()))})$"


def territory_pattern() -> str:
    """Every ISO 3166-1 alpha-2 country or ISO 3166-2 subdivision code, in any letter case."""
    return f"^(?:{_trie(sorted(_countries() | _subdivisions()))})$"


def _enrich_codes(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace the models' shape-only code patterns by ones that enumerate the standard."""
    replacements = {
        COUNTRY_PATTERN: (
            country_pattern(),
            "an ISO 3166-1 alpha-2 country code (RU, UA, US, KP), any letter case",
        ),
        TERRITORY_PATTERN: (
            territory_pattern(),
            "an ISO 3166-1 alpha-2 (RU) or ISO 3166-2 (RU-KRS) code, any letter case",
        ),
    }

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items()}
            found = replacements.get(str(out.get("pattern")))
            if found is not None:
                out["pattern"], out["patternErrorMessage"] = found
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    result: dict[str, Any] = walk(schema)
    return result


_SYNTAX = set(r"\^$.*+?()[]{}|/")
"""The characters escaped outside a class: ECMA-262's syntax characters and `/`, the only
identity escapes its unicode mode allows (an escaped hyphen is an error there; none is needed)."""


def _insensitive(char: str) -> str:
    """`char` in any letter case, as a pattern outside a character class."""
    if char.isalpha() and char.lower() != char.upper():
        return f"[{char.upper()}{char.lower()}]"
    return "\\" + char if char in _SYNTAX else char


def _class(chars: list[str]) -> str:
    """A character class of `chars` in any letter case: `-` first (a literal there, with
    no escape) and only `\\`, `]` and `^` escaped, so it is valid in unicode mode."""
    members: list[str] = []
    for char in chars:
        if char.isalpha() and char.lower() != char.upper():
            members += [char.upper(), char.lower()]
        else:
            members.append(char)
    body = "".join("\\" + c if c in "\\]^" else c for c in dict.fromkeys(members) if c != "-")
    return "[" + ("-" if "-" in members else "") + body + "]"


def _trie(words: list[str]) -> str:
    """A compact alternation matching exactly `words` (case-insensitively)."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word.upper():
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(tree)


def _emit(node: dict[str, Any]) -> str:
    ends = "" in node
    leaves = [char for char, child in sorted(node.items()) if char and list(child) == [""]]
    branches = [
        _insensitive(char) + _emit(child)
        for char, child in sorted(node.items())
        if char and char not in leaves
    ]
    if len(leaves) > 1:  # one character class for the letters that end a word here
        branches.insert(0, _class(leaves))
    else:
        branches[:0] = [_insensitive(c) for c in leaves]
    if not branches:
        return ""
    if len(branches) > 1:
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if ends else body
    return f"(?:{branches[0]})?" if ends else branches[0]
