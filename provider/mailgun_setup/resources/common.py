"""What every dynamic provider here shares: credentials from configure(), diffs with named reasons.

Provider objects are pickled into the state of every resource, so they hold no state of
their own when pickled; credentials arrive in ``configure()`` inside the provider process
(from stack config ``mailgun-setup:*``, else the usual environment) and live only there.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Optional

import pulumi
from pulumi.dynamic import CheckFailure, ConfigureRequest, DiffResult, ResourceProvider
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from ..mailgun.facts import VERIFIED
from ..ownership import Claim, other_claims
from ..rules import Problem

if TYPE_CHECKING:  # the HTTP client loads in the provider process, where it is used
    from ..mailgun.client import MailgunClient

CONFIG_NAMESPACE = "mailgun-setup"


def known(value: Any) -> bool:
    """False for a value (or a list/dict holding one) that preview cannot know yet: the SDK hands
    a provider either the RPC sentinel string or ``pulumi.output.Unknown`` instances."""
    if isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN):
        return False
    if isinstance(value, (list, tuple)):
        return all(known(v) for v in value)
    if isinstance(value, dict):
        return all(known(v) for v in value.values())
    return True


def setting(config, key: str) -> Optional[str]:
    """``mailgun-setup:<key>`` from a provider's config, whatever the program's project is called."""
    return config.get(f"{CONFIG_NAMESPACE}:{key}") or config.get(key)


class BaseProvider(ResourceProvider):
    """``fields`` are compared by diff; ``replace_on`` maps a field to the reason preview shows.

    The pickled provider holds no secret (credentials arrive in ``configure()``), so it is stored
    as plain base64 rather than as an encrypted secret: about 400 bytes less in the state of every
    resource, and still a secret whenever a secret Output would be captured in it (the SDK's rule).
    """

    serialize_as_secret_always = False

    kind = "resource"
    fields: tuple[str, ...] = ()
    replace_on: dict[str, str] = {}

    def configure(self, req: ConfigureRequest) -> None:
        self._api_key = setting(req.config, "apiKey")
        self._cloudflare_token = setting(req.config, "cloudflareApiToken")

    def mailgun(self, region: str) -> MailgunClient:
        from ..mailgun.client import api_key_from_env, shared_client
        return shared_client(getattr(self, "_api_key", None) or api_key_from_env(), region)

    @property
    def cloudflare_token(self) -> Optional[str]:
        return getattr(self, "_cloudflare_token", None)

    def label(self, props: dict) -> str:
        return f"{self.kind} {props.get('name') or props.get('username') or props.get('domain') or ''}".strip()

    @staticmethod
    def other_stacks(domain: str, props: dict) -> list[Claim]:
        """The claims of every other stack on ``domain`` (delete keeps what they still declare),
        read at the zone's authoritative servers: those in ``props`` when the resource carries
        them, else found from the domain (senders and routes do not store them)."""
        return other_claims(domain, props.get("owner") or "", props.get("nameservers") or ())

    def changed_fields(self, olds: dict, news: dict) -> list[str]:
        return [k for k in self.fields if olds.get(k) != news.get(k)]

    def diff(self, _id: str, olds: dict, news: dict) -> DiffResult:
        changed = self.changed_fields(olds, news)
        replaces = [k for k in changed if k in self.replace_on]
        for key in replaces:
            pulumi.log.warn(f"{self.label(news)}: {key} {self.replace_on[key]}")
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=True)


def failures(problems: Iterable[Problem]) -> list[CheckFailure]:
    return [CheckFailure(p.path, p.rule) for p in problems]


def stack_of(owner: str) -> str:
    """``project/stack`` -> ``stack`` (for messages that tell the user which command to run)."""
    return (owner or "").rsplit("/", 1)[-1] or "<stack>"


def may_resume(olds: dict, status: Any) -> bool:
    """Whether a resource recorded as waiting (manual DNS) should be tried again: its records may
    be Verified now (or preview cannot know yet)."""
    return bool(olds.get("waiting")) and (not known(status) or status == VERIFIED)
