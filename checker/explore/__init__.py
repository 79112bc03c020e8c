"""Exploring the policy over the finite scenario space: timelines and why-not.

Both questions are answered by running the engine on the space's classes, never by
reading the rules directly: the verdict is constant inside each of the space's date spans
(and each territory, kind, forces class), so one evaluation per class is exact.

- `timeline`: for a strike with every dimension but the date fixed, the date intervals
  over which the verdict holds, per reading, each opened by the rule whose date is that
  boundary (with the quote it rests on).
- `why_not`: for a scenario, the smallest changes (one field, else two) that give a
  different verdict, ranked by how many fields change, each with the rule that makes
  the difference.

Modules, each one concept, lower first (a module imports only those above it):

- `refs`: the rule (and the provenance quote) that makes a difference, and the rules whose
  dates are the space's date boundaries; shared by the timeline and the why-not search.
- `timeline`: the verdict over time for a strike with every dimension but the date fixed.
- `variants`: the single-field changes to a scenario, one list per dimension of the space.
- `whynot`: the search over those changes (one field, else two), pruned and ranked.
- `plot`: a timeline drawn with matplotlib, which is imported there only, and lazily
  (`checker.report.explore` renders timelines and answers as text, markdown and JSON).

What the package may import: `checker.errors`, `checker.model`, `checker.read`,
`checker.engine` and `checker.evaluation`; never `checker.report`, `checker.commands`,
`checker.cli`, typer or rich. Nothing is re-exported here: import each name from its
module.
"""
