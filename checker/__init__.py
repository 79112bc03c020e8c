"""checker: would this strike have been permitted under the policy as it was reported, and why?

>>> import checker
>>> book = checker.load_rulebook()                      # the shipped rules/
>>> scenario = checker.load_scenario("scenarios/atacms/atacms-kursk-depot-2024-11-20.json")
>>> verdict = checker.evaluate(book, scenario)
>>> verdict.verdict, verdict.readings

The public names are imported on first use (PEP 562), so `import checker` - and the CLI's
start-up - does not pay for pydantic, durable_rules or the ISO tables until they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.errors import CheckerError, Location, Problem
    from checker.evaluation.scenario import evaluate
    from checker.model.rulebook import Rulebook
    from checker.model.scenario import Scenario
    from checker.model.verdict import Verdict
    from checker.read.rulebook import default_rulebook, load_rulebook
    from checker.read.scenario import load_scenario, parse_scenario

_HOMES = {
    "CheckerError": "checker.errors",
    "Location": "checker.errors",
    "Problem": "checker.errors",
    "evaluate": "checker.evaluation.scenario",
    "load_scenario": "checker.read.scenario",
    "parse_scenario": "checker.read.scenario",
    "Scenario": "checker.model.scenario",
    "Rulebook": "checker.model.rulebook",
    "default_rulebook": "checker.read.rulebook",
    "load_rulebook": "checker.read.rulebook",
    "Verdict": "checker.model.verdict",
}

__all__ = [
    "CheckerError",
    "Location",
    "Problem",
    "Rulebook",
    "Scenario",
    "Verdict",
    "default_rulebook",
    "evaluate",
    "load_rulebook",
    "load_scenario",
    "parse_scenario",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'checker' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
