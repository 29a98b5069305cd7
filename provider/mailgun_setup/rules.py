"""The input rules, one API for the stack config and for every resource's ``check()``.

Each rule takes a value and its path, returns the clean value, or ``None`` after appending a
``Problem(path, rule)`` to ``problems``. Callers collect every problem before reporting, so one
run lists every mistake (octodns-style validation). Problems stay structured until they are
rendered once: ``str(problem)`` for messages, ``problem.path`` / ``problem.rule`` for the engine's
``CheckFailure``. Defaults and ranges live in :mod:`mailgun_setup.mailgun.facts`; password values
never appear in a rule's text.
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit

from .dns import names
from .mailgun.facts import PASSWORD_LENGTH
from .problem import Problem  # noqa: F401 (re-exported: rules.Problem)


_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_SELECTOR = re.compile(r"[a-z0-9-]{1,63}")
LOCAL_PART_PATTERN = r"[A-Za-z0-9._%+-]{1,64}"  # an address's part before the @ (also in the JSON Schema)
_LOCAL_PART = re.compile(LOCAL_PART_PATTERN)


def hostname(value: Any, path: str, problems: list[Problem], required: bool = False) -> Optional[str]:
    text = string(value, path, problems, required=required)
    if text is None:
        return None
    name = names.bare(text)
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        problems.append(Problem(path, f"{text!r} is not a valid hostname (at most 253 characters; dot-separated labels "
                        "of 1-63 characters a-z, 0-9 and '-', not starting or ending with '-')"))
        return None
    return name


def domain_name(value: Any, path: str, problems: list[Problem]) -> Optional[str]:
    name = hostname(value, path, problems, required=True)
    if name is None:
        return None
    registrable = names.registrable(name)
    if registrable is None:
        problems.append(Problem(path, f"{name} is a public suffix; Mailgun needs a subdomain of a domain you own, "
                        f"such as mail.company.{name}"))
        return None
    if registrable == name:
        problems.append(Problem(path, f"{name} is a registrable root domain; Mailgun needs a subdomain such as mail.{name}"))
        return None
    return name


def zone(value: Any, path: str, name: Optional[str], dns: Optional[str], problems: list[Problem]) -> Optional[str]:
    if isinstance(value, str) and value and "." not in value:
        backend = names.zone_id_backend(value)
        if backend is None:
            formats = "; ".join(f"{b}: {rule}" for b, (_, rule) in names.ZONE_ID_FORMATS.items())
            problems.append(Problem(path, f"{value!r} is neither a zone name (a parent domain of the subdomain) nor a "
                            f"zone id ({formats})"))
        elif dns is not None and dns not in (backend, "auto"):
            problems.append(Problem(path, f"{value} is a {backend} zone id, so dns must be {backend} (or auto), "
                            f"got {dns}"))
        return value
    zone = hostname(value, path, problems)
    if zone is not None and name is not None and not (name == zone or name.endswith("." + zone)):
        problems.append(Problem(path, f"{zone} must be {name} or one of its parent domains"))
    return zone


def selector(value: Any, path: str, problems: list[Problem]) -> Optional[str]:
    text = string(value, path, problems)
    if text is None:
        return None
    selector = text.strip().lower()
    if not _SELECTOR.fullmatch(selector):
        problems.append(Problem(path, f"{text!r} must be a single DNS label of 1-63 characters a-z, 0-9 and '-'"))
        return None
    return selector


def username(value: Any, path: str, domain: Optional[str], problems: list[Problem]) -> Optional[str]:
    text = string(value, path, problems, required=True)
    if text is None:
        return None
    local, at, host = text.strip().rpartition("@")
    if not at or not _LOCAL_PART.fullmatch(local):
        problems.append(Problem(path, f"{text!r} must be a full address <local>@<domain> whose local part is 1-64 "
                        "characters A-Z, a-z, 0-9 and . _ % + -"))
        return None
    if domain is not None and host.lower() != domain:
        problems.append(Problem(path, f"{text.strip()} must be an address at this domain, {domain}"))
        return None
    return f"{local}@{host}".lower()


def password(value: Any, path: str, problems: list[Problem]) -> Optional[str]:
    if value is None:
        return None
    low, high = PASSWORD_LENGTH
    if not isinstance(value, str):  # name the type only: never echo a secret
        problems.append(Problem(path, f"must be a string, got {type(value).__name__}"))
    elif not low <= len(value) <= high:
        problems.append(Problem(path, f"must be {low} to {high} characters long"))
    else:
        return value
    return None


_FORWARD = re.compile(r'forward\s*\(\s*"([^"]*)"\s*\)')
_STORE = re.compile(r'store\s*\(\s*(?:notify\s*=\s*"([^"]*)"\s*)?\)')
_STOP = re.compile(r'stop\s*\(\s*\)')
_ACTION_FORMS = 'forward("<http(s) URL or e-mail address>"), store(), store(notify="<http(s) URL>") or stop()'


def actions(value: Any, path: str, problems: list[Problem]) -> Optional[tuple[str, ...]]:
    if value is None:
        problems.append(Problem(path, "is required"))
        return None
    if isinstance(value, str):
        items = [(value, path)]
    elif isinstance(value, (list, tuple)) and value:
        items = [(item, f"{path}[{index}]") for index, item in enumerate(value)]
    else:
        problems.append(Problem(path, f"must be a string or a non-empty list of strings, got {shown(value)}"))
        return None
    checked = [action(item, item_path, problems) for item, item_path in items]
    for (_, item_path), one in zip(items[:-1], checked):
        if one == "stop()":
            problems.append(Problem(item_path, "stop() must be the last action"))
    return None if None in checked else tuple(checked)


def action(value: Any, path: str, problems: list[Problem]) -> Optional[str]:
    text = string(value, path, problems, required=True)
    if text is None:
        return None
    text = text.strip()
    if match := _FORWARD.fullmatch(text):
        target = match[1]
        if is_url(target) or is_address(target):
            return f'forward("{target}")'
        problems.append(Problem(path, f"forward target {target!r} must be an http(s) URL or an e-mail address"))
    elif match := _STORE.fullmatch(text):
        if match[1] is None:
            return "store()"
        if is_url(match[1]):
            return f'store(notify="{match[1]}")'
        problems.append(Problem(path, f"store notify {match[1]!r} must be an http(s) URL"))
    elif _STOP.fullmatch(text):
        return "stop()"
    else:
        problems.append(Problem(path, f"{text!r} is not an action; use {_ACTION_FORMS}, with double quotes"))
    return None


def is_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and not re.search(r"\s", text)
    except ValueError:
        return False


def is_address(text: str) -> bool:
    local, at, host = text.rpartition("@")
    return bool(at and _LOCAL_PART.fullmatch(local) and "." in host
                and all(_LABEL.fullmatch(label) for label in host.lower().split(".")))


# --- generic value rules -----------------------------------------------------------------

def get(entry: Mapping[str, Any], key: str, default: Any) -> Any:
    """A null in YAML (``region:``) means "not set", like leaving the key out."""
    value = entry.get(key)
    return default if value is None else value


def shown(value: Any) -> str:
    if isinstance(value, (str, int, float)):
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
    return type(value).__name__


def mapping(value: Any, path: str, allowed: tuple[str, ...], problems: list[Problem]) -> Optional[Mapping[str, Any]]:
    if not isinstance(value, Mapping):
        problems.append(Problem(path, f"must be a mapping, got {type(value).__name__}"))
        return None
    for key in value:
        if key not in allowed:
            problems.append(Problem(f"{path}.{key}", f"unknown key; allowed keys are {', '.join(allowed)}"))
    return value


def list_of(value: Any, path: str, problems: list[Problem], most: int, noun: str,
          required: bool = False) -> Optional[list[Any]]:
    if value is None:
        if required:
            problems.append(Problem(path, f"is required (a list of 1 to {most} {noun})"))
            return None
        return []
    if not isinstance(value, (list, tuple)):
        problems.append(Problem(path, f"must be a list, got {type(value).__name__}"))
        return None
    if len(value) > most:
        problems.append(Problem(path, f"at most {most} {noun}, got {len(value)}"))
    return list(value)


def string(value: Any, path: str, problems: list[Problem], required: bool = False) -> Optional[str]:
    if value is None and required:
        problems.append(Problem(path, "is required"))
    elif value is not None and not isinstance(value, str):
        problems.append(Problem(path, f"must be a string, got {type(value).__name__}"))
    else:
        return value
    return None


def integer(value: Any, path: str, problems: list[Problem], low: Optional[int] = None,
             high: Optional[int] = None) -> Optional[int]:
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        value = int(value)
    if isinstance(value, float) and value.is_integer():  # numbers cross the engine as JSON numbers
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(Problem(path, f"must be an integer, got {shown(value)}"))
        return None
    if low is not None and not low <= value <= high:
        problems.append(Problem(path, f"must be between {low} and {high}, got {value}"))
        return None
    return value


def choice(value: Any, path: str, problems: list[Problem], choices: tuple) -> Any:
    if isinstance(choices[0], int):
        value = integer(value, path, problems)
    elif isinstance(value, str):
        value = value.strip().lower()
    else:
        problems.append(Problem(path, f"must be a string, got {type(value).__name__}"))
        return None
    if value is not None and value not in choices:
        problems.append(Problem(path, f"must be one of {', '.join(map(str, choices))}, got {shown(value)}"))
        return None
    return value


def boolean(value: Any, path: str, problems: list[Problem]) -> Optional[bool]:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, bool):
        return value
    problems.append(Problem(path, f"must be true or false, got {shown(value)}"))
    return None


