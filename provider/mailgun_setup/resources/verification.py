"""``Verification``: wait until Mailgun has verified one group of records (sender or receiver).

Like ``aws.acm.CertificateValidation``: the resource exists once the records are verified.
Each round first asks the zone's authoritative servers (dnspython) whether every record is
served, and only then asks Mailgun to verify; rounds back off up to a bounded timeout, and
a timeout names every record still wrong, expected against found, with the likely cause.
Receiver records are only checked once sender records are Verified (a Mailgun product rule).

In manual mode nothing waits: one round reports the status, and each ``pulumi up`` checks
again until the records are Verified.
"""
from __future__ import annotations

import time
from typing import Optional

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from .. import records as record_shapes
from ..errors import VerificationError
from ..handoff import zone_for
from ..verify.authority import authoritative_lookup
from ..verify.check import check_records
from .common import FAILED, IN_PROGRESS, UNVERIFIED, VERIFIED, BaseProvider

FIRST_DELAY, MAX_DELAY, BACKOFF = 1.0, 30.0, 1.6


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

    def _round(self, props: dict) -> tuple[str, list[str]]:
        """One look at DNS, then (when DNS serves everything) one verify call at Mailgun."""
        wanted = list(props["records"])
        lookup = authoritative_lookup(props["domain"], props.get("nameservers") or ())
        findings = check_records(lookup, wanted, props.get("zone") or zone_for(props["domain"], None))
        problems = [f.describe() for f in findings if not f.ok]
        if problems:
            published = sum(f.ok or bool(f.found) for f in findings)
            return (FAILED if any(f.found for f in findings if not f.ok) else
                    IN_PROGRESS if published else UNVERIFIED), problems
        body = self.mailgun(props["region"]).verify_domain(props["domain"])
        pending = record_shapes.unconfirmed(body, wanted)
        if not pending:
            return VERIFIED, []
        return IN_PROGRESS, [f"{r['type']} {r['name']}: served by DNS, Mailgun has not confirmed it yet "
                             f"(its resolvers may still cache the old answer)" for r in pending]

    def _verify(self, props: dict) -> dict:
        if props.get("requires") not in (None, VERIFIED):
            return {**props, "status": UNVERIFIED,
                    "problems": [f"checked once the sender records of {props['domain']} are Verified"]}
        if not props["records"]:
            return {**props, "status": VERIFIED, "problems": []}
        if props.get("mode") == "manual":
            status, problems = self._round(props)
            return {**props, "status": status, "problems": problems}
        deadline, delay = time.monotonic() + float(props.get("timeout") or 1800), FIRST_DELAY
        while True:
            status, problems = self._round(props)
            if status == VERIFIED:
                return {**props, "status": VERIFIED, "problems": []}
            if time.monotonic() + delay > deadline:
                raise VerificationError(
                    f"{FAILED}: the {props['group']} records of {props['domain']} were not verified within "
                    f"{props.get('timeout')}s:\n" + "\n".join(f"  - {p}" for p in problems)
                    + "\nFix the records (or wait for DNS propagation) and run `pulumi up` again.")
            time.sleep(delay)
            delay = min(delay * BACKOFF, MAX_DELAY)

    def create(self, props: dict) -> CreateResult:
        return CreateResult(f"{props['domain']}/{props['group']}", self._verify(props))

    def update(self, _id: str, _olds: dict, news: dict) -> UpdateResult:
        return UpdateResult(self._verify(news))

    def read(self, id_: str, props: dict) -> ReadResult:
        """Refresh reads Mailgun's last verdict (no new verification is started)."""
        body = self.mailgun(props["region"]).get_domain(props["domain"])
        if body is None:
            return ReadResult(None, {})
        ok = not record_shapes.unconfirmed(body, list(props.get("records") or []))
        status = props.get("status") if ok or props.get("status") != VERIFIED else UNVERIFIED
        return ReadResult(id_, {**props, "status": status})

    def delete(self, _id: str, _props: dict) -> None:
        """Nothing to undo: verification is a state of the domain, not an object."""


class Verification(Resource, module="mailgun", name="Verification"):
    status: pulumi.Output[str]
    problems: pulumi.Output[list]

    def __init__(self, resource_name: str, domain: pulumi.Input[str], region: pulumi.Input[str],
                 group: str, records: pulumi.Input[list], mode: pulumi.Input[str],
                 timeout: pulumi.Input[int], requires: pulumi.Input[Optional[str]] = None,
                 nameservers: pulumi.Input[list] = None, zone: pulumi.Input[Optional[str]] = None,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(VerificationProvider(), resource_name, {
            "domain": domain, "region": region, "group": group, "records": records, "mode": mode,
            "timeout": timeout, "requires": requires, "nameservers": nameservers or [], "zone": zone,
            "status": None, "problems": None}, opts)
