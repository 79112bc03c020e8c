"""The decision table: what the engine decided for each class, kept between runs.

A class of the finite space (`checker.evaluation.space`) gets the same traces from the
engine every time, under the same rules and the same code. So the memo keeps what it
learnt in the data-only cache (`checker.read.cache`), keyed by the rules' digest
(`model.rulebook.rules_digest`) and the code version: the next run - another command, a
worker, a cold `checker eval one.json` - reads a known class's traces instead of running
the engine (or even importing durable_rules). durable_rules stays the only decision
maker: the table only remembers its answers, and an entry it cannot read back exactly
is ignored.
"""

from typing import Any

import msgspec

from checker.model.digest import digest
from checker.model.rulebook import Rulebook, rules_digest
from checker.model.trace import Consent, Trace

Key = tuple[Any, ...]
KIND = "decisions"
CONSENT_KIND = "consent"
"""The table's consent part, also kept alone (`DecisionTable._consents`)."""


def table_key(rulebook: Rulebook) -> str:
    return digest(f"{KIND}\0{rules_digest(rulebook)}".encode())


def _text(key: Key) -> str:
    """A class's key in the table: its fields as compact JSON (strings as UTF-8)."""
    return msgspec.json.encode(key).decode()


def _consents(items: list[Consent]) -> list[list[Any]]:
    return [[c.state, c.via, c.sure, list(c.why)] for c in items]


def trace_data(trace: Trace) -> dict[str, Any]:
    return {
        "regime": trace.regime,
        "verdicts": sorted(trace.verdicts),
        "required": list(trace.required),
        "weapon_rule": trace.weapon_rule,
        "present": _consents(trace.present),
        "doubtful": _consents(trace.doubtful),
        "missing": {state: list(rules) for state, rules in trace.missing.items()},
    }


def trace_of(data: dict[str, Any]) -> Trace:
    """A trace back from its data (a KeyError, TypeError or ValueError if it is not one)."""

    def consents(items: list[list[Any]]) -> list[Consent]:
        return [
            Consent(str(s), str(v), bool(sure), tuple(map(str, why))) for s, v, sure, why in items
        ]

    verdicts = data["verdicts"]
    if not isinstance(verdicts, list) or len(verdicts) != 1:
        raise ValueError("a trace has one verdict")
    return Trace(
        regime=data["regime"],
        verdicts=set(verdicts),
        required=tuple(map(str, data["required"])),
        weapon_rule=data["weapon_rule"],
        present=consents(data["present"]),
        doubtful=consents(data["doubtful"]),
        missing={str(k): list(map(str, v)) for k, v in data["missing"].items()},
    )


class _Stored(msgspec.Struct):
    """The table as kept: each distinct set of traces once (`pool`: a compiled table of
    2,000 classes has some 40), and each class's index into it. Kept whole, every class's
    traces made a 1 MB file that a one-file `checker eval` read, checked and decoded."""

    traces: dict[str, int]
    pool: list[dict[str, Any]]
    consent: dict[str, bool]


class DecisionTable:
    """One rulebook's table: read once when first asked, written back with what was learnt."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.key = table_key(rulebook)
        self._stored: _Stored | None = None
        self._stored_consent: dict[str, bool] | None = None
        self._traces: dict[str, dict[str, Any]] = {}
        self._consent: dict[str, bool] = {}

    def _table(self) -> _Stored:
        if self._stored is None:
            from checker.read import cache

            with cache.long_lived():
                found = cache.load(KIND, self.key, _Stored)
            ok = found is not None and all(0 <= i < len(found.pool) for i in found.traces.values())
            self._stored = found if ok and found is not None else _Stored({}, [], {})
        return self._stored

    def read_whole(self) -> None:
        """Read the whole table now, consent part included: for a run that needs traces,
        which would otherwise read the consent part's own entry first, then the table."""
        self._table()

    def kept(self) -> bool:
        """Whether a table is kept for these rules and code (a stat, not a read)."""
        from checker.read import cache

        return cache.exists(KIND, self.key)

    def traces(self, key: Key, readings: tuple[str, ...]) -> dict[str, Trace] | None:
        """The class's trace under each reading, if the table holds them all."""
        table = self._table()
        index = table.traces.get(_text(key))
        if index is None:
            return None
        found = table.pool[index]
        if any(r not in found for r in readings):
            return None
        try:
            return {reading: trace_of(found[reading]) for reading in readings}
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def consent(self, base: Key) -> bool | None:
        """Whether the base class falls under the consent regime, if the table knows."""
        if self._stored is not None:
            found = self._stored.consent.get(_text(base))
        else:
            found = self._consents().get(_text(base))
        return found if isinstance(found, bool) else None

    def _consents(self) -> dict[str, bool]:
        """The table's consent part alone, kept as an entry of its own beside the table (a
        run whose templates are kept reads no trace): a sixth of the whole table's size."""
        if self._stored_consent is None:
            from checker.read import cache

            found = cache.load(CONSENT_KIND, self.key, dict[str, bool])
            self._stored_consent = found if found is not None else self._table().consent
        return self._stored_consent

    def learn(self, key: Key, traces: dict[str, Trace]) -> None:
        entry = self._traces.setdefault(_text(key), {})
        entry.update({reading: trace_data(trace) for reading, trace in traces.items()})

    def learn_consent(self, base: Key, consent: bool) -> None:
        self._consent[_text(base)] = consent

    def save(self) -> None:
        """Merge what was learnt into the stored table (best effort: it is only a cache)."""
        if not (self._traces or self._consent):
            return
        from checker.read import cache

        # another process may have stored more since: merge with that
        self._stored = self._stored_consent = None
        table = self._table()
        every = {key: table.pool[index] for key, index in table.traces.items()}
        for key, entry in self._traces.items():
            every[key] = {**every.get(key, {}), **entry}
        pooled: dict[bytes, int] = {}
        pool: list[dict[str, Any]] = []
        indices: dict[str, int] = {}
        for key, entry in every.items():
            text = msgspec.json.encode(entry, order="sorted")
            index = pooled.get(text)
            if index is None:
                index = pooled[text] = len(pool)
                pool.append(entry)
            indices[key] = index
        table.consent.update(self._consent)
        self._stored = _Stored(indices, pool, table.consent)
        cache.store(KIND, self.key, self._stored)
        cache.store(CONSENT_KIND, self.key, table.consent)
        self._traces, self._consent = {}, {}
