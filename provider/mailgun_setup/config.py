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

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from .errors import ConfigError

REGIONS = ("us", "eu")
DNS_MODES = ("route53", "cloudflare", "manual", "auto")
DKIM_KEY_LENGTHS = (1024, 2048)
RETENTION_DAYS = (0, 1, 3, 7)
MAX_DOMAINS = 5
MAX_SENDERS = 10
MAX_ROUTES = 10

DEFAULT_DNS = "auto"
DEFAULT_VERIFY_TIMEOUT = 1800
VERIFY_TIMEOUT_RANGE = (10, 86400)
DEFAULT_REGION = "us"
DEFAULT_DKIM_KEY_LENGTH = 1024
DEFAULT_DKIM_SELECTOR = "mg"
DEFAULT_RETENTION_DAYS = 3
PASSWORD_LENGTH = (5, 32)
PRIORITY_RANGE = (0, 32767)
MAX_DESCRIPTION = 255

# A zone override may be a zone id instead of a name: two public zones of one name are legal.
ZONE_ID_FORMATS = {"route53": (re.compile(r"^(/hostedzone/)?[A-Z0-9]{1,32}$"), "capitals and digits, e.g. Z0123456789ABC"),
                   "cloudflare": (re.compile(r"^[0-9a-f]{32}$"), "32 lowercase hex characters")}

DOMAIN_KEYS = ("name", "region", "dkimKeyLength", "dkimSelector", "retentionDays", "receiving",
               "tracking", "dns", "zone", "senders", "routes")
SENDER_KEYS = ("username", "password")
ROUTE_KEYS = ("recipient", "action", "description", "priority")


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


def match_recipient(recipient: str) -> str:
    """The Mailgun route expression for one recipient."""
    return f'match_recipient("{recipient}")'


@dataclass(frozen=True)
class DomainSpec:
    name: str
    region: str = DEFAULT_REGION
    dkim_key_length: int = DEFAULT_DKIM_KEY_LENGTH
    dkim_selector: str = DEFAULT_DKIM_SELECTOR
    retention_days: int = DEFAULT_RETENTION_DAYS
    receiving: bool = False
    tracking: bool = False
    dns: str = DEFAULT_DNS  # effective mode: the domain's override, else the stack's
    zone: Optional[str] = None
    senders: tuple[SenderSpec, ...] = ()
    routes: tuple[RouteSpec, ...] = ()


@dataclass(frozen=True)
class StackConfig:
    dns: str
    verify_timeout: int
    domains: tuple[DomainSpec, ...]


def retention_seconds(days: int) -> int:
    return days * 86400


def parse_stack_config(raw: Mapping[str, Any]) -> StackConfig:
    """Check ``raw`` (config keys without the ``mailgun-setup:`` prefix); raise ConfigError with every problem."""
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        raise ConfigError([f"config: must be a mapping, got {type(raw).__name__}"])
    dns = _choice(_get(raw, "dns", DEFAULT_DNS), "dns", problems, DNS_MODES)
    timeout = _integer(_get(raw, "verifyTimeout", DEFAULT_VERIFY_TIMEOUT), "verifyTimeout", problems,
                       *VERIFY_TIMEOUT_RANGE)
    domains: list[DomainSpec] = []
    entries = _list(raw.get("domains"), "domains", problems, MAX_DOMAINS, "subdomains per stack", required=True)
    if entries is not None and not entries:
        problems.append("domains: at least one domain is required")
    first_seen: dict[str, str] = {}
    for index, entry in enumerate(entries or ()):
        path = f"domains[{index}]"
        domain = _domain(entry, path, dns, problems)
        if domain is None or domain.name is None:
            continue
        if domain.name in first_seen:
            problems.append(f"{path}.name: {domain.name} is listed more than once (first at {first_seen[domain.name]})")
        first_seen.setdefault(domain.name, path)
        domains.append(domain)
    if problems:
        raise ConfigError(problems)
    return StackConfig(dns=dns, verify_timeout=timeout, domains=tuple(domains))


# --- one entry of each list ----------------------------------------------------------

