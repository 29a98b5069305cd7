"""One shape for everything the product checks and reports: verification's record checks and the doctor.

A finding names what was checked (``subject``), whether it holds, what was found in plain words
(``detail``) and, when it does not hold, the one-line ``fix``. A finding about one DNS record also
carries the ``record`` expected and the values DNS ``found``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .text import shorten


@dataclass(frozen=True)
class Finding:
    subject: str          # "TXT mg._domainkey.mail.company.com", "SPF mail.company.com", "domain"
    ok: bool
    detail: str = ""      # what was found, in plain words (why it does not hold)
    fix: str = ""         # one line; empty when ok
    found: tuple[str, ...] = ()
    record: Optional[dict] = None

    def line(self) -> str:
        """The doctor's line: ``ok``/``FAIL``, the subject, the detail and the fix."""
        mark = "ok  " if self.ok else "FAIL"
        return f"{mark} {self.subject}: {self.detail}" + (f" -> fix: {self.fix}" if self.fix else "")

    def describe(self) -> str:
        """Verification's sentence for a record: expected, found, and why."""
        from .records import comparable
        want = comparable(self.record) if self.record else ""
        got = ", ".join(repr(shorten(v)) for v in self.found) or "nothing"
        return (f"{self.subject}: expected {shorten(want)!r}, found {got}"
                + (f" — {self.detail}" if self.detail else ""))
