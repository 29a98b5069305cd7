"""The stack config of project ``mailgun-setup``, checked and turned into frozen dataclasses.

Validation is all-at-once: every rule is checked and every violation is collected before a
single ``ConfigError`` is raised. A ``pulumi up`` that stops at the first typo, gets fixed,
and stops again at the next one costs a round trip per mistake; one list of
``path: rule`` lines (``domains[1].senders[3].password: ...``) costs one. A check whose base
value is unusable (a list that is not a list, a name that is not a hostname) is skipped, so
one mistake is reported once and not again through the checks that depend on it.

Config keys are camelCase, as in ``Pulumi.<stack>.yaml``; the dataclass fields are snake_case.
Top-level keys this module does not know are ignored (the same config holds ``apiKey`` and
other settings); unknown keys inside a domain, sender or route are reported (typo guard).
Password values never appear in a message.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from . import fields, rules
from .dmarc import Dmarc
from .mailgun.webhooks import KINDS as WEBHOOK_KINDS
from .dns.backend import DNS_MODES, DEFAULT_DNS
from .errors import ConfigError
from .mailgun.facts import DEFAULT_DKIM_KEY_LENGTH, DEFAULT_REGION, MAX_DOMAINS, MAX_ROUTES, MAX_SENDERS, match_recipient
from .resources.api_key import FIELDS as API_KEY_FIELDS
from .resources.domain import FIELDS as DOMAIN_FIELDS
from .resources.route import FIELDS as ROUTE_FIELDS
from .resources.sender import FIELDS as SENDER_FIELDS
from .resources.signing_key import FIELDS as SIGNING_KEY_FIELDS
from .resources.webhook import FIELDS as WEBHOOK_FIELDS
from .rules import Problem
from .verify.service import DEFAULT_VERIFY_TIMEOUT, VERIFY_TIMEOUT_RANGE

MAX_API_KEYS = 10

Field = fields.Field

# The stack file's own keys. Those of a domain, sender, route, webhook, API key and the signing key are
# their resource's FIELDS (resources/domain.py, sender.py, ...), whose rules the readers below apply to
# each entry; the rules of a list (its length, duplicates, a route's recipient among the senders, a key's
# domain among the stack's domains) are the readers' own.
STACK_FIELDS = (
    Field("dns", key="dns", default=DEFAULT_DNS, schema={"enum": list(DNS_MODES)},
          doc="Where the records go for every domain that does not say: route53, cloudflare, manual or auto."),
    Field("verify_timeout", key="verifyTimeout", default=DEFAULT_VERIFY_TIMEOUT,
          schema={"anyOf": [{"type": "integer", "minimum": VERIFY_TIMEOUT_RANGE[0], "maximum": VERIFY_TIMEOUT_RANGE[1]},
                            {"type": "string", "pattern": r"^\s*\d+\s*$"}]},  # `pulumi config set` writes a string
          doc="Seconds `pulumi up` waits for the records to be verified before failing "
              f"({VERIFY_TIMEOUT_RANGE[0]} to {VERIFY_TIMEOUT_RANGE[1]})."),
    Field("api_key", key="apiKey", schema={"oneOf": [{"type": "string"}, fields.SECRET]},
          doc="The Mailgun private API key (set it with `--secret`); else env `MAILGUN_API_KEY`."),
    Field("cloudflare_api_token", key="cloudflareApiToken", schema={"oneOf": [{"type": "string"}, fields.SECRET]},
          doc="A Cloudflare API token (set it with `--secret`); else env `CLOUDFLARE_API_TOKEN`."),
    Field("domains", key="domains", required=True, doc=f"1 to {MAX_DOMAINS} subdomains (below)."),
    Field("api_keys", key="apiKeys", doc=f"Up to {MAX_API_KEYS} Mailgun API keys to create (below)."),
    Field("webhook_signing_key", key="webhookSigningKey",
          doc="`{}` exports the account's HTTP webhook signing key; `{rotate: \"2026-12\"}` regenerates it "
              "whenever the value changes."),
)
# Lists inside a domain entry, with what each holds and its most entries.
DOMAIN_LISTS = {"senders": (SENDER_FIELDS, MAX_SENDERS), "routes": (ROUTE_FIELDS, MAX_ROUTES),
                "webhooks": (WEBHOOK_FIELDS, len(WEBHOOK_KINDS))}
DOMAIN_KEYS = (*fields.keys(DOMAIN_FIELDS), *DOMAIN_LISTS)
WEBHOOK_KEYS = fields.keys(WEBHOOK_FIELDS)
API_KEY_KEYS = fields.keys(API_KEY_FIELDS)
SENDER_KEYS = fields.keys(SENDER_FIELDS)
SIGNING_KEY_KEYS = fields.keys(SIGNING_KEY_FIELDS)
ROUTE_KEYS = fields.keys(ROUTE_FIELDS)

@dataclass(frozen=True, repr=False)
class SenderSpec:
    username: str
    password: Optional[str] = None  # None: Mailgun generates one

    def __repr__(self) -> str:  # never show the password
        return f"SenderSpec(username={self.username!r}, password={'<secret>' if self.password is not None else None})"


@dataclass(frozen=True)
class RouteSpec:
    recipient: str
    actions: tuple[str, ...]
    description: str = ""
    priority: int = 0

    @property
    def expression(self) -> str:
        return match_recipient(self.recipient)


@dataclass(frozen=True)
class DomainSpec:
    name: str
    region: str = DEFAULT_REGION
    dkim_key_length: int = DEFAULT_DKIM_KEY_LENGTH
    dkim_selector: Optional[str] = None  # None: follows the key length (resources.domain.FIELDS)
    retention_days: Optional[int] = None  # None: not sent, the account's plan default applies
    receiving: bool = False
    tracking: bool = False
    dns: str = DEFAULT_DNS  # effective mode: the domain's override, else the stack's
    zone: Optional[str] = None
    dmarc: Optional[Dmarc] = None
    automatic_sender_security: bool = False
    settings: tuple[tuple[str, Any], ...] = ()  # (MailgunDomain argument, value) of the declared settings
    senders: tuple[SenderSpec, ...] = ()
    routes: tuple[RouteSpec, ...] = ()
    webhooks: tuple[WebhookSpec, ...] = ()


@dataclass(frozen=True)
class StackConfig:
    dns: str
    verify_timeout: int
    domains: tuple[DomainSpec, ...]
    api_keys: tuple["ApiKeySpec", ...] = ()
    webhook_signing_key: Optional["SigningKeySpec"] = None  # None: not managed by this stack


@dataclass(frozen=True)
class SigningKeySpec:
    """``webhookSigningKey: {}`` (read the account's key) or ``{rotate: "2026-12"}`` (change to regenerate)."""
    rotate: Optional[str] = None


@dataclass(frozen=True)
class WebhookSpec:
    kind: str
    urls: tuple[str, ...]


@dataclass(frozen=True)
class ApiKeySpec:
    name: str
    role: str
    description: str = ""
    domain: Optional[str] = None  # a declared domain: the key may only send for it
    expiration: Optional[int] = None


def parse_stack_config(raw: Mapping[str, Any]) -> StackConfig:
    """Check ``raw`` (config keys without the ``mailgun-setup:`` prefix); raise ConfigError with every problem."""
    problems: list[Problem] = []
    if not isinstance(raw, Mapping):
        raise ConfigError([Problem("config", f"must be a mapping, got {type(raw).__name__}")])
    dns = rules.choice(rules.get(raw, "dns", DEFAULT_DNS), "dns", problems, DNS_MODES)
    timeout = rules.integer(rules.get(raw, "verifyTimeout", DEFAULT_VERIFY_TIMEOUT), "verifyTimeout", problems,
                       *VERIFY_TIMEOUT_RANGE)
    domains: list[DomainSpec] = []
    entries = rules.list_of(raw.get("domains"), "domains", problems, MAX_DOMAINS, "subdomains per stack", required=True)
    if entries is not None and not entries:
        problems.append(Problem("domains", "at least one domain is required"))
    first_seen: dict[str, str] = {}
    for index, entry in enumerate(entries or ()):
        path = f"domains[{index}]"
        domain = _domain(entry, path, dns, problems)
        if domain is None or domain.name is None:
            continue
        if domain.name in first_seen:
            problems.append(Problem(f"{path}.name", f"{domain.name} is listed more than once (first at {first_seen[domain.name]})"))
        first_seen.setdefault(domain.name, path)
        domains.append(domain)
    api_keys = _api_keys(raw.get("apiKeys"), "apiKeys", set(first_seen), problems)
    signing_key = _signing_key(raw.get("webhookSigningKey"), "webhookSigningKey", problems)
    if problems:
        raise ConfigError(problems)
    return StackConfig(dns=dns, verify_timeout=timeout, domains=tuple(domains), api_keys=tuple(api_keys),
                       webhook_signing_key=signing_key)


def _signing_key(value: Any, path: str, problems: list[Problem]) -> Optional[SigningKeySpec]:
    if value is None:
        return None
    entry = rules.mapping(value, path, SIGNING_KEY_KEYS, problems)
    if entry is None:
        return None
    clean = _entry(SIGNING_KEY_FIELDS, entry, path, problems)
    return SigningKeySpec(rotate=clean["rotate"])


# --- one entry of each list ----------------------------------------------------------

def _entry(declared: tuple[Field, ...], entry: Mapping[str, Any], path: str, problems: list[Problem],
           **context: Any) -> dict[str, Any]:
    """The clean values of one stack-config mapping, by its resource's declared rules (``context``: what
    the entry lives in, for rules relating to it, e.g. a sender's domain)."""
    return fields.validate(fields.in_config(declared), {**fields.from_config(declared, entry), **context}, problems,
                           path=lambda f: f"{path}.{f.key}")


def _domain(entry: Any, path: str, stack_dns: Optional[str], problems: list[Problem]) -> Optional[DomainSpec]:
    entry = rules.mapping(entry, path, DOMAIN_KEYS, problems)
    if entry is None:
        return None
    clean = _entry(DOMAIN_FIELDS, {**entry, "dns": stack_dns if entry.get("dns") is None else entry["dns"]}, path,
                   problems)
    name = clean["name"]
    webhooks = _webhooks(entry.get("webhooks"), f"{path}.webhooks", problems)
    senders, usernames = _senders(entry.get("senders"), f"{path}.senders", name, problems)
    routes = _routes(entry.get("routes"), f"{path}.routes", usernames, problems)
    if isinstance(entry.get("routes"), (list, tuple)) and entry["routes"] and clean["receiving"] is False:
        problems.append(Problem(f"{path}.routes", "routes need receiving: true on the domain"))
    settings = tuple((f.name, clean[f.name]) for f in DOMAIN_FIELDS
                     if f.group == "setting" and entry.get(f.key) is not None)
    return DomainSpec(name=name, region=clean["region"], dkim_key_length=clean["dkim_key_length"],
                      dkim_selector=clean["dkim_selector"], retention_days=clean["retention_days"],
                      receiving=clean["receiving"], tracking=clean["tracking"], dns=clean["dns"], zone=clean["zone"],
                      dmarc=clean["dmarc"], webhooks=tuple(webhooks),
                      automatic_sender_security=clean["automatic_sender_security"], settings=settings,
                      senders=tuple(senders), routes=tuple(routes))


def _webhooks(value: Any, path: str, problems: list[Problem]) -> list[WebhookSpec]:
    """``webhooks: [{kind: permanent_fail, urls: [https://…]}]``: one entry per kind."""
    hooks, seen = [], {}
    for index, entry in enumerate(rules.list_of(value, path, problems, len(WEBHOOK_KINDS), "webhook kinds") or ()):
        item = f"{path}[{index}]"
        entry = rules.mapping(entry, item, WEBHOOK_KEYS, problems)
        if entry is None:
            continue
        clean = _entry(WEBHOOK_FIELDS, entry, item, problems)
        kind = clean["kind"]
        if kind in seen:
            problems.append(Problem(f"{item}.kind", f"{kind} is listed more than once (first at {seen[kind]})"))
        elif kind is not None:
            seen[kind] = item
            hooks.append(WebhookSpec(kind, tuple(clean["urls"] or ())))
    return hooks


def _api_keys(value: Any, path: str, domains: set[str], problems: list[Problem]) -> list[ApiKeySpec]:
    """``apiKeys: [{name: exporter, role: basic, description: …, domain?: …, expiration?: seconds}]``."""
    specs, seen = [], {}
    for index, entry in enumerate(rules.list_of(value, path, problems, MAX_API_KEYS, "API keys") or ()):
        item = f"{path}[{index}]"
        entry = rules.mapping(entry, item, API_KEY_KEYS, problems)
        if entry is None:
            continue
        clean = _entry(API_KEY_FIELDS, entry, item, problems)
        name, domain = clean["name"], clean["domain"]
        if domain is not None and domain not in domains:
            problems.append(Problem(f"{item}.domain", f"{domain} is not one of the domains of this stack"))
        if name in seen:
            problems.append(Problem(f"{item}.name", f"{name} is listed more than once (first at {seen[name]})"))
        elif name is not None:
            seen[name] = item
            specs.append(ApiKeySpec(name, clean["role"], clean["description"] or "", domain, clean["expiration"]))
    return specs


def _senders(value: Any, path: str, domain: Optional[str],
             problems: list[Problem]) -> tuple[list[SenderSpec], Optional[set[str]]]:
    """The senders, and every username given (valid or not) for the route check; None if unusable."""
    entries = rules.list_of(value, path, problems, MAX_SENDERS, "senders per domain")
    if entries is None:
        return [], None
    senders, first_seen = [], {}
    given: set[str] = set()
    for index, entry in enumerate(entries):
        item = f"{path}[{index}]"
        entry = rules.mapping(entry, item, SENDER_KEYS, problems)
        if entry is None:
            continue
        if isinstance(entry.get("username"), str):
            given.add(entry["username"].strip().lower())
        clean = _entry(SENDER_FIELDS, entry, item, problems, domain=domain)
        username, password = clean["username"], clean["password"]
        if username in first_seen:
            problems.append(Problem(f"{item}.username", f"{username} is listed more than once (first at {first_seen[username]})"))
        elif username is not None:
            first_seen[username] = item
        senders.append(SenderSpec(username=username, password=password))
    return senders, given


def _routes(value: Any, path: str, usernames: Optional[set[str]], problems: list[Problem]) -> list[RouteSpec]:
    routes = []
    for index, entry in enumerate(rules.list_of(value, path, problems, MAX_ROUTES, "routes per domain") or ()):
        item = f"{path}[{index}]"
        entry = rules.mapping(entry, item, ROUTE_KEYS, problems)
        if entry is None:
            continue
        # the recipient is judged against the senders, all at this domain: no domain of its own here
        clean = _entry(ROUTE_FIELDS, entry, item, problems)
        recipient = clean["recipient"]
        if recipient is not None and usernames is not None and recipient not in usernames:
            known = ", ".join(sorted(usernames)) or "none"
            problems.append(Problem(f"{item}.recipient", f"{recipient} is not one of this domain's senders ({known})"))
        routes.append(RouteSpec(recipient=recipient, actions=clean["actions"] and tuple(clean["actions"]),
                                description=clean["description"], priority=clean["priority"]))
    return routes
