"""The YAML-driven program: read the stack config and declare it through the public API.

Run by ``programs/mailgun/__main__.py``. It has no behaviour of its own beyond reading config:
everything it declares is ``MailgunDomain`` / ``SenderIdentity`` / ``ReceiverRoute``, as a
program written in code would. Invalid config stops the program before any resource is
declared, so ``pulumi preview`` fails with every problem listed and nothing is written.
"""
from __future__ import annotations

import json
from typing import Any, Callable

import pulumi
from pulumi.runtime.config import get_config

from .errors import ConfigError
from .config import DomainSpec, StackConfig, parse_stack_config
from .mailgun.facts import VERIFIED
from .resources.api_key import ApiKey
from .resources.mailgun_domain import MailgunDomain
from .resources.route import ReceiverRoute
from .resources.sender import SenderIdentity
from .resources.signing_key import WebhookSigningKey
from .resources.webhook import Webhook

PROJECT = "mailgun-setup"
KEYS = ("dns", "verifyTimeout", "domains", "apiKeys", "apiKey", "cloudflareApiToken", "webhookSigningKey")


def collect_config(lookup: Callable[[str], Any]) -> dict[str, Any]:
    """This project's config as plain values, from ``lookup(full key)``; structured values may
    arrive JSON-encoded (that is how the engine hands them to a program)."""
    raw = {}
    for key in KEYS:
        value = lookup(f"{PROJECT}:{key}")
        if value is None:
            continue
        if isinstance(value, str) and key in ("domains", "apiKeys", "verifyTimeout", "webhookSigningKey"):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        raw[key] = value
    return raw


def read_raw_config() -> dict[str, Any]:
    """The running program's config (secure values decrypted, never logged)."""
    return collect_config(get_config)


def declare(spec: DomainSpec, verify_timeout: int) -> tuple[MailgunDomain, dict[str, pulumi.Output]]:
    """One domain of the config through the public API; returns it and its senders' passwords."""
    domain = MailgunDomain(spec.name, name=spec.name, region=spec.region, dkim_key_length=spec.dkim_key_length,
                           dkim_selector=spec.dkim_selector, retention_days=spec.retention_days,
                           receiving=spec.receiving, tracking=spec.tracking, dns=spec.dns, zone=spec.zone,
                           verify_timeout=verify_timeout, dmarc=spec.dmarc,
                           automatic_sender_security=spec.automatic_sender_security, **dict(spec.settings))
    senders = {s.username: SenderIdentity(s.username, domain=domain, username=s.username, password=s.password)
               for s in spec.senders}
    for route in spec.routes:
        ReceiverRoute(f"{route.recipient} route", sender=senders[route.recipient], actions=list(route.actions),
                      description=route.description, priority=route.priority)
    for hook in spec.webhooks:
        Webhook(f"{spec.name} {hook.kind}", domain=domain, kind=hook.kind, urls=list(hook.urls))
    return domain, {login: sender.password for login, sender in senders.items()}


def summary(spec: DomainSpec, domain: MailgunDomain, stack: str) -> pulumi.Output:
    """The ``domains`` stack output entry of one domain (what `mailgun-setup handoff` renders)."""
    def build(values: list) -> dict:
        (sender_records, receiver_records, sender_status, receiver_status, provider, zone, adopted, smtp_host,
         ownership, tracking_domain, dmarc_status) = values
        if sender_status == VERIFIED and receiver_status in (None, VERIFIED):
            steps = f"Ready: send through {smtp_host} with the sender logins (passwords: senderPasswords)."
        elif provider == "manual":
            steps = (f"Send `mailgun-setup handoff --stack {stack}` to your DNS administrator, then run "
                     f"`pulumi up` again to verify.")
        else:
            steps = "Run `pulumi up` again once DNS has propagated."
        return {"region": spec.region, "dnsProvider": provider, "zone": zone, "smtpHost": smtp_host,
                "senderStatus": sender_status, "receiverStatus": receiver_status,
                "senderRecords": sender_records, "receiverRecords": receiver_records,
                "ownershipRecord": ownership, "adopted": bool(adopted), "dmarcRecord": domain.dmarc_record,
                "dmarcStatus": dmarc_status, "trackingDomain": tracking_domain,
                "senders": [s.username for s in spec.senders], "webhooks": [h.kind for h in spec.webhooks],
                "nextSteps": steps}
    return pulumi.Output.all(domain.sender_records, domain.receiver_records, domain.sender_status,
                             domain.receiver_status, domain.dns_provider, domain.zone, domain.adopted,
                             domain.smtp_host, domain.ownership_record, domain.tracking_domain,
                             domain.dmarc_status).apply(build)


def main() -> None:
    try:
        config: StackConfig = parse_stack_config(read_raw_config())
    except ConfigError as exc:  # shown as the engine's error, without a traceback
        raise pulumi.RunError(str(exc)) from None
    stack = pulumi.get_stack()
    outputs, passwords, declared = {}, {}, {}
    for spec in config.domains:
        domain, secrets = declare(spec, config.verify_timeout)
        declared[spec.name] = domain
        passwords.update(secrets)
        outputs[spec.name] = summary(spec, domain, stack)
    keys = {}
    for key in config.api_keys:
        made = ApiKey(key.name, role=key.role, description=key.description, domain=declared.get(key.domain),
                      expiration=key.expiration)
        keys[key.name] = {"id": made.key_id, "role": key.role, "domain": key.domain, "secret": made.secret}
    pulumi.export("domains", outputs)
    pulumi.export("senderPasswords", pulumi.Output.secret(passwords))
    if keys:
        pulumi.export("apiKeys", keys)
    if config.webhook_signing_key is not None:  # a secret output (the resource marks key secret)
        signing = WebhookSigningKey("webhook-signing-key", rotate=config.webhook_signing_key.rotate)
        pulumi.export("webhookSigningKey", signing.key)
