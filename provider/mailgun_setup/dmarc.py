"""``Dmarc``: the DMARC policy a sending subdomain publishes at ``_dmarc.<domain>``.

Since the big mailbox providers' 2024 bulk-sender rules, a sending domain without DMARC is a
deliverability problem, and Mailgun does not publish one. A name holds one DMARC record at
most, so a DMARC record that is already there (not ours) is never overwritten: it is kept,
and reported.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from . import rules
from .rules import Problem

POLICIES = ("none", "quarantine", "reject")
PREFIX = "v=DMARC1"


def is_dmarc(value: str) -> bool:
    return value.replace(" ", "").upper().startswith(PREFIX.upper() + ";") or value.strip().upper() == PREFIX.upper()


def record_name(domain: str) -> str:
    return f"_dmarc.{domain}"


@dataclass(frozen=True)
class Dmarc:
    """:param policy: ``none`` (monitor), ``quarantine`` or ``reject``.
    :param rua: where aggregate reports go: ``mailto:`` addresses, comma-separated."""

    policy: str = "none"
    rua: Optional[str] = None

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        rules.choice(self.policy, "policy", found, POLICIES)
        if self.rua is not None:
            text = rules.string(self.rua, "rua", found)
            for uri in (text or "").split(","):
                address = uri.strip()[len("mailto:"):] if uri.strip().lower().startswith("mailto:") else None
                if text is not None and (address is None or not rules.is_address(address)):
                    found.append(Problem("rua", f"{uri.strip()!r} must be a mailto: address, e.g. "
                                                f"mailto:dmarc@company.com (several: comma-separated)"))
        return found

    @property
    def value(self) -> str:
        parts = [PREFIX, f"p={self.policy.strip().lower()}"]
        if self.rua:
            parts.append(f"rua={','.join(u.strip() for u in self.rua.split(','))}")
        return "; ".join(parts)

    def record(self, domain: str) -> dict:
        return {"purpose": "DMARC", "type": "TXT", "name": record_name(domain), "value": self.value}

    @classmethod
    def from_config(cls, value: Any, path: str, problems: list[Problem]) -> Optional["Dmarc"]:
        """``dmarc: {policy: none, rua: "mailto:…"}`` from the stack config."""
        entry = rules.mapping(value, path, ("policy", "rua"), problems)
        if entry is None:
            return None
        found: list[Problem] = []
        dmarc = cls(policy=rules.get(entry, "policy", "none"), rua=entry.get("rua"))
        found += dmarc.problems()
        problems += [p.under(path) for p in found]
        return None if found else cls(policy=dmarc.policy.strip().lower(), rua=dmarc.rua)
