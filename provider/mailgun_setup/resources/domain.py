"""``Domain``: the Mailgun side of a subdomain — created, or adopted when it already exists.

Name, region and DKIM key length cannot change at Mailgun: a change is a replacement,
and preview says why. Retention (Mailgun's ``message_ttl``) and tracking are in-place updates.
Adoption is what lets UAT and Prod share one subdomain: the second stack finds the domain
in its region and takes it over instead of failing; destroy deletes the domain only when
no other stack still claims it (see :mod:`mailgun_setup.ownership`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, ReadResult, Resource, UpdateResult

from .. import records, rules
from ..errors import ConfigError
from ..mailgun.facts import (DEFAULT_DKIM_KEY_LENGTH, DEFAULT_DKIM_SELECTOR, DEFAULT_REGION, DKIM_KEY_LENGTHS,
                             REGIONS, RETENTION_DAYS, SMTP_HOSTS, retention_seconds)
from ..rules import Problem
from .common import BaseProvider, failures, known
from .inputs import Inputs

REGION_REASON = "cannot be changed; a new subdomain is created (deleted in the old region, then created in the new one)"


@dataclass
class DomainInputs(Inputs):
    """The ``mailgun:Domain`` resource's inputs; ``retention_days`` None leaves Mailgun's default."""

    name: pulumi.Input[str]
    region: pulumi.Input[str] = DEFAULT_REGION
    dkim_key_length: pulumi.Input[int] = DEFAULT_DKIM_KEY_LENGTH
    dkim_selector: pulumi.Input[str] = DEFAULT_DKIM_SELECTOR
    retention_days: pulumi.Input[Optional[int]] = None
    tracking: pulumi.Input[bool] = False
    receiving: pulumi.Input[bool] = False
    owner: pulumi.Input[str] = ""
    nameservers: pulumi.Input[list] = field(default_factory=list)
    OUTPUTS = ("state", "sender_records", "receiver_records", "smtp_host", "smtp_login", "adopted")


def problems(props: dict) -> list[Problem]:
    """Every rule the known inputs break (unknown ones are checked again at apply)."""
    found: list[Problem] = []
    if known(props.get("name")):
        rules.domain_name(props.get("name"), "name", found)
    if known(props.get("dkim_selector")):
        rules.selector(props.get("dkim_selector"), "dkim_selector", found)
    for key, allowed in (("region", REGIONS), ("dkim_key_length", DKIM_KEY_LENGTHS),
                         ("retention_days", RETENTION_DAYS)):
        if known(props.get(key)) and props.get(key) is not None:
            rules.choice(props.get(key), key, found, allowed)
    return found


def _selector_of(body: dict) -> Optional[str]:
    for record in body.get("sending_dns_records") or []:
        name = record.get("name") or ""
        if "._domainkey." in name:
            return name.split("._domainkey.", 1)[0]
    return None


class DomainProvider(BaseProvider):
    kind = "Mailgun domain"
    fields = ("name", "region", "dkim_key_length", "dkim_selector", "retention_days", "tracking", "receiving")
    replace_on = {
        "name": "cannot be changed; a new subdomain is created",
        "region": REGION_REASON,
        "dkim_key_length": "cannot be changed in place; the domain is re-created with a new DKIM key",
        "dkim_selector": "cannot be changed in place; the domain is re-created with a new DKIM key",
    }

    def check(self, _olds: dict, news: dict) -> CheckResult:
        news = DomainInputs.completed(news)
        return CheckResult(news, failures(problems(news)))

    def outputs(self, props: dict, body: dict, adopted: bool) -> dict:
        """The resource's outputs: ``props`` completed from Mailgun's answer ``body``."""
        sender, receiver = records.from_mailgun(body, bool(props.get("tracking")))
        domain = body["domain"]
        return {**props, "name": domain["name"], "state": domain.get("state"),
                "dkim_selector": _selector_of(body) or props.get("dkim_selector"),
                "sender_records": sender, "receiver_records": receiver if props.get("receiving") else [],
                "smtp_host": SMTP_HOSTS[props["region"]], "smtp_login": domain.get("smtp_login"),
                "adopted": adopted}

    def existing(self, props: dict) -> Optional[dict]:
        """Mailgun's answer for a domain that already exists and can be taken over as declared;
        None when it does not exist. Raises when it lives in the other region or has another
        DKIM selector: taking it over would replace it."""
        name, region = props["name"], props["region"]
        body = self.mailgun(region).get_domain(name)
        if body is None:
            for other in REGIONS:
                if other != region and self.mailgun(other).get_domain(name) is not None:
                    raise ConfigError(Problem("region", f"{name} already exists in Mailgun's {other.upper()} region, "
                                              f"not {region.upper()}; the region of a domain is fixed forever: "
                                              f"use region {other}, or a new subdomain"))
            return None
        selector = _selector_of(body)
        if selector and selector != props["dkim_selector"]:
            raise ConfigError(Problem("dkim_selector", f"{name} already exists in Mailgun with DKIM selector "
                                                       f"{selector!r}; set dkimSelector: {selector} to adopt it"))
        return body

    def create(self, props: dict) -> CreateResult:
        name = props["name"]
        client = self.mailgun(props["region"])
        body = self.existing(props)
        adopted = body is not None
        ttl = _ttl(props)
        if adopted:
            if ttl is not None and int(body["domain"].get("message_ttl", -1)) != ttl:
                client.update_domain(name, message_ttl=ttl)
                body = client.get_domain(name)
        else:
            body = client.create_domain(name, int(props["dkim_key_length"]), ttl,
                                        dkim_selector=props["dkim_selector"], web_prefix="email")
        return CreateResult(name, self.outputs(props, body, adopted))

    def read(self, id_: str, props: dict) -> ReadResult:
        """Refresh, and the state `mailgun-setup import` builds: gone from Mailgun means gone from state."""
        body = self.mailgun(props["region"]).get_domain(id_)
        if body is None:
            return ReadResult(None, {})
        return ReadResult(id_, self.outputs({"name": id_, **props}, body, bool(props.get("adopted"))))

    def update(self, _id: str, olds: dict, news: dict) -> UpdateResult:
        client = self.mailgun(news["region"])
        if olds.get("retention_days") != news.get("retention_days") and _ttl(news) is not None:
            client.update_domain(news["name"], message_ttl=_ttl(news))
        return UpdateResult(self.outputs(news, client.get_domain(news["name"]), bool(olds.get("adopted"))))

    def delete(self, id_: str, props: dict) -> None:
        others = self.other_stacks(id_, props)
        if others:
            pulumi.log.info(f"{id_}: kept in Mailgun, still used by {', '.join(c.owner for c in others)}")
            return
        self.mailgun(props["region"]).delete_domain(id_)


class Domain(Resource, module="mailgun", name="Domain"):
    """The Mailgun side of one subdomain; part of :class:`mailgun_setup.MailgunDomain`."""

    name: pulumi.Output[str]
    region: pulumi.Output[str]
    state: pulumi.Output[str]
    sender_records: pulumi.Output[list]
    receiver_records: pulumi.Output[list]
    smtp_host: pulumi.Output[str]
    smtp_login: pulumi.Output[str]
    adopted: pulumi.Output[bool]

    def __init__(self, resource_name: str, inputs: DomainInputs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(DomainProvider(), resource_name, inputs.props(), opts)


def _ttl(props: dict) -> Optional[int]:
    """Mailgun's ``message_ttl`` for the declared retention; None when none is declared."""
    days = props.get("retention_days")
    return None if days is None else retention_seconds(int(days))
