"""Faults injected into real runs: Ctrl-C at random moments, a reader that goes away, a
full disk - with `--jobs 1` and `--jobs 2`.

Each trial runs `python -m checker eval BATCH.jsonl` in a process group of its own and
asserts: the exit code the SPEC gives (130 interrupted, 141 closed pipe, 2 full disk, or
0 when the run finished first), no traceback, no hang (a timeout fails the trial), no
process of the group left behind (the workers all ended), and every line printed before
the fault whole and correct: stdout is a prefix, in whole lines, of the uninterrupted
output, which itself matches the scenarios evaluated one by one.

Trials per test follow the Hypothesis profile (`tests/conftest.py`): a few dozen under
`ci` and `dev`, ten times as many under `thorough`; the seed is printed on failure.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

import pytest

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
SCALE = 10 if PROFILE == "thorough" else 1
TIMEOUT = 20
"""Seconds a run may take after its fault before it counts as hung."""
EVAL = [sys.executable, "-m", "checker", "eval"]
LINES = 6000
"""Lines of the batch: enough output (about 30 MB of JSON) to be cut anywhere."""


def batch_lines(count: int, seed: int = 7) -> list[str]:
    """Varied scenario lines, a few of them bad (their problems go to stderr)."""
    rng = random.Random(seed)
    weapons = ["ATACMS", "HIMARS", "Storm Shadow", "SCALP-EG"]
    places = ["RU-KRS", "RU-BRY", "RU", "UA-43", "BY", "UA-63"]
    kinds = ["troops", "ammunition_depot", "civilian", "military_equipment", "logistics_hub"]
    out = []
    for n in range(count):
        data: dict[str, Any] = {
            "date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "weapon": rng.choice(weapons),
            "target": {"territory": rng.choice(places), "kind": rng.choice(kinds)},
        }
        if rng.random() < 0.3:
            data["target"]["forces"] = rng.sample(["RU", "KP", "BY", "IR"], rng.randint(1, 3))
        if rng.random() < 0.2:
            data["id"] = f"case-{n}"
        out.append(json.dumps(data) if rng.random() > 0.01 else '{"date": 1}')
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """The batch file and its whole output, uninterrupted."""
    path = tmp_path_factory.mktemp("faults") / "batch.jsonl"
    path.write_text("\n".join(batch_lines(LINES)) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "checker", "eval", str(path), "--format", "json"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    bad = {line.split(b":")[1] for line in done.stderr.splitlines()}
    assert done.stdout.count(b"\n") == LINES - len(bad)
    return path, done.stdout


def test_the_batch_output_is_each_line_evaluated_alone(batch: tuple[Path, bytes]) -> None:
    path, whole = batch
    outputs = [json.loads(line) for line in whole.splitlines()]
    lines = path.read_text().splitlines()
    by_number = {int(found["file"].rsplit(":", 1)[1]): found for found in outputs}
    for number in random.Random(1).sample(sorted(by_number), 5):
        single = path.parent / f"line-{number}.json"
        single.write_text(lines[number - 1])
        done = subprocess.run(
            [sys.executable, "-m", "checker", "eval", str(single), "--format", "json"],
            capture_output=True,
            timeout=60,
            check=True,
        )
        alone = json.loads(done.stdout)
        expected = {k: v for k, v in by_number[number].items() if k not in ("file", "scenario")}
        assert {k: v for k, v in alone.items() if k not in ("file", "scenario")} == expected


class Run:
    """One `checker eval` in its own process group, stdout read as it comes."""

    def __init__(self, path: Path, jobs: int, stdout: Any = subprocess.PIPE) -> None:
        self.process = subprocess.Popen(
            [*EVAL, str(path), "--format", "json", "--jobs", str(jobs)],
            stdout=stdout,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.out, self.err = bytearray(), bytearray()
        self.started = threading.Event()
        self.readers = [threading.Thread(target=self._read, args=(self.process.stderr, self.err))]
        if stdout is subprocess.PIPE:
            self.readers.append(
                threading.Thread(target=self._read, args=(self.process.stdout, self.out))
            )
        for reader in self.readers:
            reader.start()

    def _read(self, stream: IO[bytes], into: bytearray) -> None:
        while True:
            chunk = stream.read1(1 << 16)  # type: ignore[attr-defined]
            if not chunk:
                return
            into += chunk
            self.started.set()

    def finish(self) -> tuple[int, bytes]:
        """The exit code and stderr; fails if the run hangs or leaves a process behind."""
        try:
            self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            pytest.fail("the run hung")
        for reader in self.readers:
            reader.join(TIMEOUT)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        assert_group_gone(self.process.pid)
        err = bytes(self.err)
        assert b"Traceback" not in err and b"internal error" not in err, err[-2000:]
        return self.process.returncode, err


def assert_group_gone(group: int) -> None:
    """No process of the run's group is left (a worker outliving its parent is a failure)."""
    for _ in range(100):
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    os.killpg(group, signal.SIGKILL)
    pytest.fail("a process of the run outlived it")


