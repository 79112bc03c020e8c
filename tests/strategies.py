"""Hypothesis strategies: valid scenarios over the whole domain, and valid random rulebooks.

Scenarios are drawn as JSON-ready dicts (what a user writes), so the same draw can test
the loader, key order and letter case; `scenarios(book)` validates them into models.
Everything is drawn relative to a rulebook, so the same strategies serve the shipped rules
and generated ones: dates cluster on that rulebook's boundaries, consents on the states it
names, territories on the places it names.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from checker.model.codes import TERRITORY_PATTERN, _countries, _subdivisions, subdivisions_of
from checker.model.dates import PolicyDate
from checker.model.rulebook import Rulebook
from checker.model.scenario import Scenario
from checker.model.terms import TARGET_KINDS, VERDICTS
from checker.read.documents import RuleFile, data_of, runtime
from checker.read.scenario import scenario_of

FIRST_DAY, LAST_DAY = date(2023, 1, 1), date(2026, 12, 31)
RU_REGIONS = sorted(subdivisions_of("RU"))
UA_REGIONS = sorted(subdivisions_of("UA"))
COUNTRIES = sorted(_countries())
OTHER_REGIONS = sorted(
    s for s in _subdivisions() if s[:2] not in ("RU", "UA") and re.match(TERRITORY_PATTERN, s)
)
FORCES = ["RU", "KP", "BY", "IR", "UA"]
OTHER_OPERATORS = ["PL", "US", "GB", "FR", "RU", "BY"]
ABSENT: Any = object()  # "leave the field out", distinct from an explicit null


# --------------------------------------------------------------------------- scenario parts


def cased(code: str) -> st.SearchStrategy[str]:
    """The same code in another letter case: codes and names are case-insensitive."""
    mixed = "".join(c.lower() if i % 2 else c.upper() for i, c in enumerate(code))
    return st.sampled_from(sorted({code.upper(), code.lower(), mixed, code.title()}))


def policy_dates(book: Rulebook) -> list[PolicyDate]:
    """Every date a rule of `book` is in force from or until (grants' readings included)."""
    spans = [r.in_force for r in (*book.baseline, *book.restrictions)]
    for grant in book.grants:
        spans.append(grant.in_force)
        spans += [o.in_force for o in grant.readings.values() if o.in_force is not None]
    return [end for span in spans for end in (span.from_, span.until) if end is not None]


def boundaries(book: Rulebook) -> list[date]:
    """The days on which some rule may change its mind, one day either side included."""
    days = {d for end in policy_dates(book) for d in (end.first, end.last)}
    return sorted(d + timedelta(days=shift) for d in days for shift in (-1, 0, 1))


def dates(book: Rulebook) -> st.SearchStrategy[date]:
    near = st.sampled_from(boundaries(book)) if boundaries(book) else st.nothing()
    months = [end for end in policy_dates(book) if end.precision == "month"]
    inside = (
        st.sampled_from(months).flatmap(
            lambda m: st.integers(1, calendar.monthrange(m.first.year, m.first.month)[1]).map(
                lambda day: m.first.replace(day=day)
            )
        )
        if months
        else st.nothing()
    )
    return st.one_of(near, inside, st.dates(FIRST_DAY, LAST_DAY))


def named_territories(book: Rulebook) -> list[str]:
    named = {t for g in book.grants for t in g.territories}
    named |= {t for g in book.grants for o in g.readings.values() for t in o.territories or ()}
    named |= {t for r in book.baseline for t in r.when.territories or ()}
    named |= {t for r in book.restrictions for t in r.territories}
    return sorted(named)


def territories(book: Rulebook) -> st.SearchStrategy[str]:
    # Russia and Ukraine at both levels and the places the rules name dominate (a branch
    # listed twice is drawn twice as often); the rest keeps "outside the policy" honest.
    named = st.sampled_from(named_territories(book) or ["RU"])
    return st.one_of(
        st.sampled_from(RU_REGIONS),
        st.sampled_from(RU_REGIONS),
        st.sampled_from(UA_REGIONS),
        st.sampled_from(["RU", "UA"]),
        named,
        named,
        named,
        st.sampled_from(COUNTRIES),
        st.sampled_from(OTHER_REGIONS),
    ).flatmap(cased)


def named_states(book: Rulebook) -> list[str]:
    """Every state whose consent the rules mention."""
    states = {s for w in book.weapons for s in w.consent_required}
    states |= {g.grantor for g in book.grants} | {s for r in book.restrictions for s in r.states}
    return sorted(states)


def consents(book: Rulebook) -> st.SearchStrategy[Any]:
    """`assume`: absent, without `consent`, or any subset of the named states (plus strays)."""
    states = st.one_of(st.sampled_from(named_states(book)), st.sampled_from(["DE", "PL", "UA"]))
    subsets = st.lists(states.flatmap(cased), max_size=5)
    return st.one_of(
        st.just(ABSENT), st.builds(dict), subsets.map(lambda consent: {"consent": consent})
    )


def forces(book: Rulebook) -> st.SearchStrategy[Any]:
    named = sorted({f for g in book.grants for c in g.targets for f in c.forces or ()})
    pool = sorted({*FORCES, *named})
    return st.one_of(
        st.just(ABSENT),
        st.just(ABSENT),
        st.none(),
        st.just([]),
        st.sampled_from([["RU"], ["KP"], ["RU", "KP"], ["KP", "RU"]]),
        st.lists(st.sampled_from(pool), max_size=4),
    ).flatmap(lambda found: _cased_list(found) if isinstance(found, list) else st.just(found))


def _cased_list(codes: list[str]) -> st.SearchStrategy[list[str]]:
    return st.tuples(*(cased(c) for c in codes)).map(list)


def operators(book: Rulebook) -> st.SearchStrategy[Any]:
    # Mostly Ukraine (the default when absent), whom the reported policy concerns.
    named = sorted({o for r in book.baseline for o in r.when.operators or ()})
    return st.one_of(
        st.just(ABSENT),
        st.just(ABSENT),
        cased("UA"),
        cased("UA"),
        st.sampled_from(["UA", *named]).flatmap(cased),
        st.sampled_from([*OTHER_OPERATORS, *COUNTRIES]),
    )


def kinds(book: Rulebook) -> st.SearchStrategy[str]:
    # Every kind, and as often again the kinds some grant names (where verdicts turn).
    named = sorted({k for g in book.grants for c in g.targets for k in c.kinds})
    return st.one_of(st.sampled_from(TARGET_KINDS), st.sampled_from(named or TARGET_KINDS))


def weapon_names(book: Rulebook) -> st.SearchStrategy[str]:
    # Each weapon equally often, whatever its number of aliases; then any of its names.
    return st.sampled_from(book.weapons).flatmap(
        lambda w: st.sampled_from(sorted({w.id, w.name, *w.aliases})).flatmap(cased)
    )


def points() -> st.SearchStrategy[dict[str, float]]:
    return st.fixed_dictionaries(
        {
            "lat": st.floats(-90, 90, allow_nan=False),
            "lon": st.floats(-180, 180, allow_nan=False),
        }
    )


_OPTIONAL: dict[str, st.SearchStrategy[Any]] = {
    "id": st.text(max_size=30),
    "title": st.text(max_size=60),
    "notes": st.text(max_size=60),
    "$schema": st.just("https://example.org/scenario.schema.json"),
    "expect": st.sampled_from(VERDICTS),
    # A new {} each time (`st.just({})` gives one dict to every example: a test that
    # changes its example in place would change every later one).
    "launch": st.one_of(st.builds(dict), points().map(lambda p: {"location": p})),
}


@st.composite
def scenario_dicts(draw: st.DrawFn, book: Rulebook) -> dict[str, Any]:
    """A valid scenario file's content: every field the format allows, optional ones or not."""
    target: dict[str, Any] = {
        "territory": draw(territories(book)),
        "kind": draw(kinds(book)),
    }
    _maybe(target, "forces", draw(forces(book)))
    if draw(st.booleans()):
        target["location"] = draw(points())
    data: dict[str, Any] = {
        "date": draw(dates(book)).isoformat(),
        "weapon": draw(weapon_names(book)),
        "target": target,
    }
    _maybe(data, "operator", draw(operators(book)))
    _maybe(data, "assume", draw(consents(book)))
    for name in draw(st.lists(st.sampled_from(sorted(_OPTIONAL)), unique=True)):
        data[name] = draw(_OPTIONAL[name])
    return data


def _maybe(data: dict[str, Any], key: str, value: Any) -> None:
    if value is not ABSENT:
        data[key] = value


def scenarios(book: Rulebook) -> st.SearchStrategy[Scenario]:
    return scenario_dicts(book).map(scenario_of)


def reshuffled(data: Any, order: Callable[[list[str]], None]) -> Any:
    """The same JSON value with the keys of every object in another order."""
    if isinstance(data, dict):
        keys = list(data)
        order(keys)
        return {k: reshuffled(data[k], order) for k in keys}
    if isinstance(data, list):
        return [reshuffled(item, order) for item in data]
    return data


# --------------------------------------------------------------------------- rulebooks

STATES = ["US", "GB", "FR", "DE"]
WEAPON_IDS = ["alpha", "bravo-2", "charlie", "delta-x", "echo"]
PLACES = ["RU", "UA", "BY", "RU-KRS", "RU-BEL", "RU-BRY", "RU-MOS", "UA-43", "UA-14", "BY-MI"]
COUNTRY_PLACES = ["RU", "UA", "BY", "PL"]
READINGS = ["narrow", "broad", "wide"]
OPERATORS = ["UA", "PL", "US"]
REGIMES = ["permitted", "prohibited", "undetermined", "consent", "consent"]  # consent twice
SOURCE = "gen"
PROVENANCE = [
    {
        "source": SOURCE,
        "quote": "a sentence the rule rests on",
        "evidence": "stated",
        "supports": ["consent"],
    }
]


# Strategies are built once and cached: building them inside every draw made generating
# a rulebook several times slower than loading it.


def _subset(pool: list[str]) -> st.SearchStrategy[list[str]]:
    return _subset_of(tuple(pool))


@cache
def _subset_of(pool: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool), unique=True)


