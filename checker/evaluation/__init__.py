"""Scenario to verdict: the one evaluation path.

A scenario's strike falls in a class of the finite scenario space (`space`); each class
is decided once by the engine per reading and remembered (`memo`), and the traces are
explained as a verdict with its reasons and sources (`explain`). `scenario` evaluates one
scenario, `batch` many files, `jsonl` JSON Lines streams (with worker processes). May
import `checker.errors`, `checker.model`, `checker.read`, `checker.engine`.
"""
