"""The whole-space semantic diff of the shipped rulebook against a mutated one; target <= 5 s.

    python bench/bench_diff.py [--runs 5]      # prints one JSON object

The mutated rulebook moves the ATACMS grant's start by three days and widens its narrow
reading to Bryansk oblast, so both the date and the territory dimensions split further. Each
run builds the joint space, evaluates every class under both rulebooks through the engine
(compiled engines are reused, as in one `checker diff`), and merges the changes into regions.
Also timed: the same diff with the scenario corpus, the policy lock, and `checker mutate`'s
library call.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from checker.audit.diff import read_corpus, semantic_diff
from checker.audit.lock import _lock_text
from checker.audit.mutation import mutation_report
from checker.evaluation.space import build_space
from checker.model.dates import PolicyDate
from checker.model.rulebook import Rulebook
from checker.read.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent


def mutated(book: Rulebook) -> Rulebook:
    grants = []
    for grant in book.grants:
        if grant.id == "us-grant-atacms":
            span = grant.in_force.model_copy(update={"from_": PolicyDate(date(2024, 11, 20))})
            narrow = grant.readings["narrow"].model_copy(
                update={"territories": ["RU-KRS", "RU-BRY"]}
            )
            readings = {**grant.readings, "narrow": narrow}
            grant = grant.model_copy(update={"in_force": span, "readings": readings})
        grants.append(grant)
    return dataclasses.replace(
        book, grants=tuple(grants), fingerprint=book.fingerprint + "-bench", _names={}
    )


def timed(runs: int, action: Any) -> tuple[float, list[float], Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    old = load_rulebook(ROOT / "rules")
    new = mutated(old)
    corpus = read_corpus(ROOT / "scenarios")
    space = build_space(old, new)
    median, times, diff = timed(args.runs, lambda: semantic_diff(old, new))
    with_corpus, _, _ = timed(args.runs, lambda: semantic_diff(old, new, corpus))
    lock, _, _ = timed(args.runs, lambda: _lock_text(old))
    start = time.perf_counter()
    report = mutation_report(old, corpus)
    mutate = time.perf_counter() - start
    print(
        json.dumps(
            {
                "benchmark": "whole-space semantic diff, shipped rulebook vs a mutated one",
                "classes": diff.classes,
                "classes_before_pruning": space.size(),
                "class_reading_verdicts": diff.classes * len(space.readings),
                "changed_class_readings": diff.changed,
                "regions": len(diff.regions),
                "runs": args.runs,
                "median_seconds": round(median, 3),
                "seconds": [round(t, 3) for t in times],
                "target_seconds": 5.0,
                "within_target": median <= 5.0,
                "median_seconds_with_corpus": round(with_corpus, 3),
                "corpus_scenarios": len(corpus),
                "median_seconds_lock": round(lock, 3),
                "mutate_seconds": round(mutate, 3),
                "mutants": len(report.results),
                "mutation_score": report.score,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
