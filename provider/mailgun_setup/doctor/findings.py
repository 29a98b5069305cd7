"""The doctor's report: one :class:`~mailgun_setup.findings.Finding` per line, and the summary."""
from __future__ import annotations

from ..findings import Finding


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
