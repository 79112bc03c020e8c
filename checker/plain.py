"""The rule models' plain twins: frozen dataclasses that read exactly like `checker.model`.

Defining the pydantic models costs most of a `checker eval` start-up, and unpickling them
imports pydantic. The fast eval path (`checker.quick`) therefore reads a rulebook whose
rules are these twins instead: each has its model's fields, in order, with the same values
(lists stay lists), and the behaviour evaluation uses (`InForce.always` and its text,
`Grant.under`). `load_rulebook` writes such a rulebook beside its cache (`plain_rulebook`);
nothing here imports pydantic, and a test checks that every twin has its model's fields.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from checker.dates import PolicyDate, in_force_text

if TYPE_CHECKING:
    from checker.rulebook import Rulebook


def changes_under(grant: Any, reading: str) -> dict[str, Any] | None:
    """What one reading changes in a grant (a model or its twin), or None if nothing."""
    override = grant.readings.get(reading)
    if override is None:
        return None
    changes: dict[str, Any] = {
        "provenance": [*grant.provenance, *override.provenance],
        "readings": {},
    }
    for name in ("territories", "targets", "in_force"):
        value = getattr(override, name)
        if value is not None:
            changes[name] = value
    return changes


@dataclass(frozen=True)
class Provenance:
    source: str
    quote: str
    evidence: str
    supports: str | None
    basis: str | None


@dataclass(frozen=True)
class InForce:
    from_: PolicyDate | None
    until: PolicyDate | None

    @property
    def always(self) -> bool:
        return self.from_ is None and self.until is None

    def __str__(self) -> str:
        return in_force_text(self.from_, self.until)


@dataclass(frozen=True)
class Range:
    stated: str
    miles: float
    km: float


@dataclass(frozen=True)
class Weapon:
    id: str
    name: str
    aliases: list[str]
    supplier: str
    consent_required: list[str]
    range: Range
    provenance: list[Provenance]


@dataclass(frozen=True)
class TargetClause:
    kinds: list[str]
    forces: list[str] | None


@dataclass(frozen=True)
class ReadingOverride:
    summary: str
    territories: list[str] | None
    targets: list[TargetClause] | None
    in_force: InForce | None
    provenance: list[Provenance]


@dataclass(frozen=True)
class Grant:
    id: str
    title: str
    grantor: str
    weapons: list[str]
    in_force: InForce
    territories: list[str]
    targets: list[TargetClause]
    readings: dict[str, ReadingOverride]
    provenance: list[Provenance]

    def under(self, reading: str) -> Grant:
        """This grant as one reading understands it."""
        changes = changes_under(self, reading)
        return self if changes is None else replace(self, **changes)


@dataclass(frozen=True)
class Restriction:
    id: str
    title: str
    states: list[str]
    territories: list[str]
    in_force: InForce
    provenance: list[Provenance]


@dataclass(frozen=True)
class Conditions:
    kinds: list[str] | None
    territories: list[str] | None
    operators: list[str] | None
    weapons: list[str] | None


@dataclass(frozen=True)
class BaselineRule:
    id: str
    title: str
    precedence: int
    when: Conditions
    then: str
    in_force: InForce
    provenance: list[Provenance]


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    published: date
    attribution: str | None
    document: str | None


@dataclass(frozen=True)
class RulebookHeader:
    name: str
    readings: dict[str, str]
    sources: list[Source]


TWINS: dict[str, type] = {
    twin.__name__: twin
    for twin in (
        Provenance,
        InForce,
        Range,
        Weapon,
        TargetClause,
        ReadingOverride,
        Grant,
        Restriction,
        Conditions,
        BaselineRule,
        Source,
        RulebookHeader,
    )
}
"""Each twin under its model's class name."""


def twin(value: Any) -> Any:
    """A model's plain twin, field by field; lists, dicts and plain values kept as they are."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        return TWINS[type(value).__name__](**{name: twin(getattr(value, name)) for name in fields})
    if isinstance(value, list):
        return [twin(item) for item in value]
    if isinstance(value, tuple):
        return tuple(twin(item) for item in value)
    if isinstance(value, dict):
        return {key: twin(item) for key, item in value.items()}
    return value


def plain_rulebook(book: Rulebook) -> Rulebook:
    """The same rulebook with every model replaced by its twin."""
    return replace(
        book,
        header=twin(book.header),
        weapons=twin(book.weapons),
        grants=twin(book.grants),
        restrictions=twin(book.restrictions),
        baseline=twin(book.baseline),
        sources=twin(book.sources),
        _names={},  # a cache of the models: filled afresh on first use
    )


def is_plain(book: Rulebook) -> bool:
    """Whether every rule of `book` is a twin (a rulebook read fast never imports pydantic)."""
    rules = (Weapon, Grant, Restriction, BaselineRule)
    return isinstance(book.header, RulebookHeader) and all(
        isinstance(rule, rules) for rule in book.rules()
    )