def _domain(entry: Any, path: str, stack_dns: Optional[str], problems: list[str]) -> Optional[DomainSpec]:
    entry = _mapping(entry, path, DOMAIN_KEYS, problems)
    if entry is None:
        return None
    name = _domain_name(entry.get("name"), f"{path}.name", problems)
    region = _choice(_get(entry, "region", DEFAULT_REGION), f"{path}.region", problems, REGIONS)
    key_length = _choice(_get(entry, "dkimKeyLength", DEFAULT_DKIM_KEY_LENGTH), f"{path}.dkimKeyLength",
                         problems, DKIM_KEY_LENGTHS)
    selector = _selector(_get(entry, "dkimSelector", DEFAULT_DKIM_SELECTOR), f"{path}.dkimSelector", problems)
    retention = _choice(_get(entry, "retentionDays", DEFAULT_RETENTION_DAYS), f"{path}.retentionDays",
                        problems, RETENTION_DAYS)
    receiving = _boolean(_get(entry, "receiving", False), f"{path}.receiving", problems)
    tracking = _boolean(_get(entry, "tracking", False), f"{path}.tracking", problems)
    dns = _choice(entry["dns"], f"{path}.dns", problems, DNS_MODES) if entry.get("dns") is not None else stack_dns
    zone = _zone(entry.get("zone"), f"{path}.zone", name, dns, problems)
    senders, usernames = _senders(entry.get("senders"), f"{path}.senders", name, problems)
    routes = _routes(entry.get("routes"), f"{path}.routes", usernames, problems)
    if isinstance(entry.get("routes"), (list, tuple)) and entry["routes"] and receiving is False:
        problems.append(f"{path}.routes: routes need receiving: true on the domain")
    return DomainSpec(name=name, region=region, dkim_key_length=key_length, dkim_selector=selector,
                      retention_days=retention, receiving=receiving, tracking=tracking, dns=dns, zone=zone,
                      senders=tuple(senders), routes=tuple(routes))


def _senders(value: Any, path: str, domain: Optional[str],
             problems: list[str]) -> tuple[list[SenderSpec], Optional[set[str]]]:
    """The senders, and every username given (valid or not) for the route check; None if unusable."""
    entries = _list(value, path, problems, MAX_SENDERS, "senders per domain")
    if entries is None:
        return [], None
    senders, first_seen = [], {}
    given: set[str] = set()
    for index, entry in enumerate(entries):
        item = f"{path}[{index}]"
        entry = _mapping(entry, item, SENDER_KEYS, problems)
        if entry is None:
            continue
        if isinstance(entry.get("username"), str):
            given.add(entry["username"].strip().lower())
        username = _username(entry.get("username"), f"{item}.username", domain, problems)
        password = _password(entry.get("password"), f"{item}.password", problems)
        if username in first_seen:
            problems.append(f"{item}.username: {username} is listed more than once (first at {first_seen[username]})")
        elif username is not None:
            first_seen[username] = item
        senders.append(SenderSpec(username=username, password=password))
    return senders, given


def _routes(value: Any, path: str, usernames: Optional[set[str]], problems: list[str]) -> list[RouteSpec]:
    routes = []
    for index, entry in enumerate(_list(value, path, problems, MAX_ROUTES, "routes per domain") or ()):
        item = f"{path}[{index}]"
        entry = _mapping(entry, item, ROUTE_KEYS, problems)
        if entry is None:
            continue
        recipient = _string(entry.get("recipient"), f"{item}.recipient", problems, required=True)
        if recipient is not None:
            recipient = recipient.strip().lower()
            if usernames is not None and recipient not in usernames:
                known = ", ".join(sorted(usernames)) or "none"
                problems.append(f"{item}.recipient: {recipient} is not one of this domain's senders ({known})")
        description = _string(_get(entry, "description", ""), f"{item}.description", problems)
        if description is not None and len(description) > MAX_DESCRIPTION:
            problems.append(f"{item}.description: must be at most {MAX_DESCRIPTION} characters")
        routes.append(RouteSpec(
            recipient=recipient,
            actions=_actions(entry.get("action"), f"{item}.action", problems),
            description=description,
            priority=_integer(_get(entry, "priority", 0), f"{item}.priority", problems, *PRIORITY_RANGE),
        ))
    return routes


# --- field rules -----------------------------------------------------------------------

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_SELECTOR = re.compile(r"[a-z0-9-]{1,63}")
_LOCAL_PART = re.compile(r"[A-Za-z0-9._%+-]{1,64}")


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def _hostname(value: Any, path: str, problems: list[str], required: bool = False) -> Optional[str]:
    text = _string(value, path, problems, required=required)
    if text is None:
        return None
    name = text.strip().lower()
    name = name[:-1] if name.endswith(".") else name
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        problems.append(f"{path}: {text!r} is not a valid hostname (at most 253 characters; dot-separated labels "
                        "of 1-63 characters a-z, 0-9 and '-', not starting or ending with '-')")
        return None
    return name


