"""``Webhook``: where Mailgun posts one kind of event for one domain (1 to 3 URLs).

Webhooks are region-bound: they live with their domain's region. Domain, region and kind
identify the webhook, so changing one is a replacement; the URLs are an in-place update.
Refresh reads Mailgun's URLs, so a change made in the dashboard shows up as a diff. A webhook
of that kind already in Mailgun with other URLs is not overwritten: that is somebody
else's configuration (import it, or remove it first). Errors never print the URLs, which
may carry basic-auth credentials.
"""
from __future__ import annotations

from typing import Any, Optional

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, ReadResult, Resource, UpdateResult

from .. import rules
from ..fields import URL_PATTERN, Field, choice, inputs_class
from ..mailgun.facts import DEFAULT_REGION, REGIONS
from ..rules import Problem
from ..errors import ConfigError, MailgunApiError
from ..mailgun import webhooks as api
from .common import BaseProvider, failures, held_props
from .inputs import Inputs, checked_arguments, checked_inputs, cleaned
from .owner import domain_ref, with_parent


def _urls(value, path, found, _values):
    """One URL or a list of 1 to ``MAX_URLS`` http(s) URLs, each once."""
    listed = rules.list_of([value] if isinstance(value, str) else value, path, found, api.MAX_URLS, "URLs per kind")
    if listed is None:
        return None
    if not listed:
        found.append(Problem(path, f"at least one URL is required (at most {api.MAX_URLS})"))
    before = len(found)
    for index, url in enumerate(listed):
        if not (isinstance(url, str) and rules.is_url(url)):
            found.append(Problem(f"{path}[{index}]", "must be an http:// or https:// URL with a host"))
        elif url in listed[:index]:
            found.append(Problem(f"{path}[{index}]", "appears twice"))
    return listed if listed and len(found) == before and len(listed) <= api.MAX_URLS else None


_URL = f"^{URL_PATTERN}$"

# Webhook's inputs, declared once (see mailgun_setup.fields): the constructor, check(), the stack-config
# reader (a webhook of ``domains[i].webhooks``), WebhookInputs, the JSON Schema and the docs come from here.
FIELDS: tuple[Field, ...] = (
    Field("domain", required=True, rule=lambda v, p, found, _: rules.domain_name(v, p, found)),
    Field("kind", key="kind", required=True, **choice(api.KINDS), doc="The event kind."),
    Field("urls", key="urls", required=True, rule=_urls, schema={"oneOf": [
        {"type": "string", "pattern": _URL},
        {"type": "array", "minItems": 1, "maxItems": api.MAX_URLS, "items": {"type": "string", "pattern": _URL}}]},
          doc=f"1 to {api.MAX_URLS} http(s) URLs called with the signed event."),
    Field("region", default=DEFAULT_REGION, **choice(REGIONS)),
    Field("domain_identity"),
)
WebhookInputs = inputs_class("WebhookInputs", FIELDS, Inputs, __name__)
WebhookInputs.__doc__ = "The ``mailgun:Webhook`` resource's inputs (declared in ``FIELDS``)."


