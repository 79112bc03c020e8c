"""Positions of fields in JSON and YAML text, and the refusal of malformed text."""

from __future__ import annotations

import pytest

from checker.errors import CheckerError
from checker.read.sourcemap import MAX_DEPTH, decode, parse_json, parse_yaml

TEXT = '{\n  "a": 1,\n  "b": {\n    "c": [10, {"d": true}]\n  }\n}\n'


@pytest.mark.parametrize(
    ("path", "line", "column"),
    [(("a",), 2, 3), (("b",), 3, 3), (("b", "c"), 4, 5), (("b", "c", 1, "d"), 4, 16)],
)
def test_json_keys_are_located(path: tuple[str | int, ...], line: int, column: int) -> None:
    where = parse_json(TEXT, "f.json").locate(path)
    assert (where.line, where.column) == (line, column)


def test_a_missing_field_is_located_at_its_object() -> None:
    where = parse_json(TEXT, "f.json").locate(("b", "zz"), container=True)
    assert (where.line, where.field) == (3, "b.zz")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ('{"a": NaN}', "NaN and Infinity"),
        ('{"a": ' + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "}", "nesting deeper"),
        ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "nesting deeper"),
        ('{"a": 1', "invalid JSON"),
        ("", "is empty"),
    ],
)
def test_bad_json_is_a_located_problem(text: str, fragment: str) -> None:
    with pytest.raises(CheckerError) as caught:
        parse_json(text, "f.json")
    assert fragment in str(caught.value)
    assert str(caught.value).startswith("f.json")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"\x89PNG\x00\x00", "binary"),
        (b'{"a": "\xe9"}', "not valid UTF-8"),
        (b"x" * 2_000_000, "larger"),
    ],
)
def test_bytes_that_are_not_text_are_refused(raw: bytes, fragment: str) -> None:
    with pytest.raises(CheckerError, match=fragment):
        decode(raw, "f.json")


def test_yaml_positions_duplicates_and_aliases() -> None:
    doc = parse_yaml("a: 1\nb:\n  - x\n  - y: 2\n", "r.yaml")
    assert doc.locate(("b", 1, "y")).line == 4
    with pytest.raises(CheckerError, match=r"r\.yaml:2:1: a: duplicate key 'a'"):
        parse_yaml("a: 1\na: 2\n", "r.yaml")
    with pytest.raises(CheckerError, match="aliases are not supported"):
        parse_yaml("a: &x [1]\nb: *x\n", "r.yaml")
    with pytest.raises(CheckerError, match="invalid YAML"):
        parse_yaml("a: !!python/object:os.system x\n", "r.yaml")
