"""The ``ledger`` fixture and the hooks that give the results file pytest's own outcome.

Loaded by ``tests/reliability/conftest.py``; a pytest run elsewhere can load it with
``-p tests.reliability.plugin`` (the report's own test does, to run a deliberately broken case).
"""
from __future__ import annotations

import pytest

from .ledger import Ledger

_LEDGER = Ledger()
# nodeid -> passed | failed | skipped (the worst phase wins). A conftest's runtest hooks see only the
# tests under its folder: these are the reliability tests' outcomes; the exit status is the session's.
_OUTCOMES: dict[str, str] = {}
_RANK = {"passed": 0, "skipped": 1, "failed": 2}


@pytest.fixture
def ledger(request):
    """The session's results file; entries and expectations are tagged with the test that made them."""
    _LEDGER.test = request.node.nodeid
    _LEDGER.begin()  # a fresh file per session, even before the first entry
    yield _LEDGER


def pytest_runtest_logreport(report):
    outcome = report.outcome if report.when == "call" or report.outcome != "passed" else "passed"
    if report.outcome == "failed" and report.when != "call":
        outcome = "failed"  # an error in setup or teardown
    if _RANK[outcome] >= _RANK.get(_OUTCOMES.get(report.nodeid, "passed"), 0):
        _OUTCOMES[report.nodeid] = outcome


def pytest_sessionfinish(session, exitstatus):
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for outcome in _OUTCOMES.values():
        counts[outcome] += 1
    used = {e.test for e in _LEDGER.entries} | {x.test for x in _LEDGER.expected}
    tests = {nodeid: outcome for nodeid, outcome in _OUTCOMES.items()
             if nodeid in used or "tests/reliability/" in nodeid}
    _LEDGER.finish({"exitstatus": int(exitstatus), **counts, "tests": tests})
