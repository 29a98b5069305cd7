"""One error hierarchy for mailgun-setup.

    MailgunSetupError
    ├── ConfigError            bad input: every (path, rule) Problem at once
    │   └── UsageError         the public API called wrongly in a program (raised at preview)
    ├── ApiError               a service answered with an error: service, method, path, status, code
    │   ├── MailgunApiError
    │   │   ├── AnswerLost
    │   │   └── SamePasswordError
    │   ├── Route53ApiError
    │   └── CloudflareApiError
    ├── DnsError               zone lookup / record conflicts
    │   ├── ZoneNotFoundError
    │   ├── AmbiguousZoneError
    │   └── RecordConflictError
    ├── VerificationError      records not (yet) right in DNS or at Mailgun
    ├── EngineError            the Pulumi engine could not be found or run
    └── WebhookRejected        an incoming webhook call did not verify (signature, age, replay)

Foreign exceptions (requests, botocore, the Cloudflare SDK, dnspython) are mapped to these at
one boundary each: ``mailgun/client.py``, ``dns/route53.py``, ``dns/cloudflare.py``,
``verify/lookup.py``. Behaviour depends on the class and the structured fields, never on the text.
"""
from __future__ import annotations

from typing import Iterable, Optional, Union

from pulumi.errors import RunError

from .problem import Problem


class MailgunSetupError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(MailgunSetupError):
    """Invalid input. Carries every violation as a ``Problem(path, rule)``, rendered once here."""

    def __init__(self, problems: Union[str, Problem, Iterable[Problem]]):
        if isinstance(problems, (str, Problem)):
            problems = [problems]
        # A plain message is kept whole (rendered as it is), never split into a path and a rule.
        self.problems: list[Problem] = [p if isinstance(p, Problem) else Problem("", str(p)) for p in problems]
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {_render(p)}" for p in self.problems))


def _render(problem: Problem) -> str:
    return str(problem) if problem.path else problem.rule


class UsageError(ConfigError, RunError):
    """A resource of the public API was given arguments that cannot work (a sender under another
    domain, a route on a domain without receiving). Raised while the program runs, so ``pulumi
    preview`` fails before anything is written; as a ``pulumi.RunError`` the engine shows the
    message alone, without a Python traceback."""


class ApiError(MailgunSetupError):
    """A service refused a call. ``status`` (HTTP) and ``code`` (the service's own error code) are
    what callers branch on; ``service``, ``method`` and ``path`` name the call in messages."""

    def __init__(self, message: str, status: Optional[int] = None, *, service: str = "", method: str = "",
                 path: str = "", code: Optional[str] = None):
        self.status, self.service, self.method, self.path, self.code = status, service, method, path, code
        super().__init__(message)


class MailgunApiError(ApiError):
    pass


class AnswerLost(MailgunApiError):
    """A create whose outcome is unknown (timeout, reset, 5xx): it may or may not have been applied,
    so the client reads before it sends it again."""


class SamePasswordError(MailgunApiError):
    """Mailgun refused a password change because the password is the one it already has."""


class Route53ApiError(ApiError):
    pass


class CloudflareApiError(ApiError):
    pass


class DnsError(MailgunSetupError):
    pass


class ZoneNotFoundError(DnsError):
    pass


class AmbiguousZoneError(DnsError):
    pass


class RecordConflictError(DnsError):
    pass


class VerificationError(MailgunSetupError):
    pass


class EngineError(MailgunSetupError):
    pass


class WebhookRejected(MailgunSetupError):
    """An incoming webhook call failed verification. The reason is for logs, never for the caller."""
