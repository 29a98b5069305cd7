"""The Pulumi program: read the stack config, declare every resource, export ``domains``.

Run by ``programs/mailgun/__main__.py``. Invalid config stops the program before any
resource is declared, so ``pulumi preview`` fails with every problem listed and nothing
is written anywhere.
"""
from __future__ import annotations

import json
import os
from typing import Any, Callable, Optional

import pulumi
from pulumi.runtime.config import get_config

from .config import DomainSpec, StackConfig, parse_stack_config
from .dns.backend import resolve_mode
from .errors import MailgunSetupError
from .mailgun.client import MailgunClient
from .records import from_mailgun, unconfirmed
from .resources.common import SMTP_HOSTS, VERIFIED
from .resources.mailgun_domain import MailgunDomain
from .resources.route import ReceiverRoute
from .resources.sender import SenderIdentity
from .verify.authority import authoritative_lookup
from .verify.check import check_records

PROJECT = "mailgun-setup"
KEYS = ("dns", "verifyTimeout", "domains", "apiKey", "cloudflareApiToken")


def collect_config(lookup: Callable[[str], Any]) -> dict[str, Any]:
    """This project's config as plain values, from ``lookup(full key)``; structured values may
    arrive JSON-encoded (that is how the engine hands them to a program)."""
    raw = {}
    for key in KEYS:
        value = lookup(f"{PROJECT}:{key}")
        if value is None:
            continue
        if isinstance(value, str) and key in ("domains", "verifyTimeout"):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        raw[key] = value
    return raw


def read_raw_config() -> dict[str, Any]:
    """The running program's config (secure values decrypted, never logged)."""
    return collect_config(get_config)


def records_ready(spec: DomainSpec, api_key: Optional[str], group: str) -> bool:
    """Manual mode: are this group's records verified at Mailgun, or at least served by DNS?

    Read-only (a GET and DNS queries), so preview stays free of writes.
    """
    key = api_key or os.environ.get("MAILGUN_API_KEY")
    if not key:
        return False
    try:
        body = MailgunClient(key, spec.region).get_domain(spec.name)
        if body is None:
            return False
        senders, receivers = from_mailgun(body, spec.tracking)
        wanted = senders if group == "sender" else receivers
        if not unconfirmed(body, wanted):
            return True
        return all(f.ok for f in check_records(authoritative_lookup(spec.name), wanted))
    except Exception:  # API or DNS failures of any kind mean "not ready yet", never a crash
        return False


def _declare_users(spec: DomainSpec, domain: MailgunDomain, owner: str, manual: bool, api_key: Optional[str],
                   stack: str) -> dict[str, pulumi.Output]:
    passwords = {}
    senders_ready = not manual or records_ready(spec, api_key, "sender")
    routes_ready = not manual or (senders_ready and records_ready(spec, api_key, "receiver"))
    if spec.senders and not senders_ready:
        pulumi.log.warn(f"{spec.name}: sender records are not published yet, so its {len(spec.senders)} sender(s) "
                        f"are not created. Send the sheet from `mailgun-setup handoff --stack {stack}` to your DNS "
                        f"administrator, then run `pulumi up` again.")
    if spec.routes and senders_ready and not routes_ready:
        pulumi.log.warn(f"{spec.name}: receiver (MX) records are not published yet, so its {len(spec.routes)} "
                        f"route(s) are not created; run `pulumi up` again once they are.")
    if not senders_ready:
        return passwords
    common = dict(domain=spec.name, region=spec.region, owner=owner, nameservers=domain.nameservers)
    for sender in spec.senders:
        identity = SenderIdentity(sender.username, username=sender.username, password=sender.password,
                                  sender_status=domain.sender_status, opts=pulumi.ResourceOptions(parent=domain),
                                  **common)
        passwords[sender.username] = identity.password
    if routes_ready:
        for route in spec.routes:
            ReceiverRoute(f"{route.recipient} route", recipient=route.recipient, actions=list(route.actions),
                          description=route.description, priority=route.priority,
                          receiver_status=domain.receiver_status, opts=pulumi.ResourceOptions(parent=domain),
                          **common)
    return passwords


def _summary(spec: DomainSpec, domain: MailgunDomain, stack: str) -> pulumi.Output:
    def build(values: list) -> dict:
        sender_records, receiver_records, sender_status, receiver_status, provider, zone, adopted = values
        if sender_status == VERIFIED and receiver_status in (None, VERIFIED):
            steps = f"Ready: send through {SMTP_HOSTS[spec.region]} with the sender logins (passwords: senderPasswords)."
        elif provider == "manual":
            steps = (f"Send `mailgun-setup handoff --stack {stack}` to your DNS administrator, then run "
                     f"`pulumi up` again to verify.")
        else:
            steps = "Run `pulumi up` again once DNS has propagated."
        return {"region": spec.region, "dnsProvider": provider, "zone": zone, "smtpHost": SMTP_HOSTS[spec.region],
                "senderStatus": sender_status, "receiverStatus": receiver_status,
                "senderRecords": sender_records, "receiverRecords": receiver_records,
                "ownershipRecord": domain.ownership_record, "adopted": bool(adopted), "senders": [s.username for s in spec.senders],
                "nextSteps": steps}
    return pulumi.Output.all(domain.domain.sender_records, domain.domain.receiver_records, domain.sender_status,
                             domain.receiver_status, domain.dns_provider, domain.zone,
                             domain.domain.adopted).apply(build)


def main() -> None:
    raw = read_raw_config()
    try:
        config: StackConfig = parse_stack_config(raw)
    except MailgunSetupError as exc:
        raise pulumi.RunError(str(exc)) from None
    stack = pulumi.get_stack()
    owner = f"{pulumi.get_project()}/{stack}"
    outputs, passwords = {}, {}
    for spec in config.domains:
        mode = resolve_mode(spec.dns, raw.get("cloudflareApiToken"))
        domain = MailgunDomain(spec, owner=owner, mode=mode, verify_timeout=config.verify_timeout)
        passwords.update(_declare_users(spec, domain, owner, mode == "manual", raw.get("apiKey"), stack))
        outputs[spec.name] = _summary(spec, domain, stack)
    pulumi.export("domains", outputs)
    pulumi.export("senderPasswords", pulumi.Output.secret(passwords))