def _domain_name(value: Any, path: str, problems: list[str]) -> Optional[str]:
    name = _hostname(value, path, problems, required=True)
    if name is None:
        return None
    registrable = _psl().privatesuffix(name)
    if registrable is None:
        problems.append(f"{path}: {name} is a public suffix; Mailgun needs a subdomain of a domain you own, "
                        f"such as mail.company.{name}")
        return None
    if registrable == name:
        problems.append(f"{path}: {name} is a registrable root domain; Mailgun needs a subdomain such as mail.{name}")
        return None
    return name


def zone_id_backend(zone: Optional[str]) -> Optional[str]:
    """The DNS backend whose zone-id format ``zone`` has; None for a zone name."""
    for backend, (pattern, _) in ZONE_ID_FORMATS.items():
        if isinstance(zone, str) and pattern.match(zone):
            return backend
    return None


def _zone(value: Any, path: str, name: Optional[str], dns: Optional[str], problems: list[str]) -> Optional[str]:
    if isinstance(value, str) and value and "." not in value:
        backend = zone_id_backend(value)
        if backend is None:
            formats = "; ".join(f"{b}: {rule}" for b, (_, rule) in ZONE_ID_FORMATS.items())
            problems.append(f"{path}: {value!r} is neither a zone name (a parent domain of the subdomain) nor a "
                            f"zone id ({formats})")
        elif dns is not None and dns not in (backend, "auto"):
            problems.append(f"{path}: {value} is a {backend} zone id, so dns must be {backend} (or auto), "
                            f"got {dns}")
        return value
    zone = _hostname(value, path, problems)
    if zone is not None and name is not None and not (name == zone or name.endswith("." + zone)):
        problems.append(f"{path}: {zone} must be {name} or one of its parent domains")
    return zone


def _selector(value: Any, path: str, problems: list[str]) -> Optional[str]:
    text = _string(value, path, problems)
    if text is None:
        return None
    selector = text.strip().lower()
    if not _SELECTOR.fullmatch(selector):
        problems.append(f"{path}: {text!r} must be a single DNS label of 1-63 characters a-z, 0-9 and '-'")
        return None
    return selector


def _username(value: Any, path: str, domain: Optional[str], problems: list[str]) -> Optional[str]:
    text = _string(value, path, problems, required=True)
    if text is None:
        return None
    local, at, host = text.strip().rpartition("@")
    if not at or not _LOCAL_PART.fullmatch(local):
        problems.append(f"{path}: {text!r} must be a full address <local>@<domain> whose local part is 1-64 "
                        "characters A-Z, a-z, 0-9 and . _ % + -")
        return None
    if domain is not None and host.lower() != domain:
        problems.append(f"{path}: {text.strip()} must be an address at this domain, {domain}")
        return None
    return f"{local}@{host}".lower()


def _password(value: Any, path: str, problems: list[str]) -> Optional[str]:
    if value is None:
        return None
    low, high = PASSWORD_LENGTH
    if not isinstance(value, str):  # name the type only: never echo a secret
        problems.append(f"{path}: must be a string, got {type(value).__name__}")
    elif not low <= len(value) <= high:
        problems.append(f"{path}: must be {low} to {high} characters long")
    else:
        return value
    return None


_FORWARD = re.compile(r'forward\s*\(\s*"([^"]*)"\s*\)')
_STORE = re.compile(r'store\s*\(\s*(?:notify\s*=\s*"([^"]*)"\s*)?\)')
_STOP = re.compile(r'stop\s*\(\s*\)')
_ACTION_FORMS = 'forward("<http(s) URL or e-mail address>"), store(), store(notify="<http(s) URL>") or stop()'


def _actions(value: Any, path: str, problems: list[str]) -> Optional[tuple[str, ...]]:
    if value is None:
        problems.append(f"{path}: is required")
        return None
    if isinstance(value, str):
        items = [(value, path)]
    elif isinstance(value, (list, tuple)) and value:
        items = [(item, f"{path}[{index}]") for index, item in enumerate(value)]
    else:
        problems.append(f"{path}: must be a string or a non-empty list of strings, got {_shown(value)}")
        return None
    actions = [_action(item, item_path, problems) for item, item_path in items]
    for (_, item_path), action in zip(items[:-1], actions):
        if action == "stop()":
            problems.append(f"{item_path}: stop() must be the last action")
    return None if None in actions else tuple(actions)


