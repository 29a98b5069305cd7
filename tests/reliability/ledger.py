"""The results the reliability tests measured, written for ``scripts/reliability_report.py``.

How a reliability test reports (the whole API):

    def test_something(ledger, ...):
        cases = ["Route 53 × 503 × create", ...]
        ledger.expect(POINT, cases)                 # 1. declare every case, before running any
        for case in cases:
            ok = ...                                # 2. try it
            ledger.record(POINT, case, ok, "what was seen", seconds=1.2)   # figures are free keywords
        assert not ledger.failed(POINT), ledger.failed(POINT)   # 3. fail the test on any miss

``expect(point, cases, note=...)`` may be called more than once (the declarations add up); the
``note`` is printed under the point's figure (say there how a sample was drawn). A new point only
needs its title in ``POINTS`` of ``scripts/reliability_report.py`` (an unknown point is still
rendered, under its key). ``failed(point)`` lists this test's failed cases *and* its declared cases
that have no result yet, so it can be asserted at the end whatever order the test recorded in.

What the page makes of it: ``passed / expected`` per point, where a case passes only when it was
declared and every result recorded for it holds. A declared case without a result (the test
stopped before it) counts as failed, and so does a recorded case nobody declared. The results file
(``build/reliability/results.json``, git-ignored; ``MAILGUN_SETUP_RELIABILITY_RESULTS`` moves it)
is begun afresh by the first reliability test of a pytest session and carries the commit measured
(``git rev-parse HEAD``, and whether the tree had uncommitted changes) and, written by
``pytest_sessionfinish``, pytest's own outcome: its exit status, the counts of passed and failed
tests, and the outcome of every test that used the ledger. A results file without that outcome
comes from a run that did not finish, and the page says so.
"""
from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Optional

REPO = Path(__file__).resolve().parents[2]
RESULTS = Path(os.environ.get("MAILGUN_SETUP_RELIABILITY_RESULTS", REPO / "build" / "reliability" / "results.json"))
# With pytest-xdist each worker is a session of its own: it writes results-<worker>.json beside RESULTS,
# and the report reads them all together (`make test` starts from an empty folder).
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if WORKER:
    RESULTS = RESULTS.with_name(f"{RESULTS.stem}-{WORKER}{RESULTS.suffix}")


@dataclass
class Entry:
    point: str  # faults | interruption | drift | secrets | bad-input | properties | load | …
    case: str
    ok: bool
    detail: str = ""
    test: str = ""
    figures: dict = field(default_factory=dict)


@dataclass
class Expectation:
    point: str
    cases: list[str]
    test: str = ""
    note: str = ""


def _git(*args: str) -> Optional[str]:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


class Ledger:
    def __init__(self, path: Optional[Path] = None):
        self.path = Path(path or RESULTS)
        self.entries: list[Entry] = []
        self.expected: list[Expectation] = []
        self.started: Optional[float] = None
        self.commit: Optional[str] = None
        self.dirty: Optional[bool] = None
        self.pytest: Optional[dict] = None
        self.test = ""

    def begin(self) -> None:
        """Start this session's results file (once): the commit measured, nothing recorded yet."""
        if self.started is not None:
            return
        self.started = time.time()
        self.commit = _git("rev-parse", "HEAD")
        status = _git("status", "--porcelain", "--untracked-files=no")
        self.dirty = None if status is None else bool(status)
        self.save()

    def expect(self, point: str, cases: Iterable[str], note: str = "") -> list[str]:
        """Declare the cases this test will run under ``point`` (before running any); returns them."""
        cases = list(cases)
        if len(set(cases)) != len(cases):
            raise ValueError(f"{point}: a case is declared twice: {sorted(c for c in cases if cases.count(c) > 1)}")
        self.begin()
        self.expected.append(Expectation(point, cases, self.test, note))
        self.save()
        return cases

    def record(self, point: str, case: str, ok: bool, detail: str = "", **figures) -> bool:
        self.begin()
        self.entries.append(Entry(point, case, bool(ok), detail, self.test, figures))
        self.save()
        return bool(ok)

    def failed(self, point: str) -> list[str]:
        """This test's cases of ``point`` that did not hold, and those it declared but never recorded."""
        mine = [e for e in self.entries if e.point == point and e.test == self.test]
        missed = [f"{e.case}: {e.detail}" for e in mine if not e.ok]
        done = {e.case for e in mine}
        missed += [f"{case}: no result recorded" for x in self.expected if x.point == point and x.test == self.test
                   for case in x.cases if case not in done]
        return missed

    def finish(self, pytest_outcome: dict) -> None:
        """pytest's own result of the session (written by ``pytest_sessionfinish``)."""
        if self.started is None:
            return  # no reliability test ran: leave the last results file alone
        self.pytest = pytest_outcome
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {"started": self.started, "finished": time.time(), "commit": self.commit, "dirty": self.dirty,
                "pytest": self.pytest, "expected": [asdict(x) for x in self.expected],
                "entries": [asdict(e) for e in self.entries]}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(body, indent=1))
        tmp.replace(self.path)
