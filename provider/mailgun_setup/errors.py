"""One error hierarchy for mailgun-setup.

    MailgunSetupError
    ├── ConfigError            bad input: names every field and rule at once
    ├── ApiError               a service answered with an error
    │   ├── MailgunApiError
    │   ├── Route53ApiError
    │   └── CloudflareApiError
    ├── DnsError               zone lookup / record conflicts
    │   ├── ZoneNotFoundError
    │   ├── AmbiguousZoneError
    │   └── RecordConflictError
    ├── VerificationError      records not (yet) right in DNS or at Mailgun
    ├── EngineError            the Pulumi engine could not be found or run
    ├── WebhookRejected        an incoming webhook call did not verify (signature, age, replay)
    └── SandboxError           the local sandbox could not start
"""
from __future__ import annotations


class MailgunSetupError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(MailgunSetupError):
    """Invalid input. Carries every violation, each naming its field and rule."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in self.problems))


class ApiError(MailgunSetupError):
    def __init__(self, message: str, status: int | None = None):
        self.status = status
        super().__init__(message)


class MailgunApiError(ApiError):
    pass


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


class SandboxError(MailgunSetupError):
    pass


class WebhookRejected(MailgunSetupError):
    """An incoming webhook call failed verification. The reason is for logs, never for the caller."""
