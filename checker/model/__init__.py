"""The runtime types: what every layer above reads and writes.

Owns the rules, the rulebook, scenarios, strikes, engine traces and verdicts, as frozen
dataclasses (a trace is filled while the engine runs), plus the closed vocabularies, dates
and ISO codes they are made of. Imports nothing but the standard library and
`checker.errors`: a rulebook read from the cache, a scenario read from a line and a verdict
about to be rendered are the very same objects wherever they came from.
"""
