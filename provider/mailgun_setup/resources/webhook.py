"""``Webhook``: where Mailgun posts one kind of event for one domain (1 to 3 URLs).

Webhooks are region-bound: they live with their domain's region. Domain, region and kind
identify the webhook, so changing one is a replacement; the URLs are an in-place update.
Refresh reads Mailgun's URLs, so a change made in the dashboard shows up as a diff. A webhook
of that kind already in Mailgun with other URLs is not overwritten: that is somebody
else's configuration (import it, or remove it first). Errors never print the URLs, which
may carry basic-auth credentials.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import urlsplit

import pulumi
from pulumi.runtime.rpc import UNKNOWN
from pulumi.dynamic import CheckResult, CreateResult, ReadResult, Resource, UpdateResult

from .. import rules
from ..mailgun.facts import REGIONS
from ..rules import Problem
from ..errors import ConfigError, MailgunApiError
from ..mailgun import webhooks as api
from .common import BaseProvider, failures, held_props, known
from .inputs import Inputs
from .owner import domain_ref, plain, plain_problems, with_parent


def _url_problem(url) -> Optional[str]:
    if not isinstance(url, str):
        return "must be an http(s) URL"
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "must be an http:// or https:// URL with a host"
    return None


def _problems(props: dict) -> list[Problem]:
    found: list[Problem] = []
    if known(props.get("domain")):
        rules.domain_name(props.get("domain"), "domain", found)
    out = found
    if known(props.get("region")) and props.get("region") not in REGIONS:
        out.append(Problem("region", f"must be one of {', '.join(REGIONS)}, got {props.get('region')!r}"))
    if known(props.get("kind")) and props.get("kind") not in api.KINDS:
        out.append(Problem("kind", f"must be one of {', '.join(api.KINDS)}, got {props.get('kind')!r}"))
    urls = props.get("urls")
    if known(urls):
        if not isinstance(urls, (list, tuple)) or not 1 <= len(urls) <= api.MAX_URLS:
            count = len(urls) if isinstance(urls, (list, tuple)) else "not a list"
            out.append(Problem("urls", f"must be a list of 1 to {api.MAX_URLS} URLs (Mailgun's limit per kind), got {count}"))
        else:
            seen = set()
            for i, url in enumerate(urls):
                if not known(url):
                    continue
                problem = _url_problem(url) or ("appears twice" if url in seen else None)
                seen.add(url)
                if problem:
                    out.append(Problem(f"urls[{i}]", problem))
    return out


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
        news = {"region": "us", **{k: v for k, v in news.items() if v is not None}}
        if isinstance(news.get("urls"), tuple):
            news["urls"] = list(news["urls"])
        self.declare(news)
        return CheckResult(news, failures(_problems(news)))

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


@dataclass
class WebhookInputs(Inputs):
    domain: pulumi.Input[str]
    region: pulumi.Input[str]
    kind: pulumi.Input[str]
    urls: pulumi.Input[list]
    domain_identity: pulumi.Input[Optional[str]] = None


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
        plain_problems(_problems(plain({"domain": UNKNOWN, "region": ref.region, "kind": kind, "urls": urls})),
                       where)
        opts = with_parent(ref, opts)
        super().__init__(WebhookProvider(), resource_name, held_props(Webhook, resource_name, WebhookInputs(
            domain=ref.name, region=ref.region, kind=kind, urls=urls, domain_identity=ref.identity), opts), opts)
