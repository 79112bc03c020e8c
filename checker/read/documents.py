"""The two input formats as pydantic documents: scenario files (JSON) and rule files (YAML).

The only module that defines pydantic models (and `checker.read` the only package that
imports pydantic): the documents check shape and single values, word every refusal and
give the JSON Schemas their shape. What they accept is turned at once into the runtime
types of `checker.model` (`runtime`), which is all any other layer sees. Rules that span
several fields or files (a grant naming a known weapon, a quote found in its source) live
in `checker.read.rulechecks`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)

from checker.model import rules, scenario
from checker.model.codes import COUNTRY_PATTERN, TERRITORY_PATTERN, check_country, check_territory
from checker.model.dates import PolicyDate, parse_day, parse_policy_date
from checker.model.rules import Support
from checker.model.terms import TargetKind, Verdict


class _Strict(BaseModel):
    # strict: "51.7" is not a number and 1 is not a string; extra: a typo is an error.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


# --------------------------------------------------------------------------- dates

DayDate = Annotated[
    date,
    BeforeValidator(parse_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]
RULE_YEARS = (1900, 2999)
"""The years a rule's date may name: a policy dated outside them cannot be meaningful
(and the day before 0001-01-01 or after 9999-12-31, which the audits compute, is none)."""


def _rule_year(value: Any) -> Any:
    first = value.first if isinstance(value, PolicyDate) else value
    low, high = RULE_YEARS
    if isinstance(first, date) and not low <= first.year <= high:
        raise ValueError(f"'{value}' is outside the years {low} to {high} a rule's date may name")
    return value


RuleDay = Annotated[DayDate, AfterValidator(_rule_year)]
PolicyDateField = Annotated[
    PolicyDate,
    PlainValidator(lambda value: _rule_year(parse_policy_date(value))),
    PlainSerializer(str, return_type=str),  # dumps as written: 2024-05 or 2024-11-17
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}(-\d{2})?$",
            "description": "a day (YYYY-MM-DD) or, when the source gives only the month, YYYY-MM",
        }
    ),
]


# --------------------------------------------------------------------------- codes

Country = Annotated[
    str,
    AfterValidator(check_country),
    WithJsonSchema({"type": "string", "pattern": COUNTRY_PATTERN}),
]
Territory = Annotated[
    str,
    AfterValidator(check_territory),
    WithJsonSchema({"type": "string", "pattern": TERRITORY_PATTERN}),
]
RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=64)]
ShortText = Annotated[str, Field(max_length=4000)]


def _unique_upper(codes: list[str]) -> list[str]:
    return sorted(set(codes))


# --------------------------------------------------------------------------- scenario


class GeoPointDoc(_Strict):
    """A WGS84 position."""

    lat: float = Field(ge=-90, le=90, allow_inf_nan=False, description="latitude, degrees")
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False, description="longitude, degrees")


class TargetDoc(_Strict):
    territory: Territory = Field(
        description="ISO 3166-1 alpha-2 (RU, UA, BY) or ISO 3166-2 (RU-KRS, UA-43) code"
    )
    kind: TargetKind = Field(description="what is struck")
    forces: Annotated[list[Country], AfterValidator(_unique_upper)] | None = Field(
        default=None, description="ISO alpha-2 codes of the forces at the target (RU, KP)"
    )
    location: GeoPointDoc | None = Field(default=None, description="where the target is")


class LaunchDoc(_Strict):
    location: GeoPointDoc | None = Field(default=None, description="where the weapon is fired from")


class AssumeDoc(_Strict):
    consent: Annotated[list[Country], AfterValidator(_unique_upper)] = Field(
        default_factory=list, description="states assumed to consent to this strike (what if)"
    )


class ScenarioDoc(_Strict):
    """A strike to evaluate under the reported policy (scenario format version 1)."""

    schema_: str | None = Field(default=None, alias="$schema", description="JSON Schema URL")
    id: ShortText | None = Field(default=None, description="a short name for the scenario")
    title: ShortText | None = Field(default=None, description="one line saying what it is")
    notes: ShortText | None = Field(default=None, description="free text")
    date: DayDate = Field(description="day of the strike, YYYY-MM-DD")
    operator: Country = Field(default="UA", description="who fires, ISO alpha-2")
    weapon: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        description="a name or alias from the weapon catalogue, any letter case"
    )
    target: TargetDoc
    launch: LaunchDoc | None = None
    assume: AssumeDoc | None = None
    expect: Verdict | None = Field(default=None, description="expected verdict (checker test)")

    @property
    def consents(self) -> tuple[str, ...]:
        return tuple(self.assume.consent) if self.assume else ()


# --------------------------------------------------------------------------- rule files


class ProvenanceDoc(_Strict):
    """What a rule rests on: whole sentences of a source, and how strongly it says them."""

    source: RuleId = Field(description="id of a source declared in the rulebook")
    quote: Annotated[str, Field(min_length=10, max_length=2000)] = Field(
        description="one or more whole sentences of the source, verbatim"
    )
    evidence: Literal["stated", "reported", "inferred", "baseline"] = Field(
        description="stated: the source says it in its own voice; reported: the source "
        "attributes it to others; inferred: this project's reading; baseline: from outside "
        "the source"
    )
    supports: Annotated[list[Support], Field(min_length=1)] = Field(
        description="which facts of the rule this entry supports (an explanation quotes it "
        "for those facts)"
    )
    highlight: Annotated[str, Field(min_length=1, max_length=2000)] | None = Field(
        default=None, description="the words of the quote that matter (a part of it)"
    )
    basis: ShortText | None = Field(
        default=None, description="for baseline rules: the principle outside the report"
    )


Provenances = Annotated[list[ProvenanceDoc], Field(min_length=1)]


def _always(value: Any) -> Any:
    return {} if value == "always" else value


class InForceDoc(_Strict):
    """When a rule is in force: `always`, or from and/or until a day or a month (inclusive)."""

    from_: PolicyDateField | None = Field(default=None, alias="from")
    until: PolicyDateField | None = None


InForceField = Annotated[InForceDoc, BeforeValidator(_always)]


class RangeDoc(_Strict):
    stated: ShortText = Field(description="the range as the source words it")
    miles: float = Field(gt=0, allow_inf_nan=False)
    km: float = Field(gt=0, allow_inf_nan=False)


class WeaponDoc(_Strict):
    id: RuleId
    name: Annotated[str, Field(min_length=1, max_length=100)]
    aliases: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list)
    supplier: Country
    consent_required: Annotated[list[Country], Field(min_length=1)] = Field(
        description="states whose consent its use on restricted territory needs"
    )
    range: RangeDoc
    provenance: Provenances
    description: ShortText | None = Field(
        default=None, description="what the name stands for, when it could mean more"
    )
    launchers: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list,
        description="names of a launcher that fires other weapons too: a scenario naming "
        "the weapon so gets a caveat",
    )


class TargetClauseDoc(_Strict):
    kinds: Annotated[list[TargetKind], Field(min_length=1)]
    forces: Annotated[list[Country], Field(min_length=1)] | None = Field(
        default=None,
        description="when given, target.forces must be given, non-empty and within these",
    )


class ReadingOverrideDoc(_Strict):
    """How one reading of an ambiguous statement changes a grant."""

    summary: ShortText
    territories: Annotated[list[Territory], Field(min_length=1)] | None = None
    targets: Annotated[list[TargetClauseDoc], Field(min_length=1)] | None = None
    in_force: InForceField | None = None
    provenance: Provenances


class GrantDoc(_Strict):
    """A reported consent: `grantor` allows `weapons` against `targets` on `territories`."""

    id: RuleId
    title: ShortText
    grantor: Country
    weapons: Annotated[list[RuleId], Field(min_length=1)]
    in_force: InForceField
    territories: Annotated[list[Territory], Field(min_length=1)]
    targets: Annotated[list[TargetClauseDoc], Field(min_length=1)]
    readings: dict[str, ReadingOverrideDoc] = Field(default_factory=dict)
    provenance: Provenances


class RestrictionDoc(_Strict):
    """States whose consent is withheld on some territories unless a grant gives it."""

    id: RuleId
    title: ShortText
    states: Annotated[list[Country], Field(min_length=1)]
    territories: Annotated[list[Territory], Field(min_length=1)]
    in_force: InForceField = Field(default_factory=InForceDoc)
    provenance: Provenances


class ConditionsDoc(_Strict):
    """What a baseline rule applies to; an absent list means any value."""

    kinds: Annotated[list[TargetKind], Field(min_length=1)] | None = None
    territories: Annotated[list[Territory], Field(min_length=1)] | None = None
    operators: Annotated[list[Country], Field(min_length=1)] | None = None
    weapons: Annotated[list[RuleId], Field(min_length=1)] | None = None


class BaselineRuleDoc(_Strict):
    """A rule that decides the regime; the lowest `precedence` that applies wins."""

    id: RuleId
    title: ShortText
    precedence: int = Field(ge=1, le=1000)
    when: ConditionsDoc = Field(default_factory=ConditionsDoc)
    then: Literal["permitted", "prohibited", "undetermined", "consent"]
    in_force: InForceField = Field(default_factory=InForceDoc)
    provenance: Provenances


class SourceDoc(_Strict):
    id: RuleId
    title: ShortText
    published: RuleDay
    attribution: ShortText | None = None
    document: Annotated[ShortText, AfterValidator(_file_name)] | None = Field(
        default=None, description="path of the source text, relative to the rulebook folder"
    )
    url: ShortText | None = Field(default=None, description="where the source was published")


def _file_name(value: str) -> str:
    if "\x00" in value:
        raise ValueError("a file name cannot hold a NUL character")
    return value


class RulebookHeaderDoc(_Strict):
    name: ShortText
    readings: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")], ShortText] = Field(
        default_factory=dict, description="names of the readings of ambiguous statements"
    )
    sources: Annotated[list[SourceDoc], Field(min_length=1)]


class RuleFile(_Strict):
    """One YAML file of the rulebook; a rulebook is every such file in a folder."""

    rulebook: RulebookHeaderDoc | None = None
    weapons: list[WeaponDoc] = Field(default_factory=list)
    grants: list[GrantDoc] = Field(default_factory=list)
    restrictions: list[RestrictionDoc] = Field(default_factory=list)
    baseline: list[BaselineRuleDoc] = Field(default_factory=list)


# --------------------------------------------------------------------------- to runtime types

RUNTIME: dict[type[BaseModel], type] = {
    GeoPointDoc: scenario.GeoPoint,
    TargetDoc: scenario.Target,
    LaunchDoc: scenario.Launch,
    AssumeDoc: scenario.Assume,
    ScenarioDoc: scenario.Scenario,
    ProvenanceDoc: rules.Provenance,
    InForceDoc: rules.InForce,
    RangeDoc: rules.Range,
    WeaponDoc: rules.Weapon,
    TargetClauseDoc: rules.TargetClause,
    ReadingOverrideDoc: rules.ReadingOverride,
    GrantDoc: rules.Grant,
    RestrictionDoc: rules.Restriction,
    ConditionsDoc: rules.Conditions,
    BaselineRuleDoc: rules.BaselineRule,
    SourceDoc: rules.Source,
    RulebookHeaderDoc: rules.RulebookHeader,
}
"""Each document's runtime type, with the same fields under the same names."""


ALIASES = {"from_": "from", "schema_": "$schema"}
"""Runtime field names that the files spell otherwise."""


def data_of(value: Any) -> Any:
    """A runtime value back to the data its file would hold (None fields left out)."""
    if isinstance(value, PolicyDate):
        return str(value)
    fields = getattr(type(value), "__struct_fields__", None)
    if fields is not None:
        pairs = ((ALIASES.get(name, name), getattr(value, name)) for name in fields)
        return {key: data_of(item) for key, item in pairs if item is not None and key[0] != "_"}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: data_of(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [data_of(item) for item in value]
    return value


def runtime(value: Any) -> Any:
    """A document as its runtime type, field by field; lists, dicts and values kept."""
    kind = RUNTIME.get(type(value))
    if kind is not None:
        return kind(**{name: runtime(getattr(value, name)) for name in type(value).model_fields})
    if isinstance(value, list):
        return [runtime(item) for item in value]
    if isinstance(value, dict):
        return {key: runtime(item) for key, item in value.items()}
    return value
