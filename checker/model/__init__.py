"""The runtime types: what every layer above reads and writes.

Owns the rules, the rulebook, scenarios, strikes, engine traces and verdicts, as frozen
records (a trace is filled while the engine runs), plus the closed vocabularies, dates
and ISO codes they are made of. A rulebook read from the cache, a scenario read from a
line and a verdict about to be rendered are the very same objects wherever they came from.

Imports nothing but the standard library, `checker.errors` and msgspec's record type,
`Struct` (with `msgspec.structs.replace`), never its encoders, which are `checker.read`'s.
A record is a class made in C, where a dataclass executes generated source for each of
its methods: defining the 40 types a one-file `checker eval` meets took 15 ms of its
55 ms as dataclasses. The modules of the records read back from the cache (`rules`,
`rulebook`, `dates`, `record`) evaluate their annotations as they are imported, without
`from __future__ import annotations`: msgspec builds its decoder from them, and string
annotations cost it a millisecond of compiling in every process.
"""
