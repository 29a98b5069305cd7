"""How a Mailgun domain is created, adopted and read back, as the ``Domain`` resource needs it.

Three facts of the real service drive this module:

* **Retention is plan-limited.** ``message_ttl`` is capped by the subscription plan (help
  centre: Free 0 days, Foundation 1, Scale/Enterprise up to 7). It is sent only when the user
  set ``retention_days``; what Mailgun keeps (the *effective* retention) is read back apart
  from what was asked, so a capped value is reported once instead of being re-applied on
  every ``pulumi up``; a refusal becomes an error naming the plan limit.
* **DKIM authority.** By default a subdomain shares the DKIM key of its root domain when the
  root is on the same account, which moves the DKIM record under the root. Domains are
  created with ``force_dkim_authority=true`` so the record sits where preview said it would;
  an adopted domain keeps Mailgun's names, and the user is told when they differ.
* **Automatic sender security** publishes DKIM as two CNAMEs (``pdk1``/``pdk2._domainkey``).
"""
from __future__ import annotations

from typing import Optional

from ..errors import ConfigError, MailgunApiError
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # requests and urllib3 load when a client is made
    from .client import MailgunClient
from .facts import retention_seconds
from ..dns.names import bare

PLAN_LIMITS = "Free 0 days, Foundation 1 day, Scale and Enterprise up to 7"


def ttl_of(days: Optional[int]) -> Optional[int]:
    """``message_ttl`` for ``retention_days``; None (not set) leaves it to Mailgun."""
    return None if days is None else retention_seconds(int(days))


def effective_days(body: dict) -> Optional[int]:
    """The retention Mailgun applies, in whole days, from a domain answer."""
    ttl = body["domain"].get("message_ttl")
    return None if ttl is None else int(ttl) // retention_seconds(1)


def own_selector(body: dict) -> Optional[str]:
    """The DKIM selector of a domain that signs for itself with a TXT key at
    ``<selector>._domainkey.<domain>``; None when the key lives elsewhere (the root's DKIM
    authority) or is a CNAME (automatic sender security): no selector of ours to compare."""
    name = body["domain"]["name"]
    for record in body.get("sending_dns_records") or []:
        record_name = bare(record.get("name") or "")
        if (record.get("record_type") or "").upper() == "TXT" and record_name.endswith(f"._domainkey.{name}"):
            selector = record_name[: -len(f"._domainkey.{name}")]
            if "." not in selector:
                return selector
    return None


def _dkim_records(body: dict) -> list[dict]:
    return [r for r in body.get("sending_dns_records") or [] if "._domainkey." in (r.get("name") or "")]


def create(client: MailgunClient, props: dict) -> dict:
    """A new domain that is its own DKIM authority (so the record name is the one preview showed)."""
    name = props["name"]
    automatic = bool(props.get("automatic_sender_security"))
    try:
        return client.create_domain(name, int(props["dkim_key_length"]), ttl_of(props.get("retention_days")),
                                    # our selector even with automatic sender security: the key Mailgun
                                    # falls back to when it is turned off keeps the name preview shows
                                    dkim_selector=props["dkim_selector"], web_prefix="email",
                                    force_dkim_authority=props.get("force_dkim_authority", True) is not False,
                                    use_automatic_sender_security=True if automatic else None,
                                    **settings_form({k: props.get(k) for k in SETTINGS}))
    except MailgunApiError as exc:
        raise _refused(exc, name, props.get("retention_days")) or exc


def adopt(client: MailgunClient, props: dict, body: dict) -> dict:
    """Take over an existing domain: apply the declared retention (only when one is declared
    and it differs) and automatic sender security (only when asked for)."""
    name, days = props["name"], props.get("retention_days")
    changes = {}
    if days is not None and body["domain"].get("message_ttl") != ttl_of(days):
        changes["message_ttl"] = ttl_of(days)
    if props.get("automatic_sender_security") and not body["domain"].get("use_automatic_sender_security"):
        changes["use_automatic_sender_security"] = "true"
    if not changes:
        return body
    update(client, name, changes, days)
    return client.get_domain(name)


