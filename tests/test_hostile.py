"""The reproducers of a hostile user's report, each kept as a regression test.

Every item of the SPEC's "Errors of the environment, and output safety": lone surrogates
and terminal escapes in input, FIFOs, devices and links, rule values at the edges of
their types, memory for any input, and a cache that cannot change a verdict. Each runs
the real `checker` in a child process (`python -m checker`), as a user would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from checker.evaluation import memo as memo_module
from checker.read import cache
from checker.read.lines import CACHE_LIMIT, LineReader

from .conftest import RULES, SCENARIOS

KURSK: dict[str, Any] = {
    "date": "2024-11-20",
    "weapon": "ATACMS",
    "target": {"territory": "RU-KRS", "kind": "ammunition_depot"},
}
FORMATS = ("json", "text", "markdown")
TIMEOUT = 60
"""Seconds any one run may take: a run that waits on a FIFO fails the test, never hangs it."""


def checker(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None
) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "checker", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=TIMEOUT,
        cwd=cwd,
        check=False,
    )
    out, err = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
    assert "Traceback" not in out + err, err
    assert "internal error" not in err, err
    return done.returncode, out, err


def lines(text: str) -> list[str]:
    return text.removesuffix("\n").split("\n") if text else []


def verdicts_in(out: str, fmt: str) -> int:
    if fmt == "json":
        return sum(1 for line in lines(out) if line.startswith("{"))
    if fmt == "text":
        return out.count("  PERMITTED")
    return out.count(": **permitted**")


# --------------------------------------------------------------------------- surrogates

SURROGATE_FIELDS = {
    "date": lambda d: d.__setitem__("date", "\ud800"),
    "operator": lambda d: d.__setitem__("operator", "\ud800"),
    "target.territory": lambda d: d["target"].__setitem__("territory", "\ud800"),
    "target.forces[0]": lambda d: d["target"].__setitem__("forces", ["\ud800"]),
    "assume.consent[0]": lambda d: d.__setitem__("assume", {"consent": ["\ud800"]}),
    "id": lambda d: d.__setitem__("id", "a\udfffb"),
}


def with_surrogate(field: str) -> dict[str, Any]:
    data = json.loads(json.dumps(KURSK))
    SURROGATE_FIELDS[field](data)
    return data


@pytest.mark.parametrize("field", SURROGATE_FIELDS)
def test_a_lone_surrogate_in_a_field_is_refused_at_its_place(tmp_path: Path, field: str) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(with_surrogate(field)))  # ascii: "\ud800" as an escape
    code, out, err = checker("eval", str(path), "--format", "json")
    assert (code, out) == (2, "")
    surrogate = "dfff" if field == "id" else "d800"
    (line,) = lines(err)
    assert line.startswith(f"{path}:1:")
    assert line.endswith(
        f": {field}: '\\u{surrogate}' is a lone surrogate, not a Unicode character"
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_surrogate_lines_lose_no_good_line_of_a_batch(tmp_path: Path, fmt: str, jobs: str) -> None:
    """Regression: exit 3 (UnicodeEncodeError), and none of 7 lines printed."""
    path = tmp_path / "batch.jsonl"
    bad = [json.dumps(with_surrogate(field)) for field in SURROGATE_FIELDS]
    path.write_text("\n".join([json.dumps(KURSK), *bad, json.dumps(KURSK)]) + "\n")
    code, out, err = checker("eval", str(path), "--format", fmt, "--jobs", jobs)
    assert code == 2
    assert verdicts_in(out, fmt) == 2
    assert [line.split(":")[1] for line in lines(err)] == [str(n) for n in range(2, 8)]
    assert all("lone surrogate" in line for line in lines(err))


def test_a_lone_surrogate_in_a_rule_file_is_refused_at_its_place(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    grants = rules / "grants" / "us.yaml"
    grants.write_text(grants.read_text().replace("id: us-grant-himars", 'id: "us-\\ud800"', 1))
    scenario = tmp_path / "case.json"
    scenario.write_text(json.dumps(KURSK))
    for args in (["eval", str(scenario), "--rules", str(rules)], ["validate", str(rules)]):
        code, _, err = checker(*args)
        assert code == 2
        assert f"{grants}:5:" in err and "lone surrogate" in err


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_name_that_is_not_utf8_is_written_escaped(
    tmp_path: Path, fmt: str, jobs: str
) -> None:
    """A name's undecodable byte reaches Python as a lone surrogate: JSON writes its escape."""
    folder = os.fsencode(tmp_path)
    for suffix in (b".json", b".jsonl"):
        with open(folder + b"/\xff" + suffix, "wb") as out:  # noqa: PTH123
            out.write(json.dumps(KURSK).encode() + b"\n")
    names = [folder + b"/\xff.jsonl", folder + b"/\xff.json"]
    done = subprocess.run(
        [sys.executable, "-m", "checker", "eval", *names, b"--format=" + fmt.encode(), "-j", jobs],
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    if fmt == "json":
        files = [json.loads(line)["file"] for line in done.stdout.splitlines()]
        assert files == [f"{tmp_path}/\udcff.jsonl:1", f"{tmp_path}/\udcff.json"]
    else:
        assert done.stdout.count(b"\\udcff") == 2


# --------------------------------------------------------------------------- \r in JSON Lines


def test_a_carriage_return_inside_a_line_keeps_every_line_number(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(
        b'{"date": "2024-11-20",\r "weapon": "ATACMS", "target": {"territory": "RU-KRS",'
        b' "kind": "ammunition_depot"}}\n{"bad\rline\n\r\n' + json.dumps(KURSK).encode() + b"\n"
    )
    results = [checker("eval", str(path), "--format", "json", "--jobs", jobs) for jobs in "12"]
    assert results[0] == results[1]
    code, out, err = results[0]
    assert code == 2
    assert [json.loads(line)["file"] for line in lines(out)] == [f"{path}:1", f"{path}:4"]
    assert [line.split(":")[1] for line in lines(err)] == ["2"]


# --------------------------------------------------------------------------- terminal escapes


def test_no_terminal_escape_from_the_input_reaches_the_terminal(tmp_path: Path) -> None:
    escape = "\x1b[2J\x1b[HFAKE: PERMITTED\x07\x9b"
    path = tmp_path / "case.json"
    path.write_text(json.dumps({**KURSK, "id": escape}))
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({**KURSK, "id": escape}) + "\n" + '{"' + escape + '": 1}\n')
    odd = tmp_path / f"odd{escape}.json"
    odd.write_text(json.dumps({**KURSK, "date": escape}))
    for fmt in ("text", "markdown"):
        for target in (path, batch, odd):
            _, out, err = checker("eval", str(target), "--format", fmt)
            assert "\x1b" not in out + err and "\x07" not in out + err and "\x9b" not in out + err
            assert "\\x1b[2J" in out + err


# --------------------------------------------------------------------------- links, FIFOs


def secret_file(tmp_path: Path) -> Path:
    secret = tmp_path / "secret"
    secret.write_text("root:SECRET-CONTENT:0:0\n")
    return secret


def test_a_link_out_of_the_rules_folder_is_refused_unread(tmp_path: Path) -> None:
    """Regression: `ln -s /etc/passwd RULES/leak.yaml` put its text in the message."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "leak.yaml").symlink_to(secret_file(tmp_path))
    (rules / "sources" / "leak.txt").symlink_to(secret_file(tmp_path))
    scenario = tmp_path / "case.json"
    scenario.write_text(json.dumps(KURSK))
    for args in (["eval", str(scenario), "--rules", str(rules)], ["validate", str(rules)]):
        code, out, err = checker(*args)
        assert code == 2 and "SECRET" not in out + err
        assert f"{rules}/leak.yaml: is a link leading outside the rules folder, not read" in err
        assert f"{rules}/sources/leak.txt: is a link leading outside" in err


def test_a_link_inside_the_rules_folder_is_read(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "grants" / "us.yaml").rename(rules / "us.data")
    (rules / "grants" / "us.yaml").symlink_to(rules / "us.data")
    scenario = tmp_path / "case.json"
    scenario.write_text(json.dumps(KURSK))
    assert checker("eval", str(scenario), "--rules", str(rules))[0] == 0


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_diff_base_refuses_links_out_of_the_committed_rules(tmp_path: Path) -> None:
    """Regression: through `diff --base`, such links gave exit 3."""
    repo = tmp_path / "repo"
    shutil.copytree(RULES, repo / "rules")
    git(repo, "init", "-q")
    (repo / "rules" / "leak.yaml").symlink_to(secret_file(tmp_path))
    (repo / "rules" / "up.yaml").symlink_to("../../secret")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "links")
    code, out, err = checker("diff", "--base", "HEAD", "--rules", "rules", cwd=repo)
    assert code == 2 and "SECRET" not in out + err
    assert lines(err) == [
        "HEAD:rules/leak.yaml: is a link leading outside the rules folder, not read",
        "HEAD:rules/up.yaml: is a link leading outside the rules folder, not read",
    ]


NOT_REGULAR = "is not a regular file (a FIFO or a device), not read"


def test_fifos_never_block_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(KURSK))
    os.mkfifo(folder / "b.json")
    (folder / "c.json").write_text(json.dumps(KURSK))
    os.mkfifo(tmp_path / "named.json")
    os.mkfifo(tmp_path / "named.jsonl")
    for args in (
        [str(folder)],
        [str(tmp_path / "named.json"), str(folder / "a.json")],
        [str(tmp_path / "named.jsonl"), str(folder / "a.json")],
        ["/dev/zero", str(folder / "a.json")],
    ):
        code, out, err = checker("eval", *args, "--format", "json")
        assert code == 2
        assert err.endswith(f": {NOT_REGULAR}\n") and len(lines(err)) == 1
        assert len(lines(out)) == (2 if args == [str(folder)] else 1)  # the good files
    code, out, err = checker("validate", str(tmp_path / "named.json"), str(folder / "a.json"))
    assert code == 2 and NOT_REGULAR in err


def test_a_fifo_as_a_source_document_or_rule_file_never_blocks(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (source,) = (rules / "sources").iterdir()
    source.unlink()
    os.mkfifo(source)
    scenario = tmp_path / "case.json"
    scenario.write_text(json.dumps(KURSK))
    code, _, err = checker("eval", str(scenario), "--rules", str(rules))
    assert code == 2 and f"cannot read the source text: {NOT_REGULAR}" in err
    os.mkfifo(rules / "extra.yaml")
    code, _, err = checker("validate", str(rules))
    assert code == 2 and f"{rules}/extra.yaml: {NOT_REGULAR}" in err


def test_a_fifo_as_the_lock_or_the_configuration_never_blocks(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "policy.lock").unlink()
    os.mkfifo(rules / "policy.lock")
    for args in (["lock", "--rules", str(rules), "--check"], ["lock", "--rules", str(rules)]):
        code, _, err = checker(*args)
        assert code == 2 and f"{rules}/policy.lock: " in err and NOT_REGULAR in err
    os.mkfifo(tmp_path / "checker.toml")
    scenario = tmp_path / "case.json"
    scenario.write_text(json.dumps(KURSK))
    assert checker("eval", str(scenario), cwd=tmp_path)[0] in (0, 2)


# --------------------------------------------------------------------------- rule edge values

EDGES = {
    "from 0001-01-01": (
        "grants/us.yaml",
        "in_force: {from: 2024-11-17}",
        "in_force: {from: 0001-01-01}",
        "'0001-01-01' is outside the years 1900 to 2999 a rule's date may name",
    ),
    "from 9999-12-31": (
        "grants/us.yaml",
        "in_force: {from: 2024-11-17}",
        "in_force: {from: 9999-12-31}",
        "'9999-12-31' is outside the years 1900 to 2999 a rule's date may name",
    ),
    "published 0001-01-01": (
        "rulebook.yaml",
        "published: 2024-11-17",
        "published: 0001-01-01",
        "is outside the years 1900 to 2999",
    ),
    "NUL in a document": (
        "rulebook.yaml",
        "document: sources/biden-atacms-2024-11-17.txt",
        'document: "sources/a\\u0000b"',
        "a file name cannot hold a NUL character",
    ),
    "km .inf": ("weapons.yaml", "km: 306", "km: .inf", "range.km: must be a finite number"),
    "miles and km .inf": (
        "weapons.yaml",
        "miles: 190, km: 306",
        "miles: .inf, km: .inf",
        "range.km: must be a finite number",
    ),
}


@pytest.mark.parametrize("edge", EDGES)
def test_a_rule_value_no_command_can_use_is_refused_by_validate(tmp_path: Path, edge: str) -> None:
    """Regression: these passed validate, then diff, lock, timeline and mutate raised
    OverflowError, 'embedded null byte', or JSON output held Infinity."""
    name, old, new, message = EDGES[edge]
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / name
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    code, _, err = checker("validate", str(rules))
    assert code == 2 and message in err and err.startswith(f"{path}:")
    scenario = tmp_path / "case.json"
    scenario.write_text(json.dumps(KURSK))
    for args in (
        ["diff", str(RULES), str(rules)],
        ["lock", "--rules", str(rules), "--check"],
        ["timeline", "--weapon", "ATACMS", "--territory", "RU-KRS", "--kind", "troops"],
        ["mutate", "--scenarios", str(SCENARIOS / "civilian")],
    ):
        rules_args = [] if args[0] in ("diff", "lock") else ["--rules", str(rules)]
        code, out, err = checker(*args, *rules_args)
        assert code == 2 and message in err and "Infinity" not in out


# --------------------------------------------------------------------------- memory


def peak_rss_mib(args: list[str], stdin_bytes: int = 0) -> tuple[int, float]:
    """Exit code and peak resident memory (MiB) of one run, fed `stdin_bytes` of zeros."""
    probe = textwrap.dedent(
        f"""
        import resource, subprocess, sys
        child = subprocess.Popen({[sys.executable, "-m", "checker", *args]!r},
                                 stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        block, left = bytes(1 << 20), {stdin_bytes}
        try:
            while left > 0:
                child.stdin.write(block[:left]); left -= len(block)
            child.stdin.close()
        except BrokenPipeError:
            pass
        code = child.wait()
        print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=TIMEOUT, check=True
    )
    code, kib = done.stdout.split()
    return int(code), int(kib) / 1024


def test_memory_is_bounded_for_a_huge_stdin_or_line(tmp_path: Path) -> None:
    """Regression: `head -c 400M /dev/zero | checker eval -` held 447 MB."""
    code, mib = peak_rss_mib(["eval", "-"], stdin_bytes=64 << 20)
    assert code == 2 and mib <= 100, mib
    code, mib = peak_rss_mib(["eval", "-", "--format", "json"], stdin_bytes=64 << 20)
    assert code == 2 and mib <= 100, mib
    long_line = tmp_path / "long.jsonl"
    with long_line.open("wb") as out:
        out.write(json.dumps(KURSK).encode() + b"\n" + b"x" * (64 << 20) + b"\n")
        out.write(json.dumps(KURSK).encode() + b"\n")
    for jobs in ("1", "2"):
        code, mib = peak_rss_mib(["eval", str(long_line), "--format", "json", "--jobs", jobs])
        assert code == 2 and mib <= 100, mib
    code, out, err = checker("eval", str(long_line), "--format", "json", "--jobs", "2")
    assert [json.loads(line)["file"] for line in lines(out)] == [
        f"{long_line}:1",
        f"{long_line}:3",
    ]
    assert err == f"{long_line}:2: is larger than the 1024 KiB limit\n"


def test_the_line_readers_caches_are_bounded(rulebook: Any) -> None:
    reader = LineReader(rulebook)
    codes = ["RU", "KP", "BY", "IR", "UA", "PL", "US", "GB", "FR", "DE"]
    for n in range(CACHE_LIMIT // 10 + 50):
        forces = [codes[(n >> (3 * k)) % 10] for k in range(6)] + [codes[n % 7]] * (n % 3)
        line = {**KURSK, "target": {**KURSK["target"], "forces": forces}, "id": str(n)}
        reader.read(json.dumps(line).encode())
    assert len(reader._code_lists) <= CACHE_LIMIT // 10
    long = {**KURSK, "target": {**KURSK["target"], "forces": ["RU"] * 100}}
    before = len(reader._code_lists)
    assert reader.read(json.dumps(long).encode()) is not None
    assert len(reader._code_lists) == before


def test_the_memos_per_value_caches_are_bounded(
    rulebook: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a million distinct forces lists took 255 MB."""
    monkeypatch.setattr(memo_module, "MAX_VALUES", 50)
    memo = memo_module.Memo(rulebook)
    reader = LineReader(rulebook)
    countries = ["RU", "KP", "BY", "IR", "UA", "PL", "US", "GB", "FR", "DE", "CN", "IN"]
    for n in range(300):
        forces = sorted({countries[n % 12], countries[(n // 12) % 12], countries[n % 5]})
        day = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}"
        line = {"date": day, "weapon": "ATACMS", "target": {**KURSK["target"], "kind": "troops"}}
        line["target"]["forces"] = forces
        found = reader.read(json.dumps(line).encode())
        assert found is not None
        memo.key(found[0])
    assert len(memo._forces) <= 50 and len(memo._spans) <= 50


# --------------------------------------------------------------------------- the on-disk cache


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHECKER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_cache_evicts_the_least_recently_used_beyond_its_limit(cache_folder: Path) -> None:
    for n in range(5):
        cache.store("test", f"{n:064x}", {"n": n, "pad": "x" * 10_000})
        os.utime(cache_folder / f"test-{n:064x}.json", (1000 + n, 1000 + n))
    assert cache.load("test", f"{0:064x}", dict[str, Any]) is not None  # used: now the newest
    stale = cache_folder / "tmpdead.tmp"
    stale.write_bytes(b"left by a process that died")
    os.utime(stale, (1, 1))
    fresh = cache_folder / "tmpalive.tmp"
    fresh.write_bytes(b"being written now")
    cache.trim(cache_folder, limit=25_000)
    left = sorted(p.name for p in cache_folder.iterdir())
    assert left == [f"test-{0:064x}.json", f"test-{4:064x}.json", "tmpalive.tmp"]


def test_a_failed_cache_write_leaves_no_temporary_file(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a full disk left tmp*.tmp files behind."""

    def full(*_: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", full)
    cache.store("test", "0" * 64, {"a": 1})
    assert list(cache_folder.iterdir()) == []


def decisions(folder: Path) -> Path:
    (found,) = folder.glob("decisions-*.json")
    return found


def test_a_tampered_decision_does_not_change_a_verdict(tmp_path: Path) -> None:
    """Regression: flipping a civilian class to permitted in the cache flipped the verdict."""
    env = {**os.environ, "CHECKER_CACHE_DIR": str(tmp_path / "cache")}
    scenario = str(SCENARIOS / "civilian" / "civilian-kursk-atacms-2024-11-20.json")

    def verdict() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "checker", "eval", scenario, "--format", "json"],
            env=env,
            capture_output=True,
            check=True,
            timeout=TIMEOUT,
        )
        return str(json.loads(done.stdout)["verdict"])

    assert verdict() == "prohibited"
    path = decisions(tmp_path / "cache")
    text = path.read_text()
    assert '"verdicts":["prohibited"]' in text
    # the whole entry rewritten as a forger would: every field but the MAC made to match
    path.write_text(text.replace('"verdicts":["prohibited"]', '"verdicts":["permitted"]'))
    assert verdict() == "prohibited"
    assert '"verdicts":["permitted"]' not in decisions(tmp_path / "cache").read_text()


def test_a_cache_entry_under_another_secret_is_not_read(
    cache_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry copied from another machine (or a restored CI cache) does not vouch for itself."""
    cache.store("test", "1" * 64, {"verdict": "prohibited"})
    assert cache.load("test", "1" * 64, dict[str, Any]) == {"verdict": "prohibited"}
    monkeypatch.setenv("CHECKER_CACHE_SECRET", str(tmp_path / "other-secret"))
    cache._mac_key.cache_clear()
    try:
        assert cache.load("test", "1" * 64, dict[str, Any]) is None
    finally:
        cache._mac_key.cache_clear()


def test_no_secret_no_cache(
    cache_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("")  # the secret cannot be made under a file
    monkeypatch.setenv("CHECKER_CACHE_SECRET", str(tmp_path / "a-file" / "secret"))
    cache._mac_key.cache_clear()
    try:
        cache.store("test", "2" * 64, {"a": 1})
        assert not cache_folder.exists() or not list(cache_folder.iterdir())
    finally:
        cache._mac_key.cache_clear()


def test_ctrl_c_before_the_command_runs_exits_130_at_once() -> None:
    """While the CLI starts (Typer's imports), Ctrl-C is exit 130, not Click's "Aborted!"."""
    import signal

    code = "import checker.entry as e, signal, time\n"
    code += "signal.signal(signal.SIGINT, e._interrupted)\ntime.sleep(30)\n"
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    time.sleep(0.5)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=TIMEOUT)
    assert child.returncode == 130 and err == b""
