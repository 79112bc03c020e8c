"""Bytes to runtime types: scenario files, stdin, JSON Lines lines and rule folders.

Owns the input formats and their limits (`sourcemap`: JSON and YAML parsed with every
position kept, 1 MiB and 64 levels at most), the one scenario reader (`scenario`, with
`lines` as its msgspec fast path), which rulebook and corpus a project uses and the
rulebook reader with its cross-rule checks (`rulebook`, with `config` for `checker.toml`
and `[tool.checker]`; `rulechecks`), the JSON Schemas (`jsonschema`), writing new scenario files
(`scaffold`) and the data-only cache (`cache`). The only package that imports the
validation library: pydantic's documents (`documents`) check and word, and are turned
into `checker.model` types at once. May import `checker.errors` and `checker.model`.
"""
