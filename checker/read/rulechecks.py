"""The checks that span several rules, fields or files, run once when a rulebook is loaded.

durable_rules reports a bad rule only as an error code, so every rule is checked here,
each problem located in its file. The checks read the runtime rules (`runtime` turns
the validated documents into them first), each remembering where it was written.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from msgspec import Struct

from checker.errors import CheckerError, Location, Problem
from checker.model.rulebook import Rulebook, fold
from checker.model.rules import (
    BaselineRule,
    Grant,
    InForce,
    Provenance,
    Restriction,
    Rule,
    RulebookHeader,
    Weapon,
)
from checker.read.documents import RuleFile, runtime
from checker.read.sourcemap import Document, FieldPath, read_text

KM_PER_MILE = 1.609344
_SENTENCE_END = re.compile(r"""[.!?]["'\u201d\u2019)\]]*(?=\s|$)""")


def sentence_bounds(text: str) -> tuple[set[int], set[int]]:
    """Where the sentences of `text` start and end (offsets). Each line is a paragraph: a
    line that ends without a full stop (a headline, a dateline) is a sentence too."""
    starts: set[int] = set()
    ends: set[int] = set()
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            position = offset + len(body) - len(body.lstrip())
            starts.add(position)
            for match in _SENTENCE_END.finditer(body):
                ends.add(offset + match.end())
                rest = body[match.end() :]
                following = offset + match.end() + len(rest) - len(rest.lstrip())
                if rest.strip():
                    starts.add(following)
            ends.add(offset + len(body.rstrip()))
        offset += len(line)
    return starts, ends


def whole_sentences(text: str, quote: str) -> bool:
    """Whether `quote` stands in `text` as one or more whole sentences."""
    starts, ends = sentence_bounds(text)
    at = text.find(quote)
    while at != -1:
        if at in starts and at + len(quote) in ends:
            return True
        at = text.find(quote, at + 1)
    return False


def _enclosing(text: str, quote: str) -> str:
    """The whole sentences around the first place `quote` stands in `text`."""
    starts, ends = sentence_bounds(text)
    at = text.find(quote)
    start = max((s for s in starts if s <= at), default=0)
    end = min((e for e in ends if e >= at + len(quote)), default=len(text))
    return text[start:end]


class Placed(Struct, frozen=True):
    """A rule and where it was written."""

    rule: Rule
    doc: Document
    path: FieldPath

    def at(self, *sub: str | int) -> Location:
        return self.doc.locate((*self.path, *sub))


def assemble(
    root: Path, parsed: list[tuple[Document, RuleFile]]
) -> tuple[Rulebook | None, list[Problem]]:
    problems: list[Problem] = []
    headers = [(doc, f.rulebook) for doc, f in parsed if f.rulebook is not None]
    if not headers:
        return None, [Problem(Location(str(root)), "no rule file declares the `rulebook:` header")]
    if len(headers) > 1:
        doc = headers[1][0]
        problems.append(Problem(doc.locate(("rulebook",)), "a second `rulebook:` header"))
    header: RulebookHeader = runtime(headers[0][1])
    placed: list[Placed] = []
    for doc, rule_file in parsed:
        for section in ("weapons", "grants", "restrictions", "baseline"):
            for index, rule in enumerate(getattr(rule_file, section)):
                placed.append(Placed(runtime(rule), doc, (section, index)))
    texts = _source_texts(root, header, headers[0][0], problems)
    checks = _Checks(header, placed, texts, problems)
    checks.run()
    baseline = sorted(
        (p.rule for p in placed if isinstance(p.rule, BaselineRule)), key=lambda r: r.precedence
    )
    book = Rulebook(
        root=str(root),
        header=header,
        weapons=tuple(p.rule for p in placed if isinstance(p.rule, Weapon)),
        grants=tuple(p.rule for p in placed if isinstance(p.rule, Grant)),
        restrictions=tuple(p.rule for p in placed if isinstance(p.rule, Restriction)),
        baseline=tuple(baseline),
        sources={s.id: s for s in header.sources},
    )
    return book, problems