def _action(value: Any, path: str, problems: list[str]) -> Optional[str]:
    text = _string(value, path, problems, required=True)
    if text is None:
        return None
    text = text.strip()
    if match := _FORWARD.fullmatch(text):
        target = match[1]
        if _is_url(target) or _is_address(target):
            return f'forward("{target}")'
        problems.append(f"{path}: forward target {target!r} must be an http(s) URL or an e-mail address")
    elif match := _STORE.fullmatch(text):
        if match[1] is None:
            return "store()"
        if _is_url(match[1]):
            return f'store(notify="{match[1]}")'
        problems.append(f"{path}: store notify {match[1]!r} must be an http(s) URL")
    elif _STOP.fullmatch(text):
        return "stop()"
    else:
        problems.append(f"{path}: {text!r} is not an action; use {_ACTION_FORMS}, with double quotes")
    return None


def _is_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and not re.search(r"\s", text)
    except ValueError:
        return False


def _is_address(text: str) -> bool:
    local, at, host = text.rpartition("@")
    return bool(at and _LOCAL_PART.fullmatch(local) and "." in host
                and all(_LABEL.fullmatch(label) for label in host.lower().split(".")))


# --- generic value rules: each returns the clean value, or None after noting a problem -----

def _get(entry: Mapping[str, Any], key: str, default: Any) -> Any:
    """A null in YAML (``region:``) means "not set", like leaving the key out."""
    value = entry.get(key)
    return default if value is None else value


def _shown(value: Any) -> str:
    if isinstance(value, (str, int, float)):
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
    return type(value).__name__


def _mapping(value: Any, path: str, allowed: tuple[str, ...], problems: list[str]) -> Optional[Mapping[str, Any]]:
    if not isinstance(value, Mapping):
        problems.append(f"{path}: must be a mapping, got {type(value).__name__}")
        return None
    for key in value:
        if key not in allowed:
            problems.append(f"{path}.{key}: unknown key; allowed keys are {', '.join(allowed)}")
    return value


def _list(value: Any, path: str, problems: list[str], most: int, noun: str,
          required: bool = False) -> Optional[list[Any]]:
    if value is None:
        if required:
            problems.append(f"{path}: is required (a list of 1 to {most} {noun})")
            return None
        return []
    if not isinstance(value, (list, tuple)):
        problems.append(f"{path}: must be a list, got {type(value).__name__}")
        return None
    if len(value) > most:
        problems.append(f"{path}: at most {most} {noun}, got {len(value)}")
    return list(value)


def _string(value: Any, path: str, problems: list[str], required: bool = False) -> Optional[str]:
    if value is None and required:
        problems.append(f"{path}: is required")
    elif value is not None and not isinstance(value, str):
        problems.append(f"{path}: must be a string, got {type(value).__name__}")
    else:
        return value
    return None


def _integer(value: Any, path: str, problems: list[str], low: Optional[int] = None,
             high: Optional[int] = None) -> Optional[int]:
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"{path}: must be an integer, got {_shown(value)}")
        return None
    if low is not None and not low <= value <= high:
        problems.append(f"{path}: must be between {low} and {high}, got {value}")
        return None
    return value


def _choice(value: Any, path: str, problems: list[str], choices: tuple) -> Any:
    if isinstance(choices[0], int):
        value = _integer(value, path, problems)
    elif isinstance(value, str):
        value = value.strip().lower()
    else:
        problems.append(f"{path}: must be a string, got {type(value).__name__}")
        return None
    if value is not None and value not in choices:
        problems.append(f"{path}: must be one of {', '.join(map(str, choices))}, got {_shown(value)}")
        return None
    return value


def _boolean(value: Any, path: str, problems: list[str]) -> Optional[bool]:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, bool):
        return value
    problems.append(f"{path}: must be true or false, got {_shown(value)}")
    return None


# Single-field rules, shared with the resources' check() (which validates inputs given without a stack config).
check_domain_name = _domain_name
check_selector = _selector
check_username = _username
check_password = _password
check_actions = _actions