@cache
def _policy_date(months: bool) -> st.SearchStrategy[str | None]:
    day = st.dates(date(2023, 6, 1), date(2026, 6, 30))
    if not months:
        return st.none() | day.map(date.isoformat)
    return st.none() | day.map(date.isoformat) | day.map(lambda d: d.strftime("%Y-%m"))


@st.composite
def in_force(draw: st.DrawFn, months: bool) -> Any:
    """`always`, or from and/or until a day (or a month, where `months`), never inverted."""
    start = draw(_policy_date(months))
    end = draw(_policy_date(months))
    if start is not None and end is not None and _last(end) < _first(start):
        start, end = end, start
    span = {k: v for k, v in (("from", start), ("until", end)) if v is not None}
    return span or draw(st.sampled_from(["always", {}]))


def _first(value: str) -> date:
    return date.fromisoformat(value if len(value) == 10 else value + "-01")


def _last(value: str) -> date:
    if len(value) == 10:
        return date.fromisoformat(value)
    first = _first(value)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@cache
def target_clauses() -> st.SearchStrategy[list[dict[str, Any]]]:
    clause = st.fixed_dictionaries(
        {"kinds": _subset(list(TARGET_KINDS))},
        optional={"forces": _subset(["RU", "KP", "BY"])},
    )
    return st.lists(clause, min_size=1, max_size=3)


