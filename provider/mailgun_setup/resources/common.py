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

from .. import holders
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


# The input that names the Mailgun domain an object lives in (see resources.domain.identity).
WITH_THE_DOMAIN = ("domain_identity",)


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
    # Fields state written by an earlier release may lack: absent in olds is no change.
    added_later: tuple[str, ...] = WITH_THE_DOMAIN

    def object_key(self, props: dict) -> Optional[tuple]:
        """What this resource holds at Mailgun or in DNS, as a key that another resource holding the same
        object has too (None: nothing another resource could take over). See :mod:`mailgun_setup.holders`."""
        return None

    def declare(self, news: dict) -> None:
        """Called by every ``check()``: the program declares this resource's object in this run."""
        if known(news.get("holder")):
            try:
                key = self.object_key(news)
            except (KeyError, TypeError, AttributeError):  # inputs too broken to name it: check() reports them
                return
            if key is not None and known(list(key)):
                holders.declare(key, news.get("holder"))

    def held_elsewhere(self, id_: str, props: dict) -> bool:
        """Whether another resource of this program took the object over (a rename or a move): then
        ``delete()`` leaves it in place, and says so."""
        key = self.object_key(props)
        other = holders.other_holder(key, props.get("holder"), self.kind, id_) if key is not None else None
        if other:
            pulumi.log.info(f"{self.label(props)}: kept, now held by {other.rsplit('::', 1)[-1]} of this stack "
                            f"(renamed or moved)")
        return other is not None

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
        return [k for k in self.fields if olds.get(k) != news.get(k)
                and not (k in self.added_later and olds.get(k) is None)]

    def diff(self, id_: str, olds: dict, news: dict) -> DiffResult:
        changed = self.changed_fields(olds, news)
        replaces = [k for k in changed if k in self.replace_on]
        for key in replaces:
            pulumi.log.warn(f"{self.label(news)}: {'' if key in WITH_THE_DOMAIN else key + ' '}{self.replace_on[key]}")
        if replaces:
            holders.replacing(self.kind, id_)
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=True)


def held_props(resource_class: type, name: str, inputs, opts: Optional[pulumi.ResourceOptions]) -> dict:
    """The properties to register ``inputs`` (an :class:`~.inputs.Inputs`) with, naming their holder: the
    URN the resource of ``resource_class`` named ``name`` gets with ``opts``."""
    inputs.holder = holders.holder_of(resource_class, name, opts)
    return inputs.props(resource_class)


def failures(problems: Iterable[Problem]) -> list[CheckFailure]:
    return [CheckFailure(p.path, p.rule) for p in problems]


def stack_of(owner: str) -> str:
    """``project/stack`` -> ``stack`` (for messages that tell the user which command to run)."""
    return (owner or "").rsplit("/", 1)[-1] or "<stack>"


def may_resume(olds: dict, status: Any) -> bool:
    """Whether a resource recorded as waiting (manual DNS) should be tried again: its records may
    be Verified now (or preview cannot know yet)."""
    return bool(olds.get("waiting")) and (not known(status) or status == VERIFIED)
