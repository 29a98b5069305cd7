"""``Verification``: wait until Mailgun has verified one group of records (sender or receiver).

Like ``aws.acm.CertificateValidation``: the resource exists once the records are verified.
The waiting, the DNS pre-check and the verdicts are :mod:`mailgun_setup.verify.service`'s;
this resource only decides when to ask. Receiver records are only checked once sender
records are Verified (a Mailgun product rule).

In manual mode nothing waits: one round reports the status, and each ``pulumi up`` checks
again until the records are Verified.

With a :class:`~mailgun_setup.CustomDns` writer the sender group also finishes a DKIM key rotation
(``rotates_key``): the program's own resources publish the new key's record before this resource
runs, and the old record's resource is deleted by the engine only at the end of the ``up``, after
the swap (see :mod:`mailgun_setup.rotation`). With our own DNS writes ``DomainRecords`` does it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from ..mailgun.facts import UNVERIFIED, VERIFIED
from ..verify import service
from .common import BaseProvider
from .inputs import Inputs


@dataclass
class VerificationInputs(Inputs):
    domain: str
    region: pulumi.Input[str]
    group: str
    records: pulumi.Input[list]
    mode: pulumi.Input[str]
    timeout: pulumi.Input[int] = service.DEFAULT_VERIFY_TIMEOUT
    requires: pulumi.Input[Optional[str]] = None
    nameservers: pulumi.Input[list] = field(default_factory=list)
    zone: pulumi.Input[Optional[str]] = None
    rotates_key: bool = False  # the sender group finishes a DKIM key rotation (records written by the program)


class VerificationProvider(BaseProvider):
    kind = "verification"
    fields = ("domain", "region", "group", "records", "mode", "requires")

    def label(self, props: dict) -> str:
        return f"{props.get('group')} records of {props.get('domain')}"

    def diff(self, id_: str, olds: dict, news: dict) -> DiffResult:
        result = super().diff(id_, olds, news)
        if not result.changes and olds.get("status") != VERIFIED and news.get("mode") == "manual":
            return DiffResult(changes=True, replaces=[], delete_before_replace=True)  # check again on each up
        return result

    def _verify(self, props: dict) -> dict:
        if not service.is_verified(props.get("requires")) and props.get("requires") is not None:
            return {**props, "status": UNVERIFIED,
                    "problems": [f"checked once the sender records of {props['domain']} are Verified"]}
        records = list(props["records"] or [])
        if not records:
            return {**props, "status": VERIFIED, "problems": []}
        client = self.mailgun(props["region"])
        where = dict(nameservers=props.get("nameservers") or (), zone=props.get("zone"))
        if props.get("mode") == "manual":
            result = service.group_round(client, props["domain"], records, **where)
        else:
            result = service.wait_verified(client, props["domain"], props["group"], records,
                                           float(props.get("timeout") or service.DEFAULT_VERIFY_TIMEOUT), **where)
        return {**props, "status": result.status, "problems": result.problems}

    def create(self, props: dict) -> CreateResult:
        return CreateResult(f"{props['domain']}/{props['group']}", self._verify(props))

    def update(self, _id: str, olds: dict, news: dict) -> UpdateResult:
        if news.get("rotates_key"):
            from ..rotation import complete, rotation_between  # provider process only
            rotation = rotation_between(news["domain"], olds.get("records") or [], news.get("records") or [])
            if rotation is not None:  # the new record is published; the old one stays until the engine's deletes
                complete(rotation, self.mailgun(news["region"]),
                         float(news.get("timeout") or service.DEFAULT_VERIFY_TIMEOUT),
                         news.get("nameservers") or (), news.get("zone"), say=pulumi.log.info)
        return UpdateResult(self._verify(news))

    def read(self, id_: str, props: dict) -> ReadResult:
        """Refresh reads Mailgun's last verdict (no new verification is started)."""
        body = self.mailgun(props["region"]).get_domain(props["domain"])
        if body is None:
            return ReadResult(None, {})
        still = service.confirmed(body, list(props.get("records") or []))
        status = props.get("status") if still or props.get("status") != VERIFIED else UNVERIFIED
        return ReadResult(id_, {**props, "status": status})

    def delete(self, _id: str, _props: dict) -> None:
        """Nothing to undo: verification is a state of the domain, not an object."""


class Verification(Resource, module="mailgun", name="Verification"):
    status: pulumi.Output[str]
    problems: pulumi.Output[list]

    def __init__(self, resource_name: str, inputs: VerificationInputs,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(VerificationProvider(), resource_name, inputs.props(Verification), opts)