def assert_whole_prefix(out: bytes, whole: bytes) -> None:
    """Every line printed is whole, and the very line of the uninterrupted run."""
    assert whole.startswith(out), "a line printed differs from the uninterrupted run"
    assert not out or out.endswith(b"\n"), "the last line printed is cut"


def trial_seeds(name: str, count: int) -> list[int]:
    return [random.Random(f"{name}-{n}").randrange(1 << 30) for n in range(count * SCALE)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_at_any_moment(batch: tuple[Path, bytes], jobs: int) -> None:
    path, whole = batch
    outcomes: dict[int, int] = {}
    started = time.monotonic()  # only to spread the trials' moments over a run
    Run(path, jobs).finish()
    span = time.monotonic() - started
    for seed in trial_seeds(f"sigint-{jobs}", 30 if jobs == 2 else 15):
        rng = random.Random(seed)
        run = Run(path, jobs)
        # anywhere in the run: while the CLI starts, before, during or after the output
        time.sleep(rng.uniform(0.1, 1.1 * span))
        with_group = rng.random() < 0.7  # a terminal's Ctrl-C reaches the whole group
        try:
            if with_group:
                os.killpg(run.process.pid, signal.SIGINT)
            else:
                run.process.send_signal(signal.SIGINT)
        except ProcessLookupError:
            pass  # it ended first
        code, err = run.finish()
        # -SIGINT: ended by the signal itself, as Python's default handling does before its
        # interpreter is set up (nothing printed yet): what a shell shows as 130 too
        assert code in (130, -signal.SIGINT, 2), (seed, code, err[-300:])
        if code == 2:  # finished before the signal: all of it
            assert bytes(run.out) == whole, seed
        if code == -signal.SIGINT:
            assert bytes(run.out) == b"", seed
        outcomes[code] = outcomes.get(code, 0) + 1
        assert_whole_prefix(bytes(run.out), whole)
        for line in err.decode().splitlines():
            assert line.startswith(f"{path}:"), (seed, line)
    assert outcomes.get(130), outcomes
    print(f"Ctrl-C with --jobs {jobs}: {sum(outcomes.values())} trials, exit codes {outcomes}")


@pytest.mark.parametrize("jobs", [0, 1, 2])
def test_a_reader_going_away_stops_the_run_quietly(batch: tuple[Path, bytes], jobs: int) -> None:
    path, whole = batch
    for seed in trial_seeds(f"pipe-{jobs}", 5):
        rng = random.Random(seed)
        wanted = rng.randrange(0, len(whole) // 2)
        process = subprocess.Popen(
            [*EVAL, str(path), "--format", "json", *(["--jobs", str(jobs)] if jobs else [])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        assert process.stdout is not None
        got = process.stdout.read(wanted)
        process.stdout.close()  # `| head -c N`
        try:
            err = process.stderr.read() if process.stderr else b""
            code = process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("the run hung")
        assert process.stderr is not None
        process.stderr.close()
        assert_group_gone(process.pid)
        assert code == 141, (seed, code, err[-300:])
        assert b"Traceback" not in err and b"BrokenPipe" not in err and b"internal" not in err
        assert whole.startswith(got)


@pytest.mark.parametrize("jobs", [0, 1, 2])  # 0: no --jobs, the plain `checker eval`
@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_a_full_disk_is_one_line_and_exit_2(batch: tuple[Path, bytes], jobs: int, fmt: str) -> None:
    path, _ = batch
    with Path("/dev/full").open("wb") as full:
        process = subprocess.Popen(
            [*EVAL, str(path), "--format", fmt, *(["--jobs", str(jobs)] if jobs else [])],
            stdout=full,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, err = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("the run hung")
    assert_group_gone(process.pid)
    assert process.returncode == 2
    assert (
        err.decode().splitlines()[-1] == "checker: cannot write the output: No space left on device"
    )
    assert b"Traceback" not in err
