"""The shipped policy, pinned per reading, as the SPEC's policy table states it.

The verdicts below were written from SPEC.md ("The reported policy, as this project reads
it"), not by running the code. Any semantic change to rules/ - a date moved by a day, a
kind, territory or force added or dropped, a consent requirement removed, the readings
swapped, an effect flipped - changes at least one of them; `test_every_mutant_is_caught`
proves that for a catalogue of such changes. Changing the policy on purpose means
changing this table, in review.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import checker
from checker.model.rulebook import Rulebook
from checker.read.scenario import scenario_of

from .conftest import RULES

V = {"P": "permitted", "X": "prohibited", "U": "undetermined"}

# weapon | kind | territory | date | forces (- absent) | assume.consent | operator | narrow broad
# P permitted, X prohibited, U undetermined. Each block names the SPEC row it pins.
TABLE = """
# US grant: ATACMS - from 2024-11-17 inclusive, no end; narrow RU-KRS only, broad all Russia
ATACMS       | ammunition_depot   | RU-KRS | 2024-11-16 | -     | -     | UA | X X
ATACMS       | ammunition_depot   | RU-KRS | 2024-11-17 | -     | -     | UA | P P
ATACMS       | ammunition_depot   | RU-KRS | 2024-11-18 | -     | -     | UA | P P
ATACMS       | ammunition_depot   | RU-KRS | 2026-12-31 | -     | -     | UA | P P
ATACMS       | ammunition_depot   | RU-BRY | 2024-11-16 | -     | -     | UA | X X
ATACMS       | ammunition_depot   | RU-BRY | 2024-11-17 | -     | -     | UA | X P
ATACMS       | ammunition_depot   | RU-MOS | 2025-06-01 | -     | -     | UA | X P
ATACMS       | logistics_hub      | RU-BRY | 2024-11-17 | -     | -     | UA | X P
ATACMS       | military_equipment | RU-BEL | 2026-06-30 | -     | -     | UA | X P
ATACMS       | ammunition_depot   | RU     | 2024-11-16 | -     | -     | UA | X X
ATACMS       | ammunition_depot   | RU     | 2024-11-17 | -     | -     | UA | U P
# ... its kinds: equipment, logistics hubs, depots, supply lines; not airbases or command posts
ATACMS       | military_equipment | RU-KRS | 2024-11-20 | -     | -     | UA | P P
ATACMS       | logistics_hub      | RU-KRS | 2024-11-20 | -     | -     | UA | P P
ATACMS       | supply_line        | RU-KRS | 2024-11-20 | -     | -     | UA | P P
ATACMS       | military_equipment | RU-BEL | 2024-11-20 | -     | -     | UA | X P
ATACMS       | logistics_hub      | RU-BEL | 2024-11-20 | -     | -     | UA | X P
ATACMS       | supply_line        | RU-BEL | 2024-11-20 | -     | -     | UA | X P
ATACMS       | airbase            | RU-KRS | 2024-11-20 | -     | -     | UA | X X
ATACMS       | command_post       | RU-KRS | 2024-11-20 | -     | -     | UA | X X
ATACMS       | command_post       | RU-BEL | 2025-03-01 | RU    | -     | UA | X X
ATACMS       | airbase            | RU-BEL | 2025-01-01 | RU    | -     | UA | X X
ATACMS       | supply_line        | RU-KRS | 2024-11-16 | -     | -     | UA | X X
# ... and troops, only when target.forces is given, non-empty and within RU, KP
ATACMS       | troops             | RU-KRS | 2024-11-20 | RU    | -     | UA | P P
ATACMS       | troops             | RU-KRS | 2024-11-20 | KP    | -     | UA | P P
ATACMS       | troops             | RU-KRS | 2024-11-20 | RU,KP | -     | UA | P P
ATACMS       | troops             | RU-BEL | 2024-11-20 | KP    | -     | UA | X P
ATACMS       | troops             | RU-KRS | 2024-11-20 | BY    | -     | UA | X X
ATACMS       | troops             | RU-KRS | 2024-11-20 | RU,BY | -     | UA | X X
ATACMS       | troops             | RU-KRS | 2024-11-20 | []    | -     | UA | X X
ATACMS       | troops             | RU-KRS | 2024-11-20 | -     | -     | UA | U U
ATACMS       | troops             | RU-KRS | 2024-11-16 | RU    | -     | UA | X X
ATACMS       | troops             | RU     | 2024-11-20 | -     | -     | UA | U U
ATACMS       | troops             | RU     | 2024-11-20 | KP    | -     | UA | U P
# US grant: HIMARS - from May 2024, known to the month; troops and equipment, forces RU only
HIMARS       | troops             | RU-BEL | 2024-04-30 | RU    | -     | UA | X X
HIMARS       | troops             | RU-BEL | 2024-05-01 | RU    | -     | UA | U U
HIMARS       | troops             | RU-BEL | 2024-05-31 | RU    | -     | UA | U U
HIMARS       | troops             | RU-BEL | 2024-06-01 | RU    | -     | UA | P P
HIMARS       | military_equipment | RU-BEL | 2024-06-01 | RU    | -     | UA | P P
HIMARS       | troops             | RU-BEL | 2026-12-31 | RU    | -     | UA | P P
HIMARS       | troops             | RU     | 2024-07-10 | RU    | -     | UA | P P
HIMARS       | troops             | RU-MOS | 2024-07-10 | RU    | -     | UA | P P
HIMARS       | troops             | RU-KRS | 2024-11-20 | RU    | -     | UA | P P
HIMARS       | troops             | RU-BEL | 2024-07-10 | KP    | -     | UA | X X
HIMARS       | troops             | RU-BEL | 2024-07-10 | RU,KP | -     | UA | X X
HIMARS       | troops             | RU-BEL | 2024-07-10 | []    | -     | UA | X X
HIMARS       | troops             | RU-BEL | 2024-07-10 | -     | -     | UA | U U
HIMARS       | military_equipment | RU-BEL | 2024-07-10 | -     | -     | UA | U U
HIMARS       | troops             | RU-BEL | 2024-05-15 | -     | -     | UA | U U
HIMARS       | logistics_hub      | RU-BEL | 2024-07-10 | RU    | -     | UA | X X
HIMARS       | ammunition_depot   | RU-KRS | 2024-11-20 | RU    | -     | UA | X X
HIMARS       | ammunition_depot   | RU-BEL | 2024-06-01 | RU    | -     | UA | X X
HIMARS       | supply_line        | RU-KRS | 2024-11-20 | RU    | -     | UA | X X
HIMARS       | airbase            | RU-BEL | 2024-05-15 | RU    | -     | UA | X X
HIMARS       | command_post       | RU-BEL | 2024-07-10 | RU    | -     | UA | X X
HIMARS       | troops             | RU-BEL | 2024-04-30 | RU    | US    | UA | P P
# weapon names and aliases (case-insensitive)
MGM-140      | logistics_hub      | RU-KRS | 2024-11-25 | -     | -     | UA | P P
atacms       | ammunition_depot   | ru-krs | 2024-11-20 | -     | -     | ua | P P
M142         | military_equipment | RU-BEL | 2024-07-10 | RU    | -     | UA | P P
GMLRS        | troops             | RU-KRS | 2024-09-01 | RU    | -     | UA | P P
# Storm Shadow: GB+US; SCALP: FR+US; no GB/FR consent reported; the US grants name no such weapon
Storm Shadow | ammunition_depot   | RU-KRS | 2024-11-20 | -     | -     | UA | X X
Storm Shadow | ammunition_depot   | RU-KRS | 2024-11-20 | -     | GB    | UA | X X
Storm Shadow | ammunition_depot   | RU-KRS | 2024-11-20 | -     | US    | UA | X X
Storm Shadow | ammunition_depot   | RU-KRS | 2024-11-20 | -     | GB,US | UA | P P
Storm Shadow | ammunition_depot   | RU-KRS | 2024-11-20 | -     | FR,US | UA | X X
SCALP        | ammunition_depot   | RU-BRY | 2024-11-20 | -     | -     | UA | X X
SCALP        | ammunition_depot   | RU-BRY | 2024-11-20 | -     | FR    | UA | X X
SCALP        | ammunition_depot   | RU-BRY | 2024-11-20 | -     | US    | UA | X X
SCALP-EG     | ammunition_depot   | RU-BRY | 2024-11-20 | -     | FR,US | UA | P P
SCALP        | ammunition_depot   | RU-BRY | 2024-11-20 | -     | GB,US | UA | X X
# assumed consent ("what if") for the weapon's states opens any kind, anywhere in Russia
ATACMS       | airbase            | RU-BEL | 2024-11-20 | -     | US    | UA | P P
ATACMS       | ammunition_depot   | RU     | 2024-01-01 | -     | US    | UA | P P
ATACMS       | ammunition_depot   | RU-KRS | 2024-11-16 | -     | GB    | UA | X X
# Ukrainian territory (occupied areas included): not restricted
ATACMS       | troops             | UA-43  | 2024-04-17 | -     | -     | UA | P P
HIMARS       | airbase            | UA     | 2023-01-01 | -     | -     | UA | P P
Storm Shadow | command_post       | UA-14  | 2024-11-20 | -     | -     | UA | P P
SCALP        | supply_line        | UA-09  | 2025-01-01 | KP    | -     | UA | P P
# civilian objects: never permitted, whatever the territory, operator or consent
ATACMS       | civilian           | RU-KRS | 2024-11-20 | RU    | US    | UA | X X
Storm Shadow | civilian           | UA-43  | 2024-09-01 | -     | GB,US | UA | X X
HIMARS       | civilian           | BY     | 2024-07-10 | -     | -     | UA | X X
ATACMS       | civilian           | UA     | 2024-11-20 | -     | -     | US | X X
# elsewhere: other territories and operators other than UA are outside the reported policy
HIMARS       | troops             | BY     | 2024-07-10 | RU    | US    | UA | U U
ATACMS       | military_equipment | PL     | 2024-11-20 | -     | -     | UA | U U
ATACMS       | ammunition_depot   | RU-KRS | 2024-11-20 | -     | -     | PL | U U
Storm Shadow | ammunition_depot   | RU-KRS | 2024-11-20 | -     | GB,US | GB | U U
ATACMS       | troops             | UA-43  | 2024-11-20 | -     | -     | US | U U
"""


class Pin(NamedTuple):
    weapon: str
    kind: str
    territory: str
    day: str
    forces: str
    assume: str
    operator: str
    narrow: str
    broad: str

    @property
    def scenario(self) -> dict[str, Any]:
        target: dict[str, Any] = {"territory": self.territory, "kind": self.kind}
        if self.forces != "-":
            target["forces"] = [] if self.forces == "[]" else self.forces.split(",")
        data: dict[str, Any] = {"date": self.day, "weapon": self.weapon, "target": target}
        data["operator"] = self.operator
        if self.assume != "-":
            data["assume"] = {"consent": self.assume.split(",")}
        return data

    @property
    def expected(self) -> dict[str, str]:
        return {"narrow": V[self.narrow], "broad": V[self.broad]}

    def __str__(self) -> str:
        return " ".join(self[:7])


def _pins() -> list[Pin]:
    pins = []
    for line in TABLE.strip().splitlines():
        if line.startswith("#"):
            continue
        *fields, verdicts = (part.strip() for part in line.split("|"))
        pins.append(Pin(*fields, *verdicts.split()))
    return pins


PINS = _pins()


def mismatches(book: Rulebook) -> list[str]:
    """Every pin the rulebook breaks, said the way a reviewer reads it."""
    found = []
    for pin in PINS:
        try:
            verdict = checker.evaluate(book, scenario_of(pin.scenario))
        except checker.CheckerError as err:
            found.append(f"{pin}: refused: {err}")
            continue
        if verdict.readings != pin.expected:
            found.append(f"{pin}: expected {pin.expected}, got {verdict.readings}")
    return found


@pytest.mark.parametrize("pin", PINS, ids=str)
def test_pin(pin: Pin, rulebook: Rulebook) -> None:
    verdict = checker.evaluate(rulebook, scenario_of(pin.scenario))
    assert verdict.readings == pin.expected
    overall = pin.expected["narrow"] if pin.narrow == pin.broad else "undetermined"
    assert verdict.verdict == overall


def test_the_table_is_well_formed() -> None:
    assert len(PINS) > 80
    assert len({tuple(p[:7]) for p in PINS}) == len(PINS)  # no case pinned twice


# --------------------------------------------------------------------------- rule data pins
# What no verdict shows (a supplier, a range, a restriction's scope, a civilian kind on a
# grant, a grant's territories that both readings override) is pinned as data.

WEAPONS = {
    # id: (name, supplier, consent required, miles); SPEC "weapons" row
    "atacms": ("ATACMS", "US", ["US"], 190),
    "himars": ("HIMARS", "US", ["US"], 50),
    "storm-shadow": ("Storm Shadow", "GB", ["GB", "US"], 155),
    "scalp": ("SCALP", "FR", ["FR", "US"], 155),
}
NAMES = {
    "ATACMS": "atacms",
    "MGM-140": "atacms",
    "HIMARS": "himars",
    "M142": "himars",
    "GMLRS": "himars",
    "Storm Shadow": "storm-shadow",
    "SCALP": "scalp",
    "SCALP-EG": "scalp",
}
ATACMS_KINDS = [
    (["troops"], ["KP", "RU"]),
    (["ammunition_depot", "logistics_hub", "military_equipment", "supply_line"], None),
]
GRANTS = {
    # (id, reading): (grantor, weapons, in force, territories, [(kinds, forces)])
    ("us-grant-himars", "narrow"): (
        "US",
        ["himars"],
        "from 2024-05",
        ["RU"],
        [(["military_equipment", "troops"], ["RU"])],
    ),
    ("us-grant-himars", "broad"): (
        "US",
        ["himars"],
        "from 2024-05",
        ["RU"],
        [(["military_equipment", "troops"], ["RU"])],
    ),
    ("us-grant-atacms", "narrow"): ("US", ["atacms"], "from 2024-11-17", ["RU-KRS"], ATACMS_KINDS),
    ("us-grant-atacms", "broad"): ("US", ["atacms"], "from 2024-11-17", ["RU"], ATACMS_KINDS),
}
BASELINE = [
    # in precedence order: (id, kinds, territories, operators, then)
    ("civilian-objects", ["civilian"], None, None, "prohibited"),
    ("ukrainian-territory", None, ["UA"], ["UA"], "permitted"),
    ("russian-territory", None, ["RU"], ["UA"], "consent"),
    ("outside-policy", None, None, None, "undetermined"),
]
RESTRICTIONS = {
    "us-restriction": (["US"], ["RU"]),
    "gb-fr-consent-withheld": (["FR", "GB"], ["RU"]),
}


def check_weapon_catalogue(book: Rulebook) -> None:
    found = {
        w.id: (w.name, w.supplier, sorted(w.consent_required), w.range.miles) for w in book.weapons
    }
    assert found == WEAPONS
    for name, weapon_id in NAMES.items():
        for spelling in (name, name.lower(), name.upper()):
            weapon = book.weapon_named(spelling)
            assert weapon is not None and weapon.id == weapon_id, spelling


def _clauses(grant: Any) -> list[tuple[list[str], list[str] | None]]:
    return sorted(
        (sorted(c.kinds), sorted(c.forces) if c.forces is not None else None) for c in grant.targets
    )


def check_grants(book: Rulebook) -> None:
    assert book.readings == ("narrow", "broad")
    found = {}
    for grant in book.grants:
        assert grant.territories == ["RU"], grant.id  # the reported grants concern Russia
        for reading in book.readings:
            read = grant.under(reading)
            found[(grant.id, reading)] = (
                read.grantor,
                sorted(read.weapons),
                str(read.in_force),
                sorted(read.territories),
                _clauses(read),
            )
    assert found == {key: (*value[:4], sorted(value[4])) for key, value in GRANTS.items()}


def check_baseline_and_restrictions(book: Rulebook) -> None:
    baseline = [
        (r.id, r.when.kinds, r.when.territories, r.when.operators, r.then) for r in book.baseline
    ]
    assert baseline == BASELINE
    assert all(r.in_force.always and r.when.weapons is None for r in book.baseline)
    restrictions = {r.id: (sorted(r.states), r.territories) for r in book.restrictions}
    assert restrictions == RESTRICTIONS
    assert all(r.in_force.always for r in book.restrictions)


CITED = [
    # weapon, assumed consents, the restrictions a missing consent cites (RU-BEL airbase)
    ("ATACMS", [], {"us-restriction"}),
    ("Storm Shadow", ["US"], {"gb-fr-consent-withheld"}),
    ("SCALP", [], {"us-restriction", "gb-fr-consent-withheld"}),
]


def check_citations(book: Rulebook) -> None:
    restrictions = {r.id for r in book.restrictions}
    for weapon, assume, cited in CITED:
        case = {
            "date": "2024-11-20",
            "weapon": weapon,
            "target": {"territory": "RU-BEL", "kind": "airbase"},
            "assume": {"consent": assume},
        }
        verdict = checker.evaluate(book, scenario_of(case))
        assert verdict.verdict == "prohibited"
        assert set(verdict.rules) & restrictions == cited, weapon


CHECKS = [check_weapon_catalogue, check_grants, check_baseline_and_restrictions, check_citations]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_rule_data(check: Callable[[Rulebook], None], rulebook: Rulebook) -> None:
    check(rulebook)


# --------------------------------------------------------------------------- the pins bite


def failures(book: Rulebook) -> list[str]:
    """Everything in this module that `book` breaks."""
    found = mismatches(book)
    for check in CHECKS:
        try:
            check(book)
        except AssertionError as err:
            found.append(f"{check.__name__}: {err}")
    return found


def sub(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times"
        return text.replace(old, new)

    return edit


def swap(one: str, other: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert text.count(one) == 1 and text.count(other) == 1, (one, other)
        return text.replace(one, "\0").replace(other, one).replace("\0", other)

    return edit


US = "grants/us.yaml"
HIMARS_SINCE = "    in_force: {from: 2024-05}\n    territories: [RU]"
ATACMS_SINCE = "    in_force: {from: 2024-11-17}\n    territories: [RU]"
BROAD = "        territories: [RU]\n        provenance"
UA_ONLY = "{territories: [UA], operators: [UA]}"
RU_ONLY = "{territories: [RU], operators: [UA]}"
MUTANTS: list[tuple[str, str, Callable[[str], str]]] = [
    # (what changes, file, edit): one small semantic change each
    ("ATACMS a day early", US, sub("{from: 2024-11-17}", "{from: 2024-11-16}")),
    ("ATACMS a day late", US, sub("{from: 2024-11-17}", "{from: 2024-11-18}")),
    ("ATACMS ends", US, sub("{from: 2024-11-17}", "{from: 2024-11-17, until: 2025-12-31}")),
    ("HIMARS a month early", US, sub("{from: 2024-05}", "{from: 2024-04}")),
    ("HIMARS a month late", US, sub("{from: 2024-05}", "{from: 2024-06}")),
    ("HIMARS from its first day", US, sub("{from: 2024-05}", "{from: 2024-05-01}")),
    ("HIMARS from its last day", US, sub("{from: 2024-05}", "{from: 2024-05-31}")),
    ("ATACMS no supply lines", US, sub("ammunition_depot, supply_line]", "ammunition_depot]")),
    ("ATACMS no depots", US, sub("ammunition_depot, supply_line]", "supply_line]")),
    ("ATACMS no equipment", US, sub("[military_equipment, logistics_hub,", "[logistics_hub,")),
    ("ATACMS no hubs", US, sub("[military_equipment, logistics_hub,", "[military_equipment,")),
    ("ATACMS + airbase", US, sub("supply_line]", "supply_line, airbase]")),
    ("ATACMS + command post", US, sub("supply_line]", "supply_line, command_post]")),
    ("ATACMS + civilian", US, sub("supply_line]", "supply_line, civilian]")),
    ("ATACMS troops + airbase", US, sub("kinds: [troops]\n", "kinds: [troops, airbase]\n")),
    ("HIMARS no equipment", US, sub("[troops, military_equipment]", "[troops]")),
    ("HIMARS no troops", US, sub("[troops, military_equipment]", "[military_equipment]")),
    ("HIMARS + depot", US, sub("military_equipment]", "military_equipment, ammunition_depot]")),
    ("HIMARS + KP", US, sub("forces: [RU]\n", "forces: [RU, KP]\n")),
    ("HIMARS any forces", US, sub("        forces: [RU]\n", "")),
    ("ATACMS no KP", US, sub("forces: [RU, KP]", "forces: [RU]")),
    ("ATACMS no RU", US, sub("forces: [RU, KP]", "forces: [KP]")),
    ("ATACMS + BY", US, sub("forces: [RU, KP]", "forces: [RU, KP, BY]")),
    ("ATACMS any forces", US, sub("        forces: [RU, KP]\n", "")),
    ("narrow + Bryansk", US, sub("[RU-KRS]", "[RU-KRS, RU-BRY]")),
    ("narrow is Belgorod", US, sub("[RU-KRS]", "[RU-BEL]")),
    ("broad is Kursk", US, sub(BROAD, BROAD.replace("[RU]", "[RU-KRS]"))),
    ("HIMARS Belgorod only", US, sub(HIMARS_SINCE, HIMARS_SINCE.replace("[RU]", "[RU-BEL]"))),
    ("ATACMS + UA", US, sub(ATACMS_SINCE, ATACMS_SINCE.replace("[RU]", "[RU, UA]"))),
    ("readings swapped", US, swap("  narrow:\n", "  broad:\n")),
    ("readings reordered", "rulebook.yaml", swap("    narrow: ", "    broad: ")),
    ("ATACMS grant + HIMARS", US, sub("weapons: [atacms]", "weapons: [atacms, himars]")),
    ("HIMARS grant + ATACMS", US, sub("weapons: [himars]", "weapons: [himars, atacms]")),
    ("Storm Shadow: GB only", "weapons.yaml", sub("[GB, US]", "[GB]")),
    ("Storm Shadow: US only", "weapons.yaml", sub("[GB, US]", "[US]")),
    ("SCALP: FR only", "weapons.yaml", sub("[FR, US]", "[FR]")),
    ("SCALP: US only", "weapons.yaml", sub("[FR, US]", "[US]")),
    ("Storm Shadow from FR", "weapons.yaml", sub("supplier: GB", "supplier: FR")),
    ("ATACMS range", "weapons.yaml", sub("miles: 190, km: 306", "miles: 191, km: 307")),
    ("no GMLRS", "weapons.yaml", sub("GMLRS, ", "")),
    ("no MGM-140", "weapons.yaml", sub("[MGM-140, ", "[")),
    ("no SCALP-EG", "weapons.yaml", sub("[SCALP-EG, SCALP EG]", "[]")),
    ("civilian permitted", "baseline.yaml", sub("then: prohibited", "then: permitted")),
    ("civilian undetermined", "baseline.yaml", sub("then: prohibited", "then: undetermined")),
    ("Ukraine prohibited", "baseline.yaml", sub("then: permitted", "then: prohibited")),
    ("Ukraine by consent", "baseline.yaml", sub("then: permitted", "then: consent")),
    ("Russia permitted", "baseline.yaml", sub("then: consent", "then: permitted")),
    ("Russia undetermined", "baseline.yaml", sub("then: consent", "then: undetermined")),
    ("elsewhere prohibited", "baseline.yaml", sub("then: undetermined", "then: prohibited")),
    ("elsewhere permitted", "baseline.yaml", sub("then: undetermined", "then: permitted")),
    ("civilian after Ukraine", "baseline.yaml", swap("precedence: 1\n", "precedence: 2\n")),
    ("Ukraine + BY", "baseline.yaml", sub(UA_ONLY, UA_ONLY.replace("[UA],", "[UA, BY],"))),
    ("Ukraine + US operator", "baseline.yaml", sub(UA_ONLY, UA_ONLY.replace("[UA]}", "[UA, US]}"))),
    ("Russia + BY", "baseline.yaml", sub(RU_ONLY, RU_ONLY.replace("[RU]", "[RU, BY]"))),
    ("Russia any operator", "baseline.yaml", sub(RU_ONLY, "{territories: [RU]}")),
    (
        "airbases civilian",
        "baseline.yaml",
        sub("{kinds: [civilian]}", "{kinds: [civilian, airbase]}"),
    ),
    (
        "US restriction on BY",
        "restrictions.yaml",
        sub("[US]\n    territories: [RU]", "[US]\n    territories: [BY]"),
    ),
    ("GB/FR restriction + US", "restrictions.yaml", sub("[GB, FR]", "[GB, FR, US]")),
    (
        "restrictions start",
        "restrictions.yaml",
        sub("in_force: always", "in_force: {from: 2024-01-01}", 2),
    ),
]


@pytest.mark.parametrize(("name", "file", "edit"), MUTANTS, ids=[m[0] for m in MUTANTS])
def test_every_mutant_is_caught(
    name: str, file: str, edit: Callable[[str], str], tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / file
    path.write_text(edit(path.read_text()))
    mutant = checker.load_rulebook(rules)  # a valid rulebook: only its meaning changed
    assert failures(mutant), f"no pin notices: {name}"


def test_the_shipped_rules_break_no_pin(rulebook: Rulebook) -> None:
    assert failures(rulebook) == []
