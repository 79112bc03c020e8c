"""Auditing rule changes: the exact semantic diff, the policy lock, mutants and coverage.

The package owns what `checker diff`, `checker lock`, `checker mutate` and `checker test
--coverage` compute, one concept per module, lowest first: `grid` (the scenario space as a
grid of points), `regions` (points merged into readable regions of equal outcome), `lock`
(the policy lock), `diff` (the exact semantic diff of two rulebooks and of a scenario
corpus), `git` (the rules as committed at a git ref), `mutants` (systematic semantic
mutants of a rulebook), `mutation` (which mutants a corpus detects), `coverage` (what a
corpus exercises), `validation` (`checker validate` results, and the kinds of problem CI
reports name) and `testreport` (`checker test` results). Imports run one way: grid <-
regions <- lock, diff, mutation (which also imports mutants); coverage, validation <-
testreport; git stands alone. Their renderings live in `checker.report.audit`. The package may import
only lower layers - `checker.errors`, `checker.model`, `checker.read`, `checker.engine`,
`checker.evaluation` - and never `checker.report`, `checker.commands`, `checker.cli`,
typer or rich. Nothing is re-exported here: import each name from its module.
"""
