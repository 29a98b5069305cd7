"""What every dynamic provider here shares: credentials from configure(), diffs with named reasons.

Provider objects are pickled into the state of every resource, so they hold no state of
their own when pickled; credentials arrive in ``configure()`` inside the provider process
(from stack config, else the usual environment) and live only there.
"""
from __future__ import annotations

from typing import Any, Optional

import pulumi
from pulumi.dynamic import CheckFailure, ConfigureRequest, DiffResult, ResourceProvider
from pulumi.runtime.rpc import UNKNOWN

from ..mailgun.client import MailgunClient, api_key_from_env
from ..ownership import Claim, other_claims

SMTP_HOSTS = {"us": "smtp.mailgun.org", "eu": "smtp.eu.mailgun.org"}
UNVERIFIED, IN_PROGRESS, VERIFIED, FAILED = ("Unverified", "Verification in Progress", "Verified",
                                             "Verification Failed")


def known(value: Any) -> bool:
    return value is not UNKNOWN and value != UNKNOWN


class BaseProvider(ResourceProvider):
    """``fields`` are compared by diff; ``replace_on`` maps a field to the reason preview shows."""

    kind = "resource"
    fields: tuple[str, ...] = ()
    replace_on: dict[str, str] = {}

    def configure(self, req: ConfigureRequest) -> None:
        self._api_key = req.config.get("apiKey")
        self._cloudflare_token = req.config.get("cloudflareApiToken")

    def mailgun(self, region: str) -> MailgunClient:
        return MailgunClient(getattr(self, "_api_key", None) or api_key_from_env(), region)

    @property
    def cloudflare_token(self) -> Optional[str]:
        return getattr(self, "_cloudflare_token", None)

    def label(self, props: dict) -> str:
        return f"{self.kind} {props.get('name') or props.get('username') or props.get('domain') or ''}".strip()

    @staticmethod
    def other_stacks(domain: str, props: dict) -> list[Claim]:
        """The claims of every other stack on ``domain`` (delete keeps what they still declare)."""
        return other_claims(domain, props.get("owner") or "", props.get("nameservers") or ())

    def changed_fields(self, olds: dict, news: dict) -> list[str]:
        return [k for k in self.fields if olds.get(k) != news.get(k)]

    def diff(self, _id: str, olds: dict, news: dict) -> DiffResult:
        changed = self.changed_fields(olds, news)
        replaces = [k for k in changed if k in self.replace_on]
        for key in replaces:
            pulumi.log.warn(f"{self.label(news)}: {key} {self.replace_on[key]}")
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=True)


def failures(problems: list[tuple[str, str]]) -> list[CheckFailure]:
    return [CheckFailure(field, rule) for field, rule in problems]
