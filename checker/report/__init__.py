"""Rendering results for people and programs, and writing them out.

Owns the renderer registry (`registry`: result type x format -> renderer, which also
feeds `--format`), the renderers of each result type, styled text (`styled`) and the one
output writer (`writer`). May import `checker.model`, `checker.evaluation`,
`checker.audit` and `checker.explore` (for their result types), never `checker.commands`
or `checker.cli`; rich only inside `writer`, and only on a terminal.
"""