class WebhookProvider(BaseProvider):
    kind = "webhook"
    fields = ("domain", "region", "kind", "urls", "domain_identity")
    replace_on = {"domain_identity": "is replaced with its Mailgun domain (a domain's webhooks go with it): registered "
                                     "again on the new domain",
                  "domain": "changed: the webhook is created on the new domain and removed from the old one",
                  "region": "changed: webhooks are region-bound; it is created in the new region",
                  "kind": "changed: a webhook of the new kind is created and the old one removed"}

    def label(self, props: dict) -> str:
        return f"webhook {props.get('kind')} of {props.get('domain')}"

    def object_key(self, props: dict) -> tuple:
        return ("webhook", props["region"], props["domain"], props["kind"])

    def check(self, _olds: dict, news: dict) -> CheckResult:
        news = WebhookInputs.completed(news)
        clean, found = checked_inputs(FIELDS, news)
        news = cleaned(news, clean)
        self.declare(news)
        return CheckResult(news, failures(found))

    def changed_fields(self, olds: dict, news: dict) -> list[str]:
        changed = [k for k in self.fields if k != "urls" and olds.get(k) != news.get(k)]
        if sorted(olds.get("urls") or []) != sorted(news.get("urls") or []):  # Mailgun may answer in any order
            changed.append("urls")
        return changed

    def create(self, props: dict) -> CreateResult:
        domain, kind, urls = props["domain"], props["kind"], list(props["urls"])
        client = self.mailgun(props["region"])
        existing = api.get_webhook(client, domain, kind)
        if existing is None:
            try:
                return CreateResult(f"{domain}/{kind}", {**props, "urls": api.create_webhook(client, domain, kind,
                                                                                            urls)})
            except MailgunApiError as exc:  # another stack created it since we looked: judged as if it had been there
                if exc.status != 400 or (existing := api.get_webhook(client, domain, kind)) is None:
                    raise
        if sorted(existing) != sorted(urls):
            raise ConfigError(f"kind: {domain} already has a {kind} webhook with {len(existing)} other URL(s), "
                              f"not made by this stack; remove it in Mailgun, or `pulumi import` it "
                              f"(id {domain}/{kind}) to manage it here")
        # else: the same webhook is there already (a create retried after it reached Mailgun): adopt it
        return CreateResult(f"{domain}/{kind}", {**props, "urls": urls})

    def read(self, id_: str, props: dict) -> ReadResult:
        domain, _, kind = id_.rpartition("/")
        region = props.get("region")
        for candidate in ([region] if region else list(REGIONS)):
            urls = api.get_webhook(self.mailgun(candidate), domain, kind)
            if urls is not None:
                return ReadResult(id_, {**props, "domain": domain, "kind": kind, "region": candidate, "urls": urls})
        return ReadResult(None, {})

    def update(self, _id: str, olds: dict, news: dict) -> UpdateResult:
        client = self.mailgun(news["region"])
        try:
            urls = api.update_webhook(client, news["domain"], news["kind"], list(news["urls"]))
        except MailgunApiError as exc:
            if exc.status != 404:
                raise
            pulumi.log.info(f"{self.label(news)}: gone from Mailgun, created again")
            urls = api.create_webhook(client, news["domain"], news["kind"], list(news["urls"]))
        return UpdateResult({**news, "urls": urls})

    def delete(self, id_: str, props: dict) -> None:
        if self.held_elsewhere(id_, props):
            return
        api.delete_webhook(self.mailgun(props["region"]), props["domain"], props["kind"])


class Webhook(Resource, module="mailgun", name="Webhook"):
    """Where Mailgun posts one kind of event for a domain.

    :param domain: the :class:`MailgunDomain` (or the name of a domain managed elsewhere, with ``region``).
    :param kind: accepted, delivered, opened, clicked, unsubscribed, complained, permanent_fail or
        temporary_fail.
    :param urls: 1 to 3 http(s) URLs. Verify the calls with :mod:`mailgun_setup.webhooks`.
    """

    domain: pulumi.Output[str]
    region: pulumi.Output[str]
    kind: pulumi.Output[str]
    urls: pulumi.Output[list]

    def __init__(self, resource_name: str, *, domain: Any, kind: pulumi.Input[str], urls: pulumi.Input[list],
                 region: Optional[pulumi.Input[str]] = None, opts: Optional[pulumi.ResourceOptions] = None):
        where = f"Webhook({resource_name!r})"
        ref = domain_ref(domain, region, where)
        checked_arguments(where, FIELDS, {"region": ref.region, "kind": kind, "urls": urls})
        opts = with_parent(ref, opts)
        super().__init__(WebhookProvider(), resource_name, held_props(Webhook, resource_name, WebhookInputs(
            domain=ref.name, region=ref.region, kind=kind, urls=urls, domain_identity=ref.identity), opts), opts)
