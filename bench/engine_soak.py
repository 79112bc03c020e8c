"""Soak: 100,000 evaluations through the library in one process; memory and speed stay flat.

    python bench/engine_soak.py [N]      # prints one JSON object

Every evaluation runs the engine (no memoisation): a fresh durable_rules session per
reading, always deleted. Reported per chunk of 10,000: evaluations/s and RSS, so a leak or a
slowdown over the run shows as a trend. Bad scenarios are mixed in (refused before the
engine) to show that failures leave nothing behind either.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import checker
from checker.engine import engine_for
from checker.errors import CheckerError


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(total: int = 100_000, chunk: int = 10_000) -> dict[str, object]:
    book = checker.load_rulebook(ROOT / "rules")
    files = sorted((ROOT / "scenarios").rglob("*.json"))
    scenarios = [checker.load_scenario(f, book) for f in files]
    expected = {s.id: checker.evaluate(book, s).readings for s in scenarios}
    bad_text = (
        '{"date": "2024-02-30", "weapon": "ATACMS", "target": {"territory": "RU", "kind": "x"}}'
    )
    chunks, wrong, refused, done = [], 0, 0, 0
    start_rss = rss_mb()
    while done < total:
        t0 = time.perf_counter()
        for i in range(chunk):
            scenario = scenarios[(done + i) % len(scenarios)]
            if (done + i) % 97 == 0:
                try:
                    checker.parse_scenario(bad_text, "bad.json", book)
                except CheckerError:
                    refused += 1
            wrong += checker.evaluate(book, scenario).readings != expected[scenario.id]
        dt = time.perf_counter() - t0
        done += chunk
        chunks.append({"done": done, "per_second": round(chunk / dt), "rss_mb": round(rss_mb(), 1)})
    engine = engine_for(book)
    return {
        "evaluations": done,
        "sessions_per_evaluation": len(book.readings),
        "wrong_verdicts": wrong,
        "refused_bad_inputs": refused,
        "live_sessions_left": len(engine._traces),
        "rss_start_mb": round(start_rss, 1),
        "rss_end_mb": round(rss_mb(), 1),
        "chunks": chunks,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=1))
