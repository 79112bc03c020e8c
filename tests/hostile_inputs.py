"""Hypothesis strategies for what a hostile user feeds the checker.

Any code point (lone surrogates and control characters included) in any string field of a
scenario; JSON Lines batches with `\\r`, `\\r\\n` and NUL inside their lines; folders holding
FIFOs, devices, links out and in, dangling links; rule files with values at the edges of
their types (the first and last days a date can be, infinities, huge numbers).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from checker.model.rulebook import Rulebook

from .strategies import scenario_dicts

ANY_CHAR = st.one_of(
    st.characters(exclude_categories=()),
    st.sampled_from("\x00\x1b\x07\x7f\x85\x9b\u2028\u202e\r\n\t\ufeff\uffff"),
    st.integers(0xD800, 0xDFFF).map(chr),  # lone surrogates: Hypothesis draws none itself
)
ANY_TEXT = st.text(alphabet=ANY_CHAR, max_size=12)
TERMINAL = st.sampled_from(
    ["\x1b[2J\x1b[H", "FAKE: PERMITTED\x1b[0m", "\x1b]0;title\x07", "\x9b31m"]
)


def _string_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _string_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_paths(v, (*path, i))]
    return []


@st.composite
def hostile_scenarios(draw: st.DrawFn, book: Rulebook) -> dict[str, Any]:
    """A valid scenario with one or more string fields (or a key) made hostile: replaced
    by any text, or with any character or a terminal escape put inside it."""
    data = copy.deepcopy(draw(scenario_dicts(book)))  # changed below: never the strategy's own
    data.setdefault("id", "case")
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_string_paths(data)))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        old: str = parent[path[-1]]
        how = draw(st.sampled_from(["replace", "insert", "escape", "key"]))
        if how == "replace":
            new = draw(ANY_TEXT)
        elif how == "insert":
            at = draw(st.integers(0, len(old)))
            new = old[:at] + draw(ANY_CHAR) + old[at:]
        elif how == "escape":
            new = old + draw(TERMINAL)
        else:
            new = old
            if isinstance(parent, dict):
                parent[draw(ANY_TEXT)] = parent.pop(path[-1])
                continue
        parent[path[-1]] = new
    return data


@st.composite
def hostile_bytes(draw: st.DrawFn, book: Rulebook) -> bytes:
    """A hostile scenario as a file's bytes: escaped JSON (always UTF-8), or raw text
    (a lone surrogate then makes the bytes invalid UTF-8)."""
    data = draw(hostile_scenarios(book))
    if draw(st.booleans()):
        return json.dumps(data).encode()
    return json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")


@st.composite
def jsonl_batches(draw: st.DrawFn, book: Rulebook) -> list[bytes]:
    """The lines of a JSON Lines file (without their ends): good scenarios, hostile ones,
    arbitrary bytes; `\\r` and NUL put inside some of them."""
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["good", "good", "hostile", "bytes", "blank"]))
        if kind == "good":
            line = json.dumps(draw(scenario_dicts(book))).encode()
        elif kind == "hostile":
            line = draw(hostile_bytes(book)).replace(b"\n", b"\\n")
        elif kind == "bytes":
            line = draw(st.binary(max_size=64)).replace(b"\n", b"")
        else:
            line = draw(st.sampled_from([b"", b" ", b"\r", b"\t \r"]))
        for _ in range(draw(st.integers(0, 2))):
            at = draw(st.integers(0, len(line)))
            line = line[:at] + draw(st.sampled_from([b"\r", b"\x00", b"\r\r", b" \r "])) + line[at:]
        lines.append(line)
    return lines


ENTRY_KINDS = ("good", "bad", "fifo", "device", "link-out", "link-in", "dangling", "folder")


def make_entry(folder: Path, name: str, kind: str, good: bytes, outside: Path) -> None:
    """One entry of a scenarios folder: a file, or what is not one."""
    path = folder / name
    if kind == "good":
        path.write_bytes(good)
    elif kind == "bad":
        path.write_bytes(b'{"date": "\\ud800"}')
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "link-out":
        path.symlink_to(outside)
    elif kind == "link-in":
        (folder / f"target-{name}.txt").write_bytes(good)
        path.symlink_to(folder / f"target-{name}.txt")
    elif kind == "dangling":
        path.symlink_to(folder / "no-such-file")
    else:
        path.mkdir()
        (path / "inner.json").write_bytes(good)


EDGE_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "1900-01-01", "2999-12-31", "3000-01-01"]
EDGE_DATES += ["0001-01", "9999-12", "2024-02-30", "2024-13", "0000-01-01"]
EDGE_NUMBERS = [".inf", "-.inf", ".nan", "1e308", "1e309", "1e-320", "0", "-1"]
EDGE_NUMBERS += ["100000000000000000000000000000", "0.0000001", "20037"]
RULE_EDGES: list[tuple[str, str, list[str]]] = [
    ("grants/us.yaml", "{from: 2024-11-17}", [f"{{from: {d}}}" for d in EDGE_DATES]),
    ("grants/us.yaml", "{from: 2024-05}", [f"{{from: {d}, until: {d}}}" for d in EDGE_DATES]),
    ("rulebook.yaml", "published: 2024-11-17", [f"published: {d}" for d in EDGE_DATES]),
    ("weapons.yaml", "km: 306", [f"km: {n}" for n in EDGE_NUMBERS]),
    ("weapons.yaml", "miles: 190, km: 306", [f"miles: {n}, km: {n}" for n in EDGE_NUMBERS]),
    ("weapons.yaml", "miles: 50, km: 80", [f"miles: {n}, km: 80" for n in EDGE_NUMBERS]),
    (
        "rulebook.yaml",
        "document: sources/biden-atacms-2024-11-17.txt",
        [f'document: "{p}"' for p in ("sources/a\\0b", "/etc/passwd", "../x", "sources", "")],
    ),
]


@st.composite
def rule_edges(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """Edits of the shipped rule files: (file, old text, new text), one to three of them."""
    chosen = draw(
        st.lists(st.integers(0, len(RULE_EDGES) - 1), min_size=1, max_size=3, unique=True)
    )
    return [
        (name, old, draw(st.sampled_from(news)))
        for name, old, news in (RULE_EDGES[index] for index in chosen)
    ]


@st.composite
def hostile_rule_text(draw: st.DrawFn) -> tuple[str, str, str]:
    """An edit putting any text into a title (a YAML double-quoted string, escapes kept)."""
    text = draw(ANY_TEXT)
    quoted = json.dumps(text)  # JSON's escapes are YAML's: "\ud800" stays a lone surrogate
    return ("grants/us.yaml", "title: The United States allowed HIMARS", f"title: {quoted} #")
