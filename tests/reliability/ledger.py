"""The results the reliability tests measured, written for ``scripts/reliability_report.py``.

Each test records one entry per case it tried (``point``, ``case``, ``ok``, ``detail``) as it
checks it, so a failing case is counted as failed, not dropped. The file is rewritten once per
pytest session (``build/reliability/results.json``, git-ignored), so ``docs/reliability.md`` only
ever shows what this run measured.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..conftest import REPO

RESULTS = Path(os.environ.get("MAILGUN_SETUP_RELIABILITY_RESULTS", REPO / "build" / "reliability" / "results.json"))


@dataclass
class Entry:
    point: str  # faults | interruption | drift | secrets | bad-input | load
    case: str
    ok: bool
    detail: str = ""
    test: str = ""
    figures: dict = field(default_factory=dict)


class Ledger:
    def __init__(self, path: Path = RESULTS):
        self.path = path
        self.entries: list[Entry] = []
        self.started = time.time()
        self.test = ""

    def record(self, point: str, case: str, ok: bool, detail: str = "", **figures) -> bool:
        self.entries.append(Entry(point, case, bool(ok), detail, self.test, figures))
        self.save()
        return bool(ok)

    def expect(self, point: str, cases: list[str]) -> None:
        """Declare, before running any, the cases of ``point`` this test will record."""
        self.expected = {**getattr(self, "expected", {}), point: list(cases)}
        self.save()

    def failed(self, point: str) -> list[str]:
        """The cases of ``point`` recorded by the current test that did not hold."""
        return [f"{e.case}: {e.detail}" for e in self.entries if e.point == point and e.test == self.test
                and not e.ok]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {"started": self.started, "finished": time.time(), "entries": [asdict(e) for e in self.entries],
                "expected": getattr(self, "expected", {})}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(body, indent=1))
        tmp.replace(self.path)
