"""``get_domain``: a read-only look at a Mailgun domain this stack does not manage.

For example a UAT program that reads the Prod domain it shares: its state, its sending and
receiving records with Mailgun's verdict on each, its tracking host. It runs in the program
(at preview too), reads only, and fails naming the domain, or the API key, when Mailgun says no.
"""
from __future__ import annotations

from typing import Any

import pulumi
from pulumi.runtime.config import get_config

from .. import records, rules
from ..errors import ConfigError, MailgunApiError, UsageError
from ..mailgun.facts import DEFAULT_REGION, REGIONS, SMTP_HOSTS
from ..rules import Problem
from .common import CONFIG_NAMESPACE


def _api_key() -> str:
    from ..mailgun.client import api_key_from_env
    return get_config(f"{CONFIG_NAMESPACE}:apiKey") or api_key_from_env()


def _read(name: str, region: str) -> dict[str, Any]:
    from ..mailgun.client import MailgunClient
    where = f"get_domain({name!r}, region={region!r})"
    try:
        body = MailgunClient(_api_key(), region).get_domain(name)
    except MailgunApiError as exc:
        if exc.status in (401, 403):
            raise ConfigError(Problem("apiKey", f"{where}: Mailgun refused the API key ({exc.status}); set "
                                                f"mailgun-setup:apiKey or MAILGUN_API_KEY to a private key of the "
                                                f"account")) from None
        raise
    if body is None:
        raise ConfigError(Problem("name", f"{where}: no such domain in Mailgun's {region.upper()} region"))
    domain = body["domain"]
    verdicts = records.validity(body)
    sending, receiving = records.from_mailgun(body, tracking=True)
    with_validity = lambda found: [{**r, "valid": verdicts.get(records.key_of(r), "unknown")}  # noqa: E731
                                   for r in found]
    return {"name": domain["name"], "region": region, "state": domain.get("state"),
            "sending_records": with_validity(sending), "receiving_records": with_validity(receiving),
            "tracking_host": f"{domain.get('web_prefix') or 'email'}.{domain['name']}",
            "smtp_host": SMTP_HOSTS[region], "smtp_login": domain.get("smtp_login")}


def get_domain(name: pulumi.Input[str], region: pulumi.Input[str] = DEFAULT_REGION) -> pulumi.Output[dict]:
    """The Mailgun domain ``name`` in ``region`` as it is now: ``{name, region, state, sending_records,
    receiving_records (each with Mailgun's valid | invalid | unknown), tracking_host, smtp_host, smtp_login}``.

    Never writes. Raises :class:`ConfigError` for a domain that does not exist there, or a refused API key.
    """
    def read(values: list) -> dict[str, Any]:
        found: list[Problem] = []
        checked = rules.domain_name(values[0], "name", found)
        rules.choice(values[1], "region", found, REGIONS)
        if found:
            raise UsageError([p.under("get_domain") for p in found])
        return _read(checked, values[1])
    return pulumi.Output.all(name, region).apply(read)
