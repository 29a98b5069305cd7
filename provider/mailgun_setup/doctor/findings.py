"""One finding per line: what was checked, what is wrong, and the one-line fix."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    subject: str          # "TXT mg._domainkey.mail.company.com", "SPF mail.company.com", "domain"
    ok: bool
    detail: str           # what was found, in plain words
    fix: str = ""         # one line; empty when ok

    def line(self) -> str:
        mark = "ok  " if self.ok else "FAIL"
        return f"{mark} {self.subject}: {self.detail}" + (f" -> fix: {self.fix}" if self.fix else "")


def good(subject: str, detail: str) -> Finding:
    return Finding(subject, True, detail)


def bad(subject: str, detail: str, fix: str) -> Finding:
    return Finding(subject, False, detail, fix)


def render(domain: str, region: str, findings: list[Finding]) -> str:
    problems = sum(not f.ok for f in findings)
    head = f"mailgun-setup doctor {domain} (region {region})"
    tail = ("all checks passed" if not problems
            else f"{problems} problem{'s' if problems != 1 else ''} found")
    return "\n".join([head, *(f.line() for f in findings), tail]) + "\n"
