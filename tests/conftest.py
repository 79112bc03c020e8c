"""Shared fixtures and the Hypothesis profiles.

Profiles: `ci` (derandomised, bounded: used by .ci/run), `dev` (the default locally),
`thorough` (20,000+ examples for the oracle and robustness properties; see the README).
Select one with HYPOTHESIS_PROFILE=thorough or pytest --hypothesis-profile=thorough.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import checker
from checker.model.rulebook import Rulebook

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
SCENARIOS = ROOT / "scenarios"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

_common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=150, derandomize=True, print_blob=True, **_common)
settings.register_profile("dev", max_examples=300, **_common)
settings.register_profile("thorough", max_examples=20_000, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# Checked rulebooks are cached by content; tests use a cache of their own, never the user's,
# and remove it when they end (thorough runs write hundreds of MB of generated rulebooks).
if "CHECKER_CACHE_DIR" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="checker-test-cache-")
    os.environ["CHECKER_CACHE_DIR"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
if "CHECKER_CACHE_SECRET" not in os.environ:  # the entries' MAC secret: the tests' own too
    _SECRET = tempfile.mkdtemp(prefix="checker-test-secret-")
    os.environ["CHECKER_CACHE_SECRET"] = str(Path(_SECRET) / "cache-secret")
    atexit.register(shutil.rmtree, _SECRET, ignore_errors=True)


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return checker.load_rulebook(RULES)
