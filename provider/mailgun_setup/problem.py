"""``Problem``: one broken input rule, where and what. A leaf: it imports nothing of this package, so
:mod:`mailgun_setup.errors` carries problems without pulling in DNS names or Mailgun facts."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (``domains[1].senders[0].password``) and what (``must be 5 to 32 characters long``)."""

    path: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}: {self.rule}"

    def under(self, prefix: str) -> "Problem":
        """The same problem seen from an enclosing path (``name`` under ``domains[0]``)."""
        return Problem(f"{prefix}.{self.path}" if prefix else self.path, self.rule)
