"""The rules of a rulebook: weapons, grants, restrictions, baseline rules, and their sources.

Frozen records with the fields the rule files have (read and checked by
`checker.read`); lists stay lists as the files give them. A changed rule is a new value
(`msgspec.structs.replace`), which is how readings (`Grant.under`) and mutants are made.
"""

from datetime import date
from typing import Any, Literal, TypeAlias, get_args

from msgspec import Struct, field
from msgspec.structs import replace

from checker.model.dates import PolicyDate, in_force_text

EVIDENCE_LEVELS = ("stated", "reported", "inferred", "baseline")
"""`stated`: the source asserts it in its own voice; `reported`: the source attributes it to
others (officials, another outlet); `inferred`: this project's reading, which the source
implies but does not say; `baseline`: a rule from outside the source."""

EVIDENCE_MEANINGS = {
    "stated": "the source says it in its own voice",
    "reported": "the source attributes it to others (officials, another outlet)",
    "inferred": "this project's reading: the source implies it but does not say it",
    "baseline": "a rule from outside the source (international humanitarian law)",
}
"""What each evidence level means, as a reader is told (the HTML report's legend)."""

Support = Literal[
    "supplier",
    "consent",
    "range",
    "restriction",
    "weapons",
    "kinds",
    "forces",
    "territories",
    "in_force",
    "reading",
    "precedence",
]
SUPPORTS: tuple[str, ...] = get_args(Support)
"""What a provenance entry can support: an explanation cites, for each fact it states, the
entry that supports that very fact."""


class Provenance(Struct, frozen=True):
    """What a rule rests on: whole sentences of a source, and how strongly it says them."""

    source: str
    quote: str
    evidence: str
    supports: list[str] = field(default_factory=list)
    highlight: str | None = None
    basis: str | None = None


class InForce(Struct, frozen=True):
    """When a rule is in force: always, or from and/or until a day or a month (inclusive)."""

    from_: PolicyDate | None = None
    until: PolicyDate | None = None

    @property
    def always(self) -> bool:
        return self.from_ is None and self.until is None

    def __str__(self) -> str:
        return in_force_text(self.from_, self.until)


class Range(Struct, frozen=True):
    stated: str
    miles: float
    km: float


class Weapon(Struct, frozen=True):
    id: str
    name: str
    aliases: list[str]
    supplier: str
    consent_required: list[str]
    range: Range
    provenance: list[Provenance]
    description: str | None = None
    launchers: list[str] = field(default_factory=list)
    """Names of a launcher that also fires other weapons: a scenario naming the weapon so
    gets a caveat saying which munitions the name stands for."""


class TargetClause(Struct, frozen=True):
    kinds: list[str]
    forces: list[str] | None = None


class ReadingOverride(Struct, frozen=True):
    """How one reading of an ambiguous statement changes a grant."""

    summary: str
    territories: list[str] | None
    targets: list[TargetClause] | None
    in_force: InForce | None
    provenance: list[Provenance]


class Grant(Struct, frozen=True):
    """A reported consent: `grantor` allows `weapons` against `targets` on `territories`."""

    id: str
    title: str
    grantor: str
    weapons: list[str]
    in_force: InForce
    territories: list[str]
    targets: list[TargetClause]
    readings: dict[str, ReadingOverride]
    provenance: list[Provenance]

    def under(self, reading: str) -> "Grant":
        """This grant as one reading understands it."""
        override = self.readings.get(reading)
        if override is None:
            return self
        changes: dict[str, Any] = {
            "provenance": [*self.provenance, *override.provenance],
            "readings": {},
        }
        for name in ("territories", "targets", "in_force"):
            value = getattr(override, name)
            if value is not None:
                changes[name] = value
        return replace(self, **changes)


class Restriction(Struct, frozen=True):
    """States whose consent is withheld on some territories unless a grant gives it."""

    id: str
    title: str
    states: list[str]
    territories: list[str]
    in_force: InForce
    provenance: list[Provenance]


class Conditions(Struct, frozen=True):
    """What a baseline rule applies to; an absent list means any value."""

    kinds: list[str] | None = None
    territories: list[str] | None = None
    operators: list[str] | None = None
    weapons: list[str] | None = None

    @property
    def any(self) -> bool:
        """Whether the rule applies whatever the strike (no condition at all)."""
        return all(
            value is None for value in (self.kinds, self.territories, self.operators, self.weapons)
        )


class BaselineRule(Struct, frozen=True):
    """A rule that decides the regime; the lowest `precedence` that applies wins."""

    id: str
    title: str
    precedence: int
    when: Conditions
    then: str
    in_force: InForce
    provenance: list[Provenance]


class Source(Struct, frozen=True):
    id: str
    title: str
    published: date
    attribution: str | None = None
    document: str | None = None
    url: str | None = None


class RulebookHeader(Struct, frozen=True):
    name: str
    readings: dict[str, str]
    sources: list[Source]


Rule: TypeAlias = "Weapon | Grant | Restriction | BaselineRule"


def entry(rule: Any, fact: str, extra: list[Provenance] | None = None) -> Provenance | None:
    """The provenance entry of `rule` (and `extra` entries, e.g. a reading's) that supports
    `fact`, or None: what an explanation quotes for that fact."""
    entries = [*(extra or ()), *rule.provenance]
    return next((e for e in entries if fact in e.supports), None)
