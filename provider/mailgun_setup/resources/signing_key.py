"""``WebhookSigningKey``: the account's HTTP webhook signing key, as a secret output.

Mailgun signs every webhook call (and every route forward) with this one account-wide key; an
app verifies the calls with it (:mod:`mailgun_setup.webhooks`). Creating the resource *reads*
the key — it never changes a key other apps may already use. ``rotate`` is any string; changing
it regenerates the key in place (Mailgun's ``POST /v5/accounts/http_signing_key``), and the new
key flows to whatever takes the output. Refresh reads the key again, so a key regenerated in
the dashboard shows up. Destroy leaves the key on the account (Mailgun has no delete). The key
is a secret output (encrypted in state, masked in outputs) and appears in no log or error.
"""
from __future__ import annotations

from typing import Optional

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, ReadResult, Resource, UpdateResult

from ..fields import Field, choice, inputs_class, text
from ..mailgun import signing_key as api
from ..mailgun.facts import DEFAULT_REGION, REGIONS
from .common import BaseProvider, failures
from .inputs import Inputs, checked_arguments, checked_inputs, cleaned

ID = "http_signing_key"


# WebhookSigningKey's inputs, declared once (see mailgun_setup.fields): the constructor, check(), the stack-config
# reader (``webhookSigningKey``), WebhookSigningKeyInputs, the JSON Schema and the docs come from here.
FIELDS: tuple[Field, ...] = (
    Field("region", default=DEFAULT_REGION, **choice(REGIONS)),
    Field("rotate", key="rotate", **text(), doc="Change the value to regenerate the key."),
)
WebhookSigningKeyInputs = inputs_class("WebhookSigningKeyInputs", FIELDS, Inputs, __name__)
WebhookSigningKeyInputs.__doc__ = "The ``mailgun:WebhookSigningKey`` resource's inputs (declared in ``FIELDS``)."


class WebhookSigningKeyProvider(BaseProvider):
    kind = "webhook signing key"
    fields = ("region", "rotate")

    def label(self, props: dict) -> str:
        return "the account's webhook signing key"

    def check(self, _olds: dict, news: dict) -> CheckResult:
        news = WebhookSigningKeyInputs.completed(news)
        clean, found = checked_inputs(FIELDS, news)
        return CheckResult(cleaned(news, clean), failures(found))

    def create(self, props: dict) -> CreateResult:
        client = self.mailgun(props["region"])
        key = api.get_signing_key(client) or api.regenerate_signing_key(client)  # none yet: Mailgun creates one
        return CreateResult(ID, {**props, "key": key})

    def read(self, id_: str, props: dict) -> ReadResult:
        key = api.get_signing_key(self.mailgun(props.get("region") or "us"))
        return ReadResult(id_, {**props, "region": props.get("region") or "us", "key": key}) if key else \
            ReadResult(None, {})

    def update(self, _id: str, olds: dict, news: dict) -> UpdateResult:
        client = self.mailgun(news["region"])
        if olds.get("rotate") != news.get("rotate"):
            pulumi.log.info("webhook signing key regenerated: every app verifying webhooks needs the new key")
            return UpdateResult({**news, "key": api.regenerate_signing_key(client)})
        return UpdateResult({**news, "key": api.get_signing_key(client) or olds.get("key")})

    def delete(self, _id: str, _props: dict) -> None:
        pulumi.log.info("the account keeps its webhook signing key (Mailgun has no delete); only the stack forgets it")


class WebhookSigningKey(Resource, module="mailgun", name="WebhookSigningKey"):
    """The account's HTTP webhook signing key; ``key`` is a secret output for a webhook verifier.

    :param rotate: any string; changing it regenerates the key in place (the old key stops verifying).
    :param region: the API host to ask (the key is account-wide; default us).
    """

    key: pulumi.Output[str]

    def __init__(self, resource_name: str, *, rotate: pulumi.Input[Optional[str]] = None,
                 region: pulumi.Input[Optional[str]] = None, opts: Optional[pulumi.ResourceOptions] = None):
        checked_arguments(f"WebhookSigningKey({resource_name!r})", FIELDS, {"rotate": rotate, "region": region})
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=["key"]))
        super().__init__(WebhookSigningKeyProvider(), resource_name, WebhookSigningKeyInputs(
            region=region or DEFAULT_REGION, rotate=rotate).props(WebhookSigningKey), opts)