def _source_texts(
    root: Path, header: RulebookHeader, doc: Document, problems: list[Problem]
) -> dict[str, str | None]:
    texts: dict[str, str | None] = {}
    for index, source in enumerate(header.sources):
        texts[source.id] = None
        if source.document is None:
            continue
        path = (root / source.document).resolve()
        where = doc.locate(("rulebook", "sources", index, "document"))
        if not path.is_relative_to(root.resolve()):
            problems.append(Problem(where, "the source document must lie inside the rules folder"))
            continue
        try:
            texts[source.id] = read_text(path)
        except CheckerError as err:
            problems.append(
                Problem(where, f"cannot read the source text: {err.problems[0].message}")
            )
    return texts


class _Checks:
    """The rules that span several fields or files."""

    def __init__(
        self,
        header: RulebookHeader,
        placed: list[Placed],
        texts: dict[str, str | None],
        problems: list[Problem],
    ) -> None:
        self.header, self.placed, self.texts, self.problems = header, placed, texts, problems
        self.weapons = {p.rule.id: p.rule for p in placed if isinstance(p.rule, Weapon)}

    def fail(self, where: Location, message: str) -> None:
        self.problems.append(Problem(where, message))

    def run(self) -> None:
        self.unique_ids()
        self.weapon_names()
        for item in self.placed:
            self.provenance(item, item.rule.provenance, ("provenance",))
            rule = item.rule
            if isinstance(rule, Weapon):
                self.weapon(item, rule)
            elif isinstance(rule, Grant):
                self.grant(item, rule)
            elif isinstance(rule, Restriction):
                self.country_level(item, rule.territories, ("territories",))
                self.in_force(item, rule.in_force, ("in_force",), months=False)
            else:
                self.baseline(item, rule)
        self.precedence()
        self.coverage()

    def unique_ids(self) -> None:
        seen: dict[str, Placed] = {}
        for item in self.placed:
            first = seen.setdefault(item.rule.id, item)
            if first is not item:
                self.fail(
                    item.at("id"), f"duplicate rule id '{item.rule.id}' (first at {first.at('id')})"
                )

    def weapon_names(self) -> None:
        seen: dict[str, str] = {}
        for item in self.placed:
            if not isinstance(item.rule, Weapon):
                continue
            weapon = item.rule
            for alias in {weapon.id, weapon.name, *weapon.aliases}:
                owner = seen.setdefault(fold(alias), weapon.id)
                if owner != weapon.id:
                    self.fail(item.at("aliases"), f"name '{alias}' is also a name of '{owner}'")

    def provenance(self, item: Placed, entries: list[Provenance], path: FieldPath) -> None:
        for index, entry in enumerate(entries):
            where = item.at(*path, index)
            if entry.source not in self.texts:
                known = ", ".join(self.texts) or "none"
                self.fail(where, f"unknown source '{entry.source}' (declared: {known})")
                continue
            text = self.texts[entry.source]
            if text is not None and entry.quote not in text:
                self.fail(
                    item.at(*path, index, "quote"),
                    f"quote does not appear verbatim in source '{entry.source}'",
                )
            elif text is not None and not whole_sentences(text, entry.quote):
                self.fail(
                    item.at(*path, index, "quote"),
                    f"quote is not whole sentences of source '{entry.source}': a fragment can "
                    f"drop a qualifier; quote the whole sentence: "
                    f'"{_enclosing(text, entry.quote)}"',
                )
            if entry.highlight is not None and entry.highlight not in entry.quote:
                self.fail(
                    item.at(*path, index, "highlight"), "highlight is not a part of the quote"
                )
            if entry.evidence == "baseline" and not entry.basis:
                self.fail(where, "a baseline rule must name its basis")

    def weapon(self, item: Placed, weapon: Weapon) -> None:
        expected = weapon.range.miles * KM_PER_MILE
        if abs(weapon.range.km - expected) > 0.02 * expected:
            self.fail(
                item.at("range", "km"),
                f"{weapon.range.km} km does not match {weapon.range.miles} miles "
                f"(≈{expected:.0f} km)",
            )

    def grant(self, item: Placed, grant: Grant) -> None:
        for index, weapon_id in enumerate(grant.weapons):
            weapon = self.weapons.get(weapon_id)
            if weapon is None:
                self.fail(item.at("weapons", index), self._unknown_weapon(weapon_id))
            elif grant.grantor not in weapon.consent_required:
                self.fail(
                    item.at("grantor"),
                    f"consent of {grant.grantor} is never required for '{weapon_id}', "
                    f"so this grant could not change a verdict",
                )
        self.in_force(item, grant.in_force, ("in_force",), months=True)
        for name, override in grant.readings.items():
            if name not in self.header.readings:
                known = ", ".join(self.header.readings) or "none"
                self.fail(
                    item.at("readings", name),
                    f"unknown reading '{name}' (declared in the rulebook header: {known})",
                )
            self.provenance(item, override.provenance, ("readings", name, "provenance"))
            if override.in_force is not None:
                self.in_force(item, override.in_force, ("readings", name, "in_force"), months=True)

    def baseline(self, item: Placed, rule: BaselineRule) -> None:
        self.in_force(item, rule.in_force, ("in_force",), months=False)
        if rule.when.territories:
            self.country_level(item, rule.when.territories, ("when", "territories"))
        for index, weapon_id in enumerate(rule.when.weapons or ()):
            if weapon_id not in self.weapons:
                self.fail(item.at("when", "weapons", index), self._unknown_weapon(weapon_id))

    def in_force(self, item: Placed, span: InForce, path: FieldPath, *, months: bool) -> None:
        for name, value in (("from", span.from_), ("until", span.until)):
            if value is not None and value.precision == "month" and not months:
                self.fail(
                    item.at(*path, name),
                    "a date known only to the month is supported on grants only",
                )
        if span.from_ and span.until and span.from_.first > span.until.last:
            self.fail(
                item.at(*path, "until"), f"ends ({span.until}) before it starts ({span.from_})"
            )

    def country_level(self, item: Placed, codes: list[str], path: FieldPath) -> None:
        for index, code in enumerate(codes):
            if "-" in code:
                self.fail(
                    item.at(*path, index),
                    f"'{code}': only country codes are supported here (subdivisions on grants)",
                )

    def precedence(self) -> None:
        rules = [p for p in self.placed if isinstance(p.rule, BaselineRule)]
        if not rules:
            self.problems.append(
                Problem(
                    Location(str(self.placed[0].doc.file) if self.placed else "rules"),
                    "no baseline rules",
                )
            )
            return
        seen: dict[int, str] = {}
        for item in rules:
            assert isinstance(item.rule, BaselineRule)
            other = seen.setdefault(item.rule.precedence, item.rule.id)
            if other != item.rule.id:
                self.fail(
                    item.at("precedence"),
                    f"precedence {item.rule.precedence} is also that of '{other}'",
                )
        last = max(rules, key=lambda p: p.rule.precedence)  # type: ignore[union-attr]
        assert isinstance(last.rule, BaselineRule)
        if not last.rule.when.any or not last.rule.in_force.always:
            self.fail(
                last.at("when"),
                "the last baseline rule must apply always "
                "(no conditions, in force always), so every scenario gets a verdict",
            )

    def coverage(self) -> None:
        restricted = {
            s for p in self.placed if isinstance(p.rule, Restriction) for s in p.rule.states
        }
        for item in self.placed:
            if isinstance(item.rule, Weapon):
                for index, state in enumerate(item.rule.consent_required):
                    if state not in restricted:
                        self.fail(
                            item.at("consent_required", index),
                            f"no restriction says why consent of {state} is needed",
                        )

    def _unknown_weapon(self, weapon_id: str) -> str:
        close = difflib.get_close_matches(weapon_id, sorted(self.weapons), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown weapon id '{weapon_id}'{hint}"
