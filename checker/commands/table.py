"""`checker compile` and `checker table`: the rulebook's decision table, filled and exported."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from checker.errors import CheckerError, Location
from checker.report.writer import Writer

TABLE_FORMATS = ("csv", "jsonl", "parquet")


def compile_rules(writer: Writer, *, rules: str | None = None) -> int:
    """Decide every class of the rulebook's space, so later runs never need the engine."""
    from checker.commands.project import rulebook as find
    from checker.evaluation.compile import compile_table

    book = find(rules)
    found = compile_table(book)
    if not found.kept:
        raise CheckerError.at(
            Location("checker compile"),
            "the cache is off (--no-cache or an empty CHECKER_CACHE_DIR): "
            "the decision table cannot be kept",
        )
    writer.out(
        f"{found.classes} classes in the decision table "
        f"({found.decided} decided by the engine now)\n"
    )
    return 0


def export_table(
    writer: Writer, *, format: str = "csv", output: str | None = None, rules: str | None = None
) -> int:
    """The whole decision table as CSV, JSON Lines or Parquet, on stdout or in `output`."""
    from checker.commands.project import rulebook as find
    from checker.evaluation.compile import table_columns, table_rows

    format = format.lower()
    if format not in TABLE_FORMATS:
        raise CheckerError.at(
            Location("--format"),
            f"unknown format '{format}' (known: {', '.join(TABLE_FORMATS)})",
        )
    if format == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise CheckerError.at(
                Location("--format"),
                "parquet needs pyarrow: pip install 'checker[table]'",
            ) from None
        if output is None:
            raise CheckerError.at(
                Location("--format"), "parquet is written to a file: give -o FILE"
            )
    book = find(rules)
    columns, rows = table_columns(book), table_rows(book)
    if format == "parquet":
        assert output is not None
        _parquet(columns, rows, output)
        return 0
    if output is None:
        writer.stdout.flush()
        _write_text(format, columns, rows, sys.stdout)
        return 0
    try:
        with Path(output).open("w", encoding="utf-8", newline="") as handle:
            _write_text(format, columns, rows, handle)
    except OSError as err:
        raise CheckerError.at(Location(output), f"cannot be written: {err.strerror}") from None
    return 0


def _write_text(
    format: str, columns: tuple[str, ...], rows: Iterator[tuple[str | None, ...]], out: IO[str]
) -> None:
    if format == "csv":
        import csv

        table = csv.writer(out, lineterminator="\n")
        table.writerow(columns)
        table.writerows(("" if v is None else v for v in row) for row in rows)
    else:
        import json

        for row in rows:
            out.write(json.dumps(dict(zip(columns, row, strict=True))) + "\n")
    out.flush()


def _parquet(columns: tuple[str, ...], rows: Iterator[tuple[str | None, ...]], output: str) -> None:
    from datetime import date

    import pyarrow as pa
    import pyarrow.parquet as pq

    data = list(zip(*rows, strict=True))
    arrays = []
    for name, values in zip(columns, data, strict=True):
        if name.startswith("date_"):
            days = [None if v is None else date.fromisoformat(v) for v in values]
            arrays.append(pa.array(days, type=pa.date32()))
        else:
            arrays.append(pa.array(values, type=pa.string()))
    try:
        pq.write_table(pa.Table.from_arrays(arrays, names=list(columns)), output)
    except OSError as err:
        raise CheckerError.at(Location(output), f"cannot be written: {err}") from None
