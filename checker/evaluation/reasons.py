"""One reading's trace in plain words: the deciding facts first, each with its sentence.

The engine decides; its trace says which regime applied and, under the consent regime,
which required consent was in force, only possibly in force, or missing. For a missing
consent the trace knows no grant applied, not why: the explanation reads each candidate
grant's conditions (kind, territory, forces, dates) to name the one that fails, and
cites the provenance entry that supports that very condition (`model.rules.entry`). Those
reads never change a verdict; they only word it.

Every sentence here is for people: places, states, kinds and dates by name
(`model.names`), never an ISO code, a field path or a rule id.
"""

from __future__ import annotations

from msgspec import Struct, field

from checker.model import names
from checker.model.rulebook import Rulebook
from checker.model.rules import BaselineRule, Grant, Provenance, TargetClause, Weapon, entry
from checker.model.strike import Strike
from checker.model.trace import Consent, Trace
from checker.model.verdict import ReadingResult, Reason, Uncertainty

DOUBT_CODES = {"month": "month-precision", "forces": "missing-fact", "subdivision": "missing-fact"}


def cited(
    text: str,
    rule: str | None,
    found: Provenance | None,
    *,
    deciding: bool = False,
    reading: str | None = None,
) -> Reason:
    """A reason quoting `found`, the entry that supports its fact (none for an assumption)."""
    if found is None:
        return Reason(text, rule, deciding=deciding, reading=reading)
    return Reason(
        text,
        rule,
        quote=found.quote,
        evidence=found.evidence,
        source=found.source,
        highlight=found.highlight,
        reading=reading,
        deciding=deciding,
    )


def sentence(clause: str) -> str:
    """A clause as a sentence: capitalised, with a full stop."""
    return names.capital(clause) + ("" if clause.endswith((".", "?", "!")) else ".")


def clause_of(title: str) -> str:
    """A rule's title as a clause that follows a colon: its first word in lower case, unless
    that word is a name ("Ukraine's use ...")."""
    first = title.split(" ", 1)[0].removesuffix("'s")
    return title if names.is_name(first) else title[:1].lower() + title[1:]


def places(codes: list[str]) -> str:
    return names.join(names.place(code) for code in codes)


