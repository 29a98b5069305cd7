"""``Tracking``: open/click tracking on a domain, and the defensive registration of its tracking host.

With tracking on, ``email.<domain>`` is a CNAME to Mailgun. Anybody who registers that name as a
Mailgun domain in their own account could then receive its traffic, so (a large operator's
runbook) the name is registered in our account as a second Mailgun domain with no DNS records
of its own. This resource turns tracking on through the tracking API and holds that defensive
domain; removing it (tracking turned off, or destroy) turns tracking off and deletes the
defensive domain, unless another stack still claims the subdomain. The CNAME itself is one of
the domain's records (written by ``DomainRecords``, verified with the sender records).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, ReadResult, Resource, UpdateResult

from ..errors import MailgunApiError
from ..mailgun.facts import REGIONS, TRACKING_PREFIX
from ..mailgun.tracking import get_tracking, set_tracking
from .common import BaseProvider, held_props
from .inputs import Inputs


@dataclass
class TrackingInputs(Inputs):
    domain: str
    region: pulumi.Input[str]
    web_prefix: str = TRACKING_PREFIX
    owner: str = ""
    nameservers: pulumi.Input[list] = field(default_factory=list)
    domain_identity: pulumi.Input[Optional[str]] = None


def defensive_name(props: dict) -> str:
    return f"{props.get('web_prefix') or TRACKING_PREFIX}.{props['domain']}"


class TrackingProvider(BaseProvider):
    kind = "tracking"
    fields = ("domain", "region", "web_prefix", "domain_identity")
    replace_on = {"domain": "changed: tracking moves to the new domain",
                  "domain_identity": "is replaced with its Mailgun domain (tracking settings go with it): turned on "
                                     "again on the new domain",
                  "region": "changed: the defensive domain is registered again in the new region",
                  "web_prefix": "changed: a new tracking host is registered"}

    def label(self, props: dict) -> str:
        return f"tracking of {props.get('domain')}"

    def object_key(self, props: dict) -> tuple:
        return ("tracking", props["domain"], props["region"])

    def check(self, _olds: dict, news: dict) -> CheckResult:
        self.declare(news)
        return CheckResult(news, [])

    def _defensive_region(self, name: str, region: str) -> Optional[str]:
        """The region where ``name`` is a domain of this account, or None."""
        for candidate in (region, *[r for r in REGIONS if r != region]):
            if self.mailgun(candidate).get_domain(name) is not None:
                return candidate
        return None

    def _apply(self, props: dict) -> dict:
        client, name = self.mailgun(props["region"]), defensive_name(props)
        set_tracking(client, props["domain"], True)
        if self._defensive_region(name, props["region"]) is None:
            try:
                client.create_domain(name, 1024, None)
            except MailgunApiError as exc:
                if exc.status == 400 and self._defensive_region(name, props["region"]) is None:
                    raise MailgunApiError(
                        f"{name} could not be registered as a defensive Mailgun domain ({exc}); if another "
                        f"Mailgun account holds it, the tracking CNAME {name} -> Mailgun lets that account serve "
                        f"its traffic: turn tracking off, or have the name released", exc.status,
                        service="mailgun", method="POST", path="/v4/domains") from None
        return {**props, "defensive_domain": name, "open": True, "click": True}

    def create(self, props: dict) -> CreateResult:
        return CreateResult(f"{props['domain']}/tracking", self._apply(props))

    def update(self, _id: str, _olds: dict, news: dict) -> UpdateResult:
        return UpdateResult(self._apply(news))

    def read(self, id_: str, props: dict) -> ReadResult:
        """Gone (tracking turned off, or the defensive domain deleted out of band) -> recreated by up."""
        table = get_tracking(self.mailgun(props["region"]), props["domain"])
        if not table or not all(table.values()) or self._defensive_region(defensive_name(props),
                                                                          props["region"]) is None:
            return ReadResult(None, {})
        return ReadResult(id_, {**props, **table, "defensive_domain": defensive_name(props)})

    def delete(self, id_: str, props: dict) -> None:
        if self.held_elsewhere(id_, props):
            return
        others = self.other_stacks(props["domain"], props)
        if others:
            pulumi.log.info(f"{props['domain']}: tracking kept, still used by {', '.join(c.owner for c in others)}")
            return
        set_tracking(self.mailgun(props["region"]), props["domain"], False)
        region = self._defensive_region(defensive_name(props), props["region"])
        if region is not None:
            self.mailgun(region).delete_domain(defensive_name(props))


class Tracking(Resource, module="mailgun", name="Tracking"):
    defensive_domain: pulumi.Output[str]
    open: pulumi.Output[bool]
    click: pulumi.Output[bool]

    def __init__(self, resource_name: str, inputs: TrackingInputs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(TrackingProvider(), resource_name, held_props(Tracking, resource_name, inputs, opts), opts)
