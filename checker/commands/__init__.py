"""The commands, as plain functions that take a `Writer` and return an exit code.

Each module is one command family (`evaluate`: eval; `tests`: test and validate; `audit`:
diff, lock, mutate; `explore`: schema, timeline, why-not; `init`: init); `project` is
where each command finds its rulebook and corpus; `run` is the one place an exception
becomes an exit code. The Typer app (`checker.cli`) and the console entry point
(`checker.entry`) call these very functions. May import every layer below; never typer.
"""