_OVERRIDE = st.fixed_dictionaries(
    {},
    optional={
        "territories": _subset(PLACES),
        "targets": target_clauses(),
        "in_force": in_force(months=True),
    },
)


@st.composite
def grant_data(
    draw: st.DrawFn, index: int, weapons: list[dict[str, Any]], readings: list[str]
) -> dict[str, Any]:
    grantor = draw(st.sampled_from(sorted({s for w in weapons for s in w["consent_required"]})))
    allowed = [w["id"] for w in weapons if grantor in w["consent_required"]]
    grant: dict[str, Any] = {
        "id": f"grant-{index}",
        "title": f"generated grant {index}",
        "grantor": grantor,
        "weapons": draw(_subset(allowed)),
        "in_force": draw(in_force(months=True)),
        "territories": draw(_subset(PLACES)),
        "targets": draw(target_clauses()),
        "provenance": PROVENANCE,
    }
    overrides = {}
    for name in draw(st.lists(st.sampled_from(readings), unique=True)) if readings else []:
        override = {"summary": f"as {name} reads it", "provenance": PROVENANCE}
        overrides[name] = {**override, **draw(_OVERRIDE)}
    if overrides or draw(st.booleans()):
        grant["readings"] = overrides
    return grant


@st.composite
def weapon_data(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(st.sampled_from(WEAPON_IDS), min_size=1, max_size=4, unique=True))
    weapons = []
    for ident in ids:
        required = draw(_subset(STATES))
        weapons.append(
            {
                "id": ident,
                "name": f"Weapon {ident.upper()}",
                "aliases": [f"{ident} mk 1", f"{ident.upper()}-M"],
                "supplier": required[0],
                "consent_required": required,
                "range": {"stated": "about 100 miles", "miles": 100, "km": 161},
                "provenance": PROVENANCE,
            }
        )
    return weapons


@cache
def _conditions(weapon_ids: tuple[str, ...]) -> st.SearchStrategy[dict[str, list[str]]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "kinds": _subset(list(TARGET_KINDS)),
            "territories": _subset(COUNTRY_PLACES),
            "operators": _subset(OPERATORS),
            "weapons": _subset(list(weapon_ids)),
        },
    )