SETTINGS = ("spam_action", "wildcard", "web_scheme", "require_tls")


def settings_form(values: dict) -> dict:
    """The declared domain settings (None: left to Mailgun) as Mailgun's form fields."""
    return {k: ("true" if v else "false") if isinstance(v, bool) else v for k, v in values.items() if v is not None}


def set_rotation(client: MailgunClient, name: str, days: Optional[int]) -> None:
    """Automatic sender security: Mailgun rotates the keys it hosts every ``days`` days (None: no rotation)."""
    data = {"rotation_enabled": "true", "rotation_interval": f"{int(days)}d"} if days else {"rotation_enabled": "false"}
    client.request("PUT", f"/v1/dkim_management/domains/{name}/rotation", data=data)


def update(client: MailgunClient, name: str, changes: dict, days: Optional[int] = None) -> None:
    try:
        client.update_domain(name, **changes)
    except MailgunApiError as exc:
        raise _refused(exc, name, days) or exc


def set_retention(client: MailgunClient, name: str, days: Optional[int]) -> None:
    """In-place change of ``retention_days``; None (no longer set) leaves Mailgun's value alone."""
    if days is not None:
        update(client, name, {"message_ttl": ttl_of(days)}, days)


def _refused(exc: MailgunApiError, name: str, days: Optional[int]) -> Optional[ConfigError]:
    if exc.status == 400 and "message_ttl" in (exc.code or "") and days is not None:
        return ConfigError(f"retention_days: Mailgun refused {days} days of message retention for {name}; the "
                           f"Mailgun plan limits retention ({PLAN_LIMITS}). Set retentionDays within your plan, "
                           f"or leave it out to get the plan's default. Mailgun said: {exc}")
    return None


def notes(props: dict, body: dict, adopted: bool) -> list[str]:
    """What the user should hear about Mailgun's answer, in plain words: retention capped by the
    plan, and (adopting) DKIM records that are not where we would have predicted them."""
    name, found = props["name"], []
    days, kept = props.get("retention_days"), effective_days(body)
    if days is not None and kept is not None and kept < int(days):
        found.append(f"{name}: Mailgun keeps messages for {kept} day(s), not the {days} asked for: the Mailgun "
                     f"plan of this account allows at most {kept} day(s) of retention ({PLAN_LIMITS}). Set "
                     f"retentionDays: {kept}, or leave it out, to match the plan; it is not re-applied on every up "
                     f"(the effective value is in the output effective_retention_days)")
    if adopted:
        found += dkim_notes(props, body)
    return found


def update_notes(olds: dict, news: dict, body: dict) -> list[str]:
    """After an update: the retention note only when the retention asked for changed (once)."""
    if olds.get("retention_days") == news.get("retention_days"):
        return []
    return notes(news, body, adopted=False)


def dkim_notes(props: dict, body: dict) -> list[str]:
    name = props["name"]
    predicted = ([f"{s}._domainkey.{name}" for s in ("pdk1", "pdk2")] if props.get("automatic_sender_security")
                 else [f"{props.get('dkim_selector')}._domainkey.{name}"])
    actual = [bare(r.get("name") or "") for r in _dkim_records(body)]
    if not actual or sorted(actual) == sorted(predicted):
        return []
    if body["domain"].get("use_automatic_sender_security"):
        why = "it uses automatic sender security (DKIM as CNAMEs to keys Mailgun rotates)"
    elif not any(a.endswith(f"._domainkey.{name}") for a in actual):
        why = "its DKIM key belongs to a parent domain on the same Mailgun account (shared DKIM authority)"
    else:
        why = "Mailgun chose other DKIM names"
    return [f"{name}: Mailgun asks for DKIM at {', '.join(actual)}, not {', '.join(predicted)} as predicted: {why}. "
            f"The records written and verified follow Mailgun's answer"]
