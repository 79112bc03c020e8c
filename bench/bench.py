"""checker's benchmark: cold start, batch throughput through the CLI, memory, and cedarpy as peer.

    python bench/bench.py                      # 10k, 100k and 1M lines; JSON on stdout
    python bench/bench.py --sizes 10000,100000 --runs 3 --out /tmp/bench.json

Everything is measured in one run on one machine, side by side; times are medians of
several runs, with the ratios the targets are stated in. Each size is run with a cold
decision table (an empty cache: every class decided by the engine during the run) and a
warm one (`checker compile` run once first, and one untimed run of the file, which keeps
the JSON templates it renders, as any earlier run does), with `--jobs 1`, `--jobs 2` and the default;
text and markdown at 100k; the cold `checker eval one.json` with the warm table and with
an empty cache beside `python -c "import typer"`; and the whole-space `checker diff`. The JSONL inputs are generated
into a temporary folder (seeded, so every run sees the same scenarios). The CLI is timed
end to end as a user runs it (`checker eval big.jsonl --format json > /dev/null`); a
sample of its output is compared line by line with one-by-one evaluation through the
library's plain path, and every scenario's cedarpy decision with checker's verdict.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
POLICY = Path(__file__).resolve().parent / "cedar" / "policy.cedar"
PYTHON = sys.executable
CHECKER = str(Path(PYTHON).with_name("checker"))

# ---------------------------------------------------------------------- scenarios

WEAPONS = ["ATACMS", "MGM-140", "HIMARS", "M142", "GMLRS", "Storm Shadow", "SCALP", "SCALP-EG"]
WEAPON_IDS = {
    "ATACMS": "atacms",
    "MGM-140": "atacms",
    "HIMARS": "himars",
    "M142": "himars",
    "GMLRS": "himars",
    "Storm Shadow": "storm-shadow",
    "SCALP": "scalp",
    "SCALP-EG": "scalp",
}
PLACES = ["RU", "RU-KRS", "RU-KRS", "RU-BEL", "RU-BRY", "RU-MOS", "UA", "UA-43", "UA-14", "BY"]
KINDS = [
    "troops",
    "military_equipment",
    "logistics_hub",
    "ammunition_depot",
    "supply_line",
    "airbase",
    "command_post",
    "civilian",
]
FORCES: list[list[str] | None] = [None, None, ["RU"], ["KP", "RU"], ["KP"], []]
CONSENTS: list[list[str] | None] = [None, None, None, ["US"], ["GB", "US"], ["FR", "US"], ["GB"]]
OPERATORS = [None] * 8 + ["PL", "UA"]
# Known sites (targets, launch areas): located scenarios repeat them, as real data does.
SITES = [(51.73, 36.19), (52.97, 36.07), (50.6, 36.58), (53.24, 34.37), (55.75, 37.62)]
LAUNCHES = [(50.91, 34.8), (49.99, 36.23), (48.46, 35.05)]
FIRST_DAY = date(2024, 1, 1)


def scenario(rng: random.Random, number: int) -> dict[str, Any]:
    target: dict[str, Any] = {"territory": rng.choice(PLACES), "kind": rng.choice(KINDS)}
    forces = rng.choice(FORCES)
    if forces is not None:
        target["forces"] = forces
    data: dict[str, Any] = {
        "id": f"gen-{number}",
        "date": (FIRST_DAY + timedelta(days=rng.randrange(460))).isoformat(),
        "weapon": rng.choice(WEAPONS),
        "target": target,
    }
    operator = rng.choice(OPERATORS)
    if operator:
        data["operator"] = operator
    consent = rng.choice(CONSENTS)
    if consent:
        data["assume"] = {"consent": consent}
    if rng.random() < 0.1:
        lat, lon = rng.choice(SITES)
        target["location"] = {"lat": lat, "lon": lon}
        lat, lon = rng.choice(LAUNCHES)
        data["launch"] = {"location": {"lat": lat, "lon": lon}}
    return data


def write_jsonl(path: Path, count: int, seed: int = 6) -> None:
    rng = random.Random(seed)
    with path.open("w") as handle:
        for number in range(count):
            handle.write(json.dumps(scenario(rng, number)) + "\n")


# ---------------------------------------------------------------------- processes


def run_timed(
    argv: list[str],
    stdout: Any = subprocess.DEVNULL,
    sample: bool = False,
    cache: str | None = None,
) -> dict[str, Any]:
    """Wall time, exit code and peak RSS (the process tree's largest) of one command.

    `cache`: the CHECKER_CACHE_DIR it runs with (default: the warm one); "empty": a new,
    empty folder for this very run (a cold decision table and no checked rulebook)."""
    env = {**os.environ, "PYTHONPYCACHEPREFIX": CACHE_PREFIX}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode is written and read, as installed
    if cache == "empty":
        cache = tempfile.mkdtemp(prefix="cold-", dir=CACHE_PREFIX)
    env["CHECKER_CACHE_DIR"] = cache or WARM_CACHE
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, env=env)
    samples: list[tuple[float, float]] = []
    peaks: list[float] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.05 if not sample else 0.25):
            rss, hwm = _tree_rss_mb(proc.pid)
            peaks.append(hwm)
            if sample:
                samples.append((time.perf_counter() - start, rss))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    return {
        "seconds": elapsed,
        "exit": proc.returncode,
        # The tree's high-water marks (VmHWM, which exec resets), sampled: ru_maxrss of a
        # child of this process counts the pages it had when forked from the bench, which
        # holds the inputs and cedarpy's data (it read 460 MB for a 50 MB run).
        "peak_rss_mb": max(peaks) if peaks else usage.ru_maxrss / 1024,
        "rss_samples": samples,
        "stderr": stderr.decode(errors="replace")[-500:],
    }


def _tree_rss_mb(pid: int) -> tuple[float, float]:
    """The process tree's resident memory now and the sum of its high-water marks, in MB."""
    total = high = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            total += int(fields["VmRSS"].split()[0])
            high += int(fields["VmHWM"].split()[0])
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            pending += [int(c) for c in children]
        except (OSError, KeyError, ValueError):
            continue
    return total / 1024, high / 1024


def median_of(runs: int, argv: list[str], **kwargs: Any) -> dict[str, Any]:
    results = [run_timed(argv, **kwargs) for _ in range(runs)]
    times = [r["seconds"] for r in results]
    return {
        "median_s": statistics.median(times),
        "runs_s": [round(t, 4) for t in times],
        "exit": results[-1]["exit"],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
        "rss_samples": results[-1]["rss_samples"],
        "stderr": results[-1]["stderr"],
    }


CACHE_PREFIX = ""
WARM_CACHE = ""
"""The cache every warm run shares: the decision table compiled once (`checker compile`)."""

# ---------------------------------------------------------------------- measurements


def cold_start(folder: Path, runs: int) -> dict[str, Any]:
    one = folder / "one.json"
    one.write_text(
        json.dumps(
            {
                "date": "2024-11-20",
                "weapon": "ATACMS",
                "target": {"territory": "RU-KRS", "kind": "ammunition_depot"},
            }
        )
    )
    # Writes the bytecode cache, as an install does, and the rulebook cache, as any run does.
    run_timed([CHECKER, "eval", str(one)])
    typer = median_of(runs, [PYTHON, "-c", "import typer"])
    bare = median_of(runs, [PYTHON, "-c", "pass"])
    cold = median_of(runs, [CHECKER, "eval", str(one)])
    json_cold = median_of(runs, [CHECKER, "eval", str(one), "--format", "json"])
    empty = median_of(runs, [CHECKER, "eval", str(one)], cache="empty")
    return {
        "python_bare_ms": round(bare["median_s"] * 1e3, 1),
        "import_typer_ms": round(typer["median_s"] * 1e3, 1),
        "checker_eval_one_ms": round(cold["median_s"] * 1e3, 1),
        "checker_eval_one_json_ms": round(json_cold["median_s"] * 1e3, 1),
        "checker_eval_one_empty_cache_ms": round(empty["median_s"] * 1e3, 1),
        "ratio_to_typer": round(cold["median_s"] / typer["median_s"], 2),
        "target": "warm table: <= 1.0x import typer; empty cache: <= 400 ms",
        "met": cold["median_s"] <= typer["median_s"] and empty["median_s"] <= 0.4,
        "runs_ms": [round(t * 1e3, 1) for t in cold["runs_s"]],
        "empty_cache_runs_ms": [round(t * 1e3, 1) for t in empty["runs_s"]],
    }


def cli_batch(
    path: Path,
    lines: int,
    runs: int,
    jobs: int | None,
    *,
    table: str = "warm",
    format: str = "json",
) -> dict[str, Any]:
    """`checker eval FILE --format F [--jobs N] > /dev/null`; `table`: "warm" (compiled) or
    "cold" (an empty cache for each run: every class decided by the engine, in the run).
    `jobs` None: the default, chosen by the file's size."""
    argv = [CHECKER, "eval", str(path), "--format", format]
    argv += [] if jobs is None else ["--jobs", str(jobs)]
    result = median_of(runs, argv, sample=True, cache="empty" if table == "cold" else None)
    samples = result.pop("rss_samples")
    rss = [mb for _, mb in samples]
    return {
        "lines": lines,
        "jobs": "default" if jobs is None else jobs,
        "table": table,
        "format": format,
        "median_s": round(result["median_s"], 3),
        "runs_s": result["runs_s"],
        "scenarios_per_s": round(lines / result["median_s"]),
        "exit": result["exit"],
        "peak_rss_mb": round(result["peak_rss_mb"], 1),
        "rss_mb_over_run": _quartiles(rss),
        "stderr": result["stderr"],
    }


def _quartiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    picks = {"10%": 0.1, "50%": 0.5, "90%": 0.9, "max": 1.0}
    return {
        k: round(values[min(len(values) - 1, int(q * len(values)))], 1) for k, q in picks.items()
    } | {"max": round(max(values), 1)}


def plain_verdict(book: Any, scenario: Any, file: str | None = None) -> Any:
    """One scenario through the engine directly, every reading, no memo: the reference."""
    from checker.engine import engine_for
    from checker.evaluation.explain import assemble
    from checker.read.scenario import strike_of

    strike = strike_of(book, scenario)
    engine = engine_for(book)
    traces = {reading: engine.run(strike, reading) for reading in book.readings}
    return assemble(book, scenario, strike, traces, file=file)


def library(path: Path, lines: int, windows: int = 10) -> dict[str, Any]:
    """In-process: the memoised JSONL path, and the plain path on a sample, lines per second."""
    import checker
    from checker.evaluation.jsonl import JsonlEvaluator, read_blocks
    from checker.report.verdict import as_json

    book = checker.load_rulebook()
    evaluator = JsonlEvaluator(book, json_out=True)
    rates, window = [], max(1, lines // windows)
    start = last = time.perf_counter()
    seen = mark = 0
    for block, first in read_blocks(str(path)):
        for _ in evaluator.lines(str(path), block, first):
            pass
        seen = evaluator.stats.lines
        if seen - mark >= window:
            now = time.perf_counter()
            rates.append(round((seen - mark) / (now - last)))
            mark, last = seen, now
    memo_rate = seen / (time.perf_counter() - start)
    sample = path.read_text().splitlines()[:2000]
    start = time.perf_counter()
    for number, line in enumerate(sample, 1):
        scenario = checker.parse_scenario(line, str(path), book)
        as_json(plain_verdict(book, scenario, file=f"{path}:{number}"))
    plain_rate = len(sample) / (time.perf_counter() - start)
    return {
        "memo_scenarios_per_s": round(memo_rate),
        "plain_scenarios_per_s": round(plain_rate),
        "memo_over_plain": round(memo_rate / plain_rate, 1),
        "engine_runs": evaluator.memo.engine_runs,
        "rate_per_window": rates,
        "last_over_first_window": round(rates[-1] / rates[0], 2) if len(rates) > 1 else None,
    }


def verify_sample(path: Path, folder: Path, count: int = 2000) -> dict[str, Any]:
    """The CLI's JSON for a random sample of lines == one-by-one plain evaluation."""
    import checker
    from checker.report.verdict import as_json

    out = folder / "verify.out"
    with out.open("wb") as handle:
        result = run_timed([CHECKER, "eval", str(path), "--format", "json"], stdout=handle)
    produced = out.read_text().splitlines(keepends=True)
    lines = path.read_text().splitlines()
    book = checker.load_rulebook()
    rng = random.Random(1)
    picks = sorted(rng.sample(range(len(lines)), min(count, len(lines))))
    mismatches = []
    for index in picks:
        scenario = checker.parse_scenario(lines[index], str(path), book)
        expected = as_json(plain_verdict(book, scenario, file=f"{path}:{index + 1}"))
        if produced[index] != expected:
            mismatches.append(index + 1)
    out.unlink()
    return {
        "lines_compared": len(picks),
        "mismatching_lines": mismatches[:20],
        "identical": not mismatches and len(produced) == len(lines),
        "exit": result["exit"],
    }


def cedar(path: Path, lines: int) -> dict[str, Any]:
    """cedarpy on the same scenarios: end to end from the JSONL file, in batches."""
    import cedarpy

    policies = cedarpy.PolicySet.from_str(POLICY.read_text())
    source = policies if policies is not None else POLICY.read_text()
    entities = cedarpy.Entities.from_json_str("[]") if hasattr(cedarpy, "Entities") else "[]"
    allowed: list[bool] = []
    start = time.perf_counter()
    authorize_s = 0.0
    batch: list[dict[str, Any]] = []
    with path.open("rb") as handle:
        for raw in handle:
            batch.append(cedar_request(json.loads(raw)))
            if len(batch) == 10_000:
                t = time.perf_counter()
                allowed += _decide(cedarpy, batch, source, entities)
                authorize_s += time.perf_counter() - t
                batch = []
    if batch:
        t = time.perf_counter()
        allowed += _decide(cedarpy, batch, source, entities)
        authorize_s += time.perf_counter() - t
    elapsed = time.perf_counter() - start
    return {
        "decisions": len(allowed),
        "decisions_per_s": round(len(allowed) / elapsed),
        "authorize_only_per_s": round(len(allowed) / authorize_s),
        "allowed": allowed,
    }


def _decide(cedarpy: Any, batch: list[dict[str, Any]], policies: Any, entities: Any) -> list[bool]:
    results = cedarpy.is_authorized_batch(batch, policies, entities)
    return [r.decision == cedarpy.Decision.Allow for r in results]


def cedar_request(data: dict[str, Any]) -> dict[str, Any]:
    target = data["target"]
    territory = target["territory"].upper()
    forces = target.get("forces")
    day = date.fromisoformat(data["date"])
    return {
        "principal": f'Operator::"{data.get("operator", "UA").upper()}"',
        "action": 'Action::"strike"',
        "resource": 'Target::"t"',
        "context": {
            "weapon": WEAPON_IDS[data["weapon"]],
            "kind": target["kind"],
            "territory": territory,
            "country": territory.split("-", 1)[0],
            "day": day.year * 10000 + day.month * 100 + day.day,
            "forces_given": forces is not None,
            "forces": [f.upper() for f in forces or []],
            "consent": [c.upper() for c in (data.get("assume") or {}).get("consent", [])],
        },
    }


def agreement(path: Path, allowed: list[bool], count: int = 5000) -> dict[str, Any]:
    """cedarpy's Allow == checker's `permitted`, on a sample evaluated by the plain path."""
    import checker

    book = checker.load_rulebook()
    lines = path.read_text().splitlines()
    rng = random.Random(2)
    picks = rng.sample(range(len(lines)), min(count, len(lines)))
    disagree = []
    for index in picks:
        verdict = checker.evaluate(book, checker.parse_scenario(lines[index], str(path), book))
        if (verdict.verdict == "permitted") != allowed[index]:
            disagree.append(index + 1)
    return {"compared": len(picks), "disagreeing_lines": disagree[:20], "agree": not disagree}


# ---------------------------------------------------------------------- diff


def whole_space_diff(folder: Path, runs: int) -> dict[str, Any]:
    """`checker diff OLD NEW` of the shipped rules against a changed copy, both tables warm
    (a first, untimed run fills them)."""
    old, new = folder / "rules-old", folder / "rules-new"
    shutil.copytree(ROOT / "rules", old)
    shutil.copytree(ROOT / "rules", new)
    grant = new / "grants" / "us.yaml"
    grant.write_text(grant.read_text().replace("{from: 2024-11-17}", "{from: 2024-11-20}"))
    argv = [CHECKER, "diff", str(old), str(new)]
    first = run_timed(argv)
    warm = median_of(runs, argv)
    return {
        "first_run_s": round(first["seconds"], 3),
        "warm_median_s": round(warm["median_s"], 3),
        "runs_s": warm["runs_s"],
        "exit": warm["exit"],
        "target": "<= 2 s with both tables warm",
        "met": warm["median_s"] <= 2.0 and warm["exit"] == 1,
    }


# ---------------------------------------------------------------------- main


def main() -> None:
    global CACHE_PREFIX, WARM_CACHE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--cold-runs", type=int, default=11)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--out", help="also write the JSON report here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    jobs = sorted({int(j) for j in args.jobs.split(",")})
    folder = Path(tempfile.mkdtemp(prefix="checker-bench-"))
    CACHE_PREFIX = str(folder / "pycache")
    WARM_CACHE = str(folder / "warm-cache")
    Path(CACHE_PREFIX).mkdir()
    os.environ["CHECKER_CACHE_DIR"] = WARM_CACHE  # the in-process measurements too
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    try:
        _log("checker compile (the warm table)")
        compiled = run_timed([CHECKER, "compile"])
        report["compile"] = {"seconds": round(compiled["seconds"], 3), "exit": compiled["exit"]}
        _log("cold start")
        report["cold_start"] = cold_start(folder, args.cold_runs)
        files = {}
        for size in sizes:
            files[size] = folder / f"scenarios-{size}.jsonl"
            write_jsonl(files[size], size)
        report["batch"] = []
        for size in sizes:
            runs = args.runs if size < 1_000_000 else max(1, args.runs - 1)
            for table in ("cold", "warm"):
                if table == "warm":  # as after any earlier run: the JSON templates kept too
                    run_timed([CHECKER, "eval", str(files[size]), "--format", "json"])
                for job in jobs:
                    _log(f"CLI {size} lines, {table} table, --jobs {job}")
                    report["batch"].append(
                        cli_batch(
                            files[size], size, 1 if table == "cold" else runs, job, table=table
                        )
                    )
            _log(f"CLI {size} lines, warm table, default --jobs")
            report["batch"].append(cli_batch(files[size], size, runs, None))
            _log(f"cedarpy {size} lines")
            cedar_result = cedar(files[size], size)
            allowed = cedar_result.pop("allowed")
            best = max(
                (b for b in report["batch"] if b["lines"] == size and b["table"] == "warm"),
                key=lambda b: b["scenarios_per_s"],
            )
            cedar_result["checker_cli_best_per_s"] = best["scenarios_per_s"]
            cedar_result["checker_over_cedar"] = round(
                best["scenarios_per_s"] / cedar_result["decisions_per_s"], 2
            )
            _log(f"agreement {size}")
            cedar_result["agreement"] = agreement(files[size], allowed)
            report.setdefault("cedarpy", []).append({"lines": size, **cedar_result})
        middle = min((s for s in sizes if s >= 100_000), default=max(sizes))
        report["text"] = []
        for format in ("text", "markdown"):
            _log(f"CLI {middle} lines, --format {format}")
            report["text"].append(cli_batch(files[middle], middle, args.runs, 1, format=format))
        biggest = max(sizes)
        _log(f"library {biggest}")
        report["library"] = library(files[biggest], biggest)
        _log(f"verify sample of {middle}")
        report["verify_sample"] = verify_sample(files[middle], folder)
        _log("whole-space diff")
        report["diff"] = whole_space_diff(folder, args.runs)
        report["targets"] = _targets(report)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


def _targets(report: dict[str, Any]) -> dict[str, Any]:
    def rate(lines: int, jobs: int | str, table: str = "warm") -> float:
        found = [
            b["scenarios_per_s"]
            for b in report["batch"]
            if (b["lines"], b["jobs"], b["table"]) == (lines, jobs, table)
        ]
        return found[0] if found else 0.0

    sizes = sorted({b["lines"] for b in report["batch"]})
    biggest = sizes[-1]
    big_runs = [b for b in report["batch"] if b["lines"] == biggest]  # cold and warm
    text = next(t for t in report["text"] if t["format"] == "text")
    found: dict[str, Any] = {
        "over_cedar_4x": {str(c["lines"]): c["checker_over_cedar"] >= 4 for c in report["cedarpy"]},
        "warm_10k_60k_per_s": rate(10_000, 1) >= 60_000 if 10_000 in sizes else None,
        "1M_jobs1_150k_per_s": rate(1_000_000, 1) >= 150_000 if 1_000_000 in sizes else None,
        "jobs2_over_jobs1_1.7x": round(rate(biggest, 2) / max(rate(biggest, 1), 1), 2),
        "text_50k_per_s": text["scenarios_per_s"] >= 50_000,
        "cold_start": report["cold_start"]["met"],
        "peak_rss_200mb": max(b["peak_rss_mb"] for b in big_runs) <= 200,
        "no_slowdown": (report["library"]["last_over_first_window"] or 1) >= 0.8,
        "diff_2s": report["diff"]["met"],
        "measured_at": f"{biggest} lines",
    }
    return found


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