class Explainer(Struct):
    """The reasons, the deciding clause and the doubts of one reading's trace."""

    book: Rulebook
    strike: Strike
    reading: str
    trace: Trace
    rules: list[str] = field(default_factory=list)
    deciding: list[Reason] = field(default_factory=list)
    context: list[Reason] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    doubts: list[Uncertainty] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    grants: dict[str, Grant] = field(default_factory=dict)
    """The rulebook's grants as this reading understands them, by id."""

    def __post_init__(self) -> None:
        self.grants = {g.id: g for g in self.book.grants_under(self.reading)}

    def explain(self) -> ReadingResult:
        (verdict,) = self.trace.verdicts
        regime = next((r for r in self.book.baseline if r.id == self.trace.regime), None)
        if regime is not None:
            self._use(regime.id)
            if regime.then == "consent":
                self._consents(regime, verdict)
            else:
                self._regime(regime)
        reasons = _unique([*self.deciding, *self.context])
        why = "; ".join(self.clauses)
        return ReadingResult(
            self.reading, verdict, tuple(self.rules), reasons, tuple(self.doubts), why
        )

    def _use(self, rule_id: str) -> None:
        if rule_id not in self.rules:
            self.rules.append(rule_id)

    def _decide(self, clause: str, rule: str | None, found: Provenance | None) -> None:
        self.clauses.append(clause)
        self.deciding.append(cited(sentence(clause), rule, found, deciding=True))

    def _context(self, text: str, rule: str | None, found: Provenance | None) -> None:
        self.context.append(cited(sentence(text), rule, found))

    # ---- a regime that decides by itself

    def _regime(self, rule: BaselineRule) -> None:
        found = entry(rule, "precedence") or rule.provenance[0]
        if rule.then == "undetermined":
            clause = self._outside()
            self.doubts.append(
                Uncertainty("outside-policy", sentence(clause), self.reading, rule.id)
            )
            self._decide(clause, rule.id, found)
            return
        clause = clause_of(rule.title)
        if found.evidence == "baseline" and found.basis:
            clause += f" ({found.basis.split(' (')[0]}, outside the report)"
        self._decide(clause, rule.id, found)

    def _outside(self) -> str:
        strike = self.strike
        covered = sorted({c for r in self.book.baseline for c in (r.when.operators or ())})
        if covered and strike.operator not in covered:
            return (
                f"the strike is by {names.state(strike.operator)}, and the reported policy "
                f"concerns strikes by {names.join(names.state(c) for c in covered)} only"
            )
        countries = sorted({c for r in self.book.baseline for c in (r.when.territories or ())})
        return (
            f"{names.place(strike.country)} lies outside the reported policy, which concerns "
            f"strikes in {names.join(names.place(c) for c in countries)} only"
        )

    # ---- the consent regime

    def _consents(self, regime: BaselineRule, verdict: str) -> None:
        trace, strike = self.trace, self.strike
        weapon = self.book.weapon(trace.weapon_rule) if trace.weapon_rule else None
        where = names.place(strike.country)
        self._context(regime.title, regime.id, entry(regime, "precedence") or regime.provenance[0])
        if weapon is not None:
            self._use(weapon.id)
            self._requirements(weapon, where)
        for state in trace.required:
            sure = [c for c in trace.present if c.state == state]
            maybe = [c for c in trace.doubtful if c.state == state]
            if sure:
                # A reported consent before an assumed one: the first decides, the rest add.
                sure.sort(key=lambda c: c.via == "assume")
                for index, consent in enumerate(sure):
                    self._present(consent, weapon, deciding=verdict == "permitted" and not index)
            elif maybe:
                for consent in maybe:
                    self._doubtful(consent, weapon)
            else:
                self._missing(state, weapon, where)
        if self.assumed:
            consents = names.join((f"of {name}" for name in self.assumed), "and")
            self._decide(f"the scenario assumes the consent {consents}", None, None)

    def _requirements(self, weapon: Weapon, where: str) -> None:
        for state in self.trace.required:
            name = names.state(state)
            if state == weapon.supplier:
                text = (
                    f"{weapon.name} is supplied by {name}, whose consent its use in {where} needs"
                )
                self._context(text, weapon.id, entry(weapon, "supplier"))
            else:
                text = (
                    f"the use of {weapon.name} in {where} is reported to wait on the consent of "
                    f"{name} too"
                )
                self._context(text, weapon.id, entry(weapon, "consent"))

    def _weapon_name(self, weapon: Weapon | None) -> str:
        return weapon.name if weapon is not None else "the weapon"

    def _present(self, consent: Consent, weapon: Weapon | None, *, deciding: bool) -> None:
        name = names.state(consent.state)
        if consent.via == "assume":
            if deciding:
                self.assumed.append(name)
            else:
                self._context(f"the scenario also assumes the consent of {name}", None, None)
            return
        grant = self.grants[consent.via]
        self._use(grant.id)
        kind = names.kinds([self.strike.kind])
        clause = (
            f"{name} was reported to allow {self._weapon_name(weapon)} against {kind} "
            f"{self._scope(grant)}{self._since(grant)}"
        )
        found = entry(grant, "kinds") or entry(grant, "consent")
        if deciding:
            self._decide(clause, grant.id, found)
        else:
            self._context(clause, grant.id, found)
        override = self._override(grant)
        if override is not None:
            self._context(
                f"under the {self.reading} reading, the consent covers {override}",
                grant.id,
                self._reading_entry(grant),
            )
        if grant.in_force.from_ is not None:
            self._context(
                f"the consent is in force from {self._start(grant)}",
                grant.id,
                entry(grant, "in_force"),
            )

    def _doubtful(self, consent: Consent, weapon: Weapon | None) -> None:
        grant = self.grants[consent.via]
        self._use(grant.id)
        lead = self._lead(consent.state, weapon)
        for why in consent.why:
            if why == "month":
                span = grant.in_force
                month = span.from_ if span.from_ and span.from_.precision == "month" else span.until
                assert month is not None
                clause = (
                    f"{lead} is dated only to the month ({names.month(month.first)}), and the "
                    f"strike on {names.day(self.strike.day)} falls inside it"
                )
                found = entry(grant, "in_force")
            elif why == "forces":
                wanted = list(dict.fromkeys(f for c in grant.targets for f in c.forces or ()))
                clause = (
                    f"{lead} against {names.kinds(self._forces_kinds(grant))} covers the forces "
                    f"of {names.join(names.state(f) for f in wanted)} only, and the scenario does "
                    "not say whose forces are at the target"
                )
                found = entry(grant, "forces")
            else:
                clause = (
                    f"under the {self.reading} reading, {lead} covers "
                    f"{places(grant.territories)} only, and the scenario gives the target only "
                    f"as {names.place(self.strike.territory)}"
                )
                found = self._reading_entry(grant) or entry(grant, "territories")
            self.doubts.append(
                Uncertainty(
                    DOUBT_CODES[why],
                    sentence(clause),
                    self.reading,
                    grant.id,
                    {"forces": "target.forces", "subdivision": "target.territory"}.get(why),
                )
            )
            self._decide(clause, grant.id, found)

    def _missing(self, state: str, weapon: Weapon | None, where: str) -> None:
        for rule_id in self.trace.missing.get(state, []):
            restriction = next(r for r in self.book.restrictions if r.id == rule_id)
            self._use(rule_id)
            self._context(restriction.title, rule_id, entry(restriction, "restriction"))
        name = names.state(state)
        weapon_name = self._weapon_name(weapon)
        candidates = [
            g
            for g in self.grants.values()
            if g.grantor == state and self.strike.weapon in g.weapons
        ]
        if not candidates:
            if weapon is not None and state != weapon.supplier:
                clause = (
                    f"the use of {weapon_name} in {where} is reported to wait on the consent of "
                    f"{name} too, and none is reported"
                )
                found = entry(weapon, "consent")
            else:
                clause = f"no consent of {name} to use {weapon_name} in {where} is reported"
                found = self._restriction_entry(state)
            self._decide(clause, weapon.id if weapon is not None else None, found)
            return
        # The grants that did not apply are quoted, not counted among the rules that fired.
        failures = [self._failure(grant, state, weapon) for grant in candidates]
        clause, rule, found = failures[0]
        others = "no other" if len(candidates) == 1 else "none"
        self.clauses.append(f"{clause}, and {others} consent of {name} is reported")
        for text, rule, found in failures:
            self.deciding.append(cited(sentence(text), rule, found, deciding=True))

    def _failure(
        self, grant: Grant, state: str, weapon: Weapon | None
    ) -> tuple[str, str, Provenance | None]:
        """The first condition of `grant` that the strike fails, in words, and its entry.

        Conditions no reading changes come first (kind, forces, dates), so readings that
        agree give the same deciding fact; the territory, which a reading may change, last.
        """
        strike, lead = self.strike, self._lead(state, weapon)
        clauses = [c for c in grant.targets if strike.kind in c.kinds]
        if not clauses:
            listed = [k for c in grant.targets for k in c.kinds]
            text = f"{lead} covers {names.kinds(dict.fromkeys(listed))}, not {names.kinds([strike.kind])}"
            return text, grant.id, entry(grant, "kinds")
        if all(self._forces_fail(c) for c in clauses):
            return self._forces_text(lead, clauses), grant.id, entry(grant, "forces")
        span = grant.in_force
        if span.until is not None and strike.day > span.until.last:
            text = f"{lead} ended on {names.day(span.until.last)}"
            return text, grant.id, entry(grant, "in_force")
        if span.from_ is not None and strike.day < span.from_.first:
            text = f"{lead} applies only from {self._start(grant)}"
            return text, grant.id, entry(grant, "in_force")
        override = self._override(grant)
        if override is not None:
            text = (
                f"under the {self.reading} reading, {lead} covers {override}, not "
                f"{names.place(strike.territory)}"
            )
            return text, grant.id, self._reading_entry(grant) or entry(grant, "territories")
        text = (
            f"{lead} covers {places(grant.territories)} only, not {names.place(strike.territory)}"
        )
        return text, grant.id, entry(grant, "territories")

    def _covers(self, codes: list[str]) -> bool:
        strike = self.strike
        return (
            strike.territory in codes
            or strike.country in codes
            or (
                "-" not in strike.territory
                and any(c.startswith(strike.country + "-") for c in codes)
            )
        )

    def _forces_fail(self, clause: TargetClause) -> bool:
        forces = self.strike.forces
        if clause.forces is None or forces is None:
            return False
        return not forces or not set(forces) <= set(clause.forces)

    def _forces_text(self, lead: str, clauses: list[TargetClause]) -> str:
        wanted = list(dict.fromkeys(f for c in clauses for f in c.forces or ()))
        allowed = names.join(names.state(f) for f in wanted)
        forces = self.strike.forces or ()
        if not forces:
            return f"{lead} covers only the forces of {allowed}, but the scenario names none"
        others = names.join(names.state(f) for f in sorted(set(forces) - set(wanted)))
        return f"{lead} covers only the forces of {allowed}, not those of {others}"

    def _forces_kinds(self, grant: Grant) -> list[str]:
        return [k for c in grant.targets if c.forces is not None for k in c.kinds]

    def _lead(self, state: str, weapon: Weapon | None) -> str:
        return (
            f"the consent {names.state(state)} was reported to give for {self._weapon_name(weapon)}"
        )

    def _scope(self, grant: Grant) -> str:
        """Where the grant holds under this reading: "in Kursk oblast", "anywhere in Russia"."""
        codes = grant.territories
        if all("-" in code for code in codes) or self._override(grant) is None:
            return f"in {places(codes)}"
        return f"anywhere in {places(codes)}"

    def _override(self, grant: Grant) -> str | None:
        original = next((g for g in self.book.grants if g.id == grant.id), None)
        override = original.readings.get(self.reading) if original is not None else None
        if override is None or override.territories is None:
            return None
        codes = override.territories
        return (
            f"{places(codes)} only"
            if any("-" in c for c in codes)
            else f"anywhere in {places(codes)}"
        )

    def _reading_entry(self, grant: Grant) -> Provenance | None:
        original = next((g for g in self.book.grants if g.id == grant.id), None)
        override = original.readings.get(self.reading) if original is not None else None
        extra = override.provenance if override is not None else []
        return entry(grant, "reading", list(extra)) or (extra[0] if extra else None)

    def _since(self, grant: Grant) -> str:
        return f" from {self._start(grant)}" if grant.in_force.from_ is not None else ""

    def _start(self, grant: Grant) -> str:
        start = grant.in_force.from_
        assert start is not None
        return names.day(start.first) if start.precision == "day" else names.month(start.first)

    def _restriction_entry(self, state: str) -> Provenance | None:
        for restriction in self.book.restrictions:
            if state in restriction.states:
                return entry(restriction, "restriction") or restriction.provenance[0]
        return None


def _unique(reasons: list[Reason]) -> tuple[Reason, ...]:
    """Each fact once: the first (deciding) occurrence wins, and a context sentence that a
    deciding one already says (and goes on from) is left out."""
    seen: dict[str, Reason] = {}
    deciding = [r.text.removesuffix(".") for r in reasons if r.deciding]
    for reason in reasons:
        said = reason.text.removesuffix(".")
        if not reason.deciding and any(d.startswith(said) and d != said for d in deciding):
            continue
        seen.setdefault(reason.text, reason)
    return tuple(seen.values())
