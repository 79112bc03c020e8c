"""checker: would this strike have been permitted under the policy as it was reported, and why?

>>> import checker
>>> book = checker.load_rulebook()                      # the shipped rules/
>>> scenario = checker.load_scenario("scenarios/atacms/atacms-kursk-depot-2024-11-20.json")
>>> verdict = checker.evaluate(book, scenario)
>>> verdict.verdict, verdict.readings
"""

from checker.errors import CheckerError, Location, Problem
from checker.evaluation import evaluate
from checker.loading import load_scenario, parse_scenario
from checker.model import Scenario
from checker.rulebook import Rulebook, default_rulebook, load_rulebook
from checker.verdict import Verdict

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