@st.composite
def baseline_data(draw: st.DrawFn, weapon_ids: list[str]) -> list[dict[str, Any]]:
    """Conditioned rules in random precedence, then the catch-all every rulebook needs."""
    ranks = sorted(draw(st.lists(st.integers(1, 999), max_size=4, unique=True)))
    rules = []
    for index, rank in enumerate(ranks):
        when = draw(_conditions(tuple(weapon_ids)))
        rule = {
            "id": f"base-{index}",
            "title": f"generated baseline {index}",
            "precedence": rank,
            "when": when,
            "then": draw(st.sampled_from(REGIMES)),
            "in_force": draw(in_force(months=False)),
            "provenance": PROVENANCE,
        }
        rules.append(rule)
    rules.append(
        {
            "id": "base-last",
            "title": "everything else",
            "precedence": 1000,
            "then": draw(st.sampled_from(REGIMES)),
            "provenance": PROVENANCE,
        }
    )
    return draw(st.permutations(rules))  # file order must not matter, precedence does


@st.composite
def rulebook_files(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """A valid rulebook as file name -> YAML content (what a rule author writes)."""
    readings = draw(st.lists(st.sampled_from(READINGS), max_size=3, unique=True))
    weapons = draw(weapon_data())
    required = sorted({s for w in weapons for s in w["consent_required"]})
    grants = [draw(grant_data(i, weapons, readings)) for i in range(draw(st.integers(0, 5)))]
    restrictions = [
        {
            "id": "restriction",
            "title": "no consent unless granted",
            "states": required,
            "territories": draw(_subset(COUNTRY_PLACES)),
            "in_force": draw(in_force(months=False)),
            "provenance": PROVENANCE,
        }
    ]
    header = {
        "name": "a generated rulebook",
        "readings": {name: f"the {name} reading" for name in readings},
        "sources": [{"id": SOURCE, "title": "generated", "published": "2024-11-17"}],
    }
    return {
        "rulebook.yaml": {"rulebook": header},
        "weapons.yaml": {"weapons": weapons},
        "grants/generated.yaml": {"grants": grants},
        "policy.yaml": {
            "restrictions": restrictions,
            "baseline": draw(baseline_data([w["id"] for w in weapons])),
        },
    }


def book_of(files: dict[str, dict[str, Any]], root: str = "<generated>") -> Rulebook:
    """A Rulebook built in memory from rule data, in the order load_rulebook reads files."""
    parsed = [RuleFile.model_validate(files[name]) for name in sorted(files, key=Path)]
    header = runtime(next(f.rulebook for f in parsed if f.rulebook is not None))
    return Rulebook(
        root=root,
        header=header,
        weapons=tuple(runtime(w) for f in parsed for w in f.weapons),
        grants=tuple(runtime(g) for f in parsed for g in f.grants),
        restrictions=tuple(runtime(r) for f in parsed for r in f.restrictions),
        baseline=tuple(
            sorted((runtime(b) for f in parsed for b in f.baseline), key=lambda b: b.precedence)
        ),
        sources={s.id: s for s in header.sources},
        fingerprint="",
    )


def rulebooks() -> st.SearchStrategy[Rulebook]:
    return rulebook_files().map(book_of)


# --------------------------------------------------------------------------- YAML


class _PlainDumper(yaml.SafeDumper):
    """Writes shared objects out in full: rule files may not use anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_files(files: dict[str, Any], folder: Path) -> Path:
    """Write rule data as YAML files under `folder` (created)."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.dump(content, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True)
        path.write_text(text)
    return folder


def dump_rulebook(book: Rulebook) -> dict[str, dict[str, Any]]:
    """A loaded rulebook back to rule data, one file per section (the inverse of loading)."""
    return {
        "rulebook.yaml": {"rulebook": _plain(book.header)},
        "weapons.yaml": {"weapons": _plain(book.weapons)},
        "grants.yaml": {"grants": _plain(book.grants)},
        "restrictions.yaml": {"restrictions": _plain(book.restrictions)},
        "baseline.yaml": {"baseline": _plain(book.baseline)},
    }


def _plain(value: Any) -> Any:
    """Rules to YAML-ready data, field by field."""
    return data_of(value)


def same_rules(left: Rulebook, right: Rulebook) -> bool:
    """Equal as rulebooks: every rule and the header, wherever the files live."""
    names = ("header", "weapons", "grants", "restrictions", "baseline", "sources")
    return all(getattr(left, n) == getattr(right, n) for n in names)
