"""The benchmark's program: the YAML program's declarations, with a bench-only way past 5 subdomains.

It reads the same ``mailgun-setup:*`` stack config and declares every domain with
``mailgun_setup.program.declare`` (MailgunDomain, SenderIdentity, ReceiverRoute through the
public API), as ``programs/mailgun`` does. The product allows 5 subdomains per stack; with
``bench:liftDomainLimit`` true the config is validated in groups of 5 (every other rule still
applies), so the scale runs can declare 10 or 20. Nothing in the product is loosened.
"""
import pulumi
from pulumi.runtime.config import get_config

from mailgun_setup.config import parse_stack_config
from mailgun_setup.errors import ConfigError
from mailgun_setup.mailgun.facts import MAX_DOMAINS
from mailgun_setup.program import declare, read_raw_config

raw = read_raw_config()
lift = str(get_config("bench:liftDomainLimit") or "").lower() == "true"
entries = raw.get("domains") or []
groups = [entries[i:i + MAX_DOMAINS] for i in range(0, len(entries), MAX_DOMAINS)] if lift else [entries]
try:
    configs = [parse_stack_config({**raw, "domains": group}) for group in groups]
except ConfigError as exc:
    raise pulumi.RunError(str(exc)) from None
count = 0
for config in configs:
    for spec in config.domains:
        declare(spec, config.verify_timeout)
        count += 1
pulumi.export("domains", count)
