"""``ApiKey``: a dedicated Mailgun API key (e.g. a read-only ``basic`` key for a metrics exporter).

Through Mailgun's keys API. With ``domain`` the key is a domain (sending) key, which can only
send messages for that domain; without, an account (user) key of the given role. The secret
is returned by Mailgun once, at creation: it is kept as a secret output (encrypted in state)
and never appears in logs or errors. Mailgun keys cannot be changed, so any input change is
a replacement — the new key is created before the old one is revoked, so whoever uses the
key can switch over. Destroy revokes the key. A key revoked or expired outside Pulumi
disappears on refresh and is created again by the next ``up``.
"""
from __future__ import annotations

from typing import Any, Optional

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from .. import rules
from ..fields import SELECTOR_PATTERN, Field, beside, choice, inputs_class, integer, text
from ..mailgun.facts import DEFAULT_REGION, MAX_DESCRIPTION, REGIONS
from ..rules import Problem
from ..mailgun import dates
from ..mailgun import keys as api
from .common import BaseProvider, failures
from .inputs import Inputs, checked_arguments, checked_inputs, cleaned
from .owner import domain_ref, with_parent

MAX_EXPIRATION = 10 * 365 * 86400
NEW_KEY = "changed: Mailgun keys cannot be changed; a new key is created, then the old one revoked"


def _domain(value, path, found, values):
    name = rules.domain_name(value, path, found)
    role = values.get("role")
    if name is not None and role is not None and role != "sending":
        found.append(Problem(beside(path, "role"), f"must be sending when domain is given (a domain key can only "
                                                   f"send), got {role!r}"))
    return name


def _sending(values) -> Optional[str]:
    if values.get("role") == "sending":
        return "is required for the sending role (Mailgun's sending keys belong to one domain)"
    return None


# ApiKey's inputs, declared once (see mailgun_setup.fields): the constructor, check(), the stack-config reader
# (an entry of ``apiKeys``), ApiKeyInputs, the JSON Schema and the docs come from here. ``name`` is the
# resource's name in a stack file; that a key's domain is a domain of the stack is a rule of the list.
FIELDS: tuple[Field, ...] = (
    Field("name", key="name", required=True, stored=False, rule=lambda v, p, found, _: rules.selector(v, p, found),
          schema={"type": "string", "pattern": SELECTOR_PATTERN}, doc="The key's name in this stack (one DNS label)."),
    Field("role", key="role", default="basic", **choice(api.ROLES), doc="Mailgun's key role."),
    Field("description", key="description", default="", **text(MAX_DESCRIPTION),
          doc=f"At most {MAX_DESCRIPTION} characters."),
    Field("domain", key="domain", needed=_sending, rule=_domain, schema={"type": "string"},
          doc="A domain of this stack: the key may only send for it (role sending)."),
    Field("expiration", key="expiration", **integer(1, MAX_EXPIRATION),
          doc="Seconds until the key expires; left out, it does not."),
    Field("region", default=DEFAULT_REGION, **choice(REGIONS)),
    Field("domain_identity"),
)
ApiKeyInputs = inputs_class("ApiKeyInputs", FIELDS, Inputs, __name__)
ApiKeyInputs.__doc__ = "The ``mailgun:ApiKey`` resource's inputs (declared in ``FIELDS``)."


class ApiKeyProvider(BaseProvider):
    kind = "API key"
    fields = ("region", "role", "description", "domain", "expiration", "domain_identity")
    replace_on = {**{field: NEW_KEY for field in fields},
                  "domain_identity": "is replaced with its Mailgun domain (its domain keys are revoked with it): a new key "
                                     "(new secret) is created"}

    def label(self, props: dict) -> str:
        return f"API key {props.get('description') or props.get('role') or ''}".strip()

    def check(self, _olds: dict, news: dict) -> CheckResult:
        news = ApiKeyInputs.completed(news)
        clean, found = checked_inputs(FIELDS, news)  # a JSON number (the engine's float) made an integer
        return CheckResult(cleaned(news, clean), failures(found))

    def diff(self, id_: str, olds: dict, news: dict) -> DiffResult:
        result = super().diff(id_, olds, news)
        # the new key exists before the old one is revoked: its users can switch without a gap
        return DiffResult(changes=result.changes, replaces=result.replaces, delete_before_replace=False)

    def create(self, props: dict) -> CreateResult:
        key = api.create_key(self.mailgun(props["region"]), props["role"], props.get("description") or "",
                             domain=props.get("domain") or None, expiration=props.get("expiration"))
        return CreateResult(key["id"], {**props, "key_id": key["id"], "kind": key.get("kind"),
                                        "expires_at": dates.iso(key.get("expires_at")), "secret": key["secret"]})

    def read(self, id_: str, props: dict) -> ReadResult:
        key = api.get_key(self.mailgun(props.get("region") or "us"), id_)
        if key is None or key.get("is_disabled"):
            return ReadResult(None, {})
        # the secret is never listed: keep the one from creation (absent after `pulumi import`)
        return ReadResult(id_, {**props, "key_id": id_, "role": key.get("role"), "kind": key.get("kind"),
                                "description": key.get("description") or "", "domain": key.get("domain_name"),
                                "expires_at": dates.iso(key.get("expires_at")), "region": props.get("region") or "us"})

    def update(self, _id: str, olds: dict, news: dict) -> UpdateResult:
        # every input is a replacement; nothing changes in place
        return UpdateResult({**news, **{k: olds.get(k) for k in ("key_id", "kind", "expires_at", "secret")}})

    def delete(self, id_: str, props: dict) -> None:
        api.delete_key(self.mailgun(props.get("region") or "us"), id_)


class ApiKey(Resource, module="mailgun", name="ApiKey"):
    """A dedicated Mailgun API key; its ``secret`` is a secret output, shown by Mailgun only once.

    :param role: admin, developer, basic (read-only: a metrics exporter) or sending.
    :param domain: for a ``sending`` key, the :class:`MailgunDomain` (or domain name) it may send for.
    :param description: up to 255 characters. :param expiration: lifetime in seconds (default: none).
    """

    key_id: pulumi.Output[str]
    kind: pulumi.Output[str]
    secret: pulumi.Output[str]
    expires_at: pulumi.Output[Optional[str]]

    def __init__(self, resource_name: str, *, role: pulumi.Input[str], description: pulumi.Input[str] = "",
                 domain: Any = None, expiration: pulumi.Input[Optional[int]] = None,
                 region: Optional[pulumi.Input[str]] = None, opts: Optional[pulumi.ResourceOptions] = None):
        where = f"ApiKey({resource_name!r})"
        ref = domain_ref(domain, region, where, required=False)
        from .mailgun_domain import MailgunDomain
        named = domain.name if isinstance(domain, MailgunDomain) else None if ref is None else ref.name
        checked_arguments(where, FIELDS, {"role": role, "description": description, "expiration": expiration,
                                          "domain": named, "region": region if ref is None else ref.region})
        opts = pulumi.ResourceOptions.merge(with_parent(ref, opts),
                                            pulumi.ResourceOptions(additional_secret_outputs=["secret"]))
        super().__init__(ApiKeyProvider(), resource_name, ApiKeyInputs(
            role=role, description=description, domain=None if ref is None else ref.name, expiration=expiration,
            region=region if ref is None else ref.region,
            domain_identity=None if ref is None else ref.identity).props(ApiKey), opts)
