"""After every kind of change a user can make, state and services agree both ways, values included.

One stack of ``programs/changes`` (a program in code: a subdomain with two logins, a route, a
webhook, tracking and a domain key) goes through a chain of changes, each alone in its own
``pulumi up``: every input of every resource changed, every resource renamed, moved under another
parent (a user's component) and removed. After each, every Mailgun domain, login, route, webhook,
tracking setting, domain key and DNS record (with its value) must be in state and the other way
round, and ``pulumi preview --refresh --expect-no-changes`` must find nothing to do.
"""
from __future__ import annotations

import copy
from typing import Callable

import pytest

from .changes import ChangesProject, base_spec

pytestmark = pytest.mark.engine
POINT = "agreement"


def _domain(spec: dict) -> dict:
    return spec["domains"][0]


def _set(path: str, value) -> Callable[[dict], None]:
    """A change of one input: ``path`` is ``domain.<key>`` or ``<list>.<index>.<key>`` inside the domain."""
    def change(spec: dict) -> None:
        where = _domain(spec)
        *parts, key = path.split(".")
        for part in parts[1:] if parts and parts[0] == "domain" else parts:
            where = where[int(part)] if part.isdigit() else where[part]
        where[key] = value
    return change


def _both(*changes: Callable[[dict], None]) -> Callable[[dict], None]:
    def change(spec: dict) -> None:
        for one in changes:
            one(spec)
    return change


def _rename(kind: str, new: str) -> Callable[[dict], None]:
    def change(spec: dict) -> None:
        if kind == "domain":
            _domain(spec)["resource"] = new
            return
        entry = _domain(spec)[kind][0]
        if kind == "senders":
            for route in _domain(spec)["routes"]:
                if route["sender"] == entry["resource"]:
                    route["sender"] = new
        entry["resource"] = new
    return change


def _move(kind: str, parent: str) -> Callable[[dict], None]:
    def change(spec: dict) -> None:
        (_domain(spec) if kind == "domain" else _domain(spec)[kind][0])["parent"] = parent
    return change


def _new_subdomain(prefix: str) -> Callable[[dict], None]:
    """The subdomain itself changed (``mail.<zone>`` → ``<prefix>.<zone>``): its senders follow it."""
    def change(spec: dict) -> None:
        old = _domain(spec)["name"]
        new = f"{prefix}.{old.split('.', 1)[1]}"
        _domain(spec)["name"] = new
        for sender in _domain(spec)["senders"]:
            sender["username"] = sender["username"].replace(f"@{old}", f"@{new}")
    return change


def _remove(kind: str) -> Callable[[dict], None]:
    def change(spec: dict) -> None:
        if kind == "domain":
            spec["domains"] = []
            return
        removed = _domain(spec)[kind].pop(0)
        if kind == "senders":
            _domain(spec)["routes"] = [r for r in _domain(spec)["routes"] if r["sender"] != removed["resource"]]
    return change


# The chain, in order; each step starts from the spec the previous one left.
CASES: list[tuple[str, Callable[[dict], None]]] = [
    ("MailgunDomain.retention_days changed", _set("domain.retention_days", 3)),
    ("MailgunDomain.dkim_key_length changed alone (a rotation to the selector it implies, mg2048)",
     _set("domain.dkim_key_length", 2048)),
    ("MailgunDomain.dkim_selector changed (a rotation)", _set("domain.dkim_selector", "k2")),
    ("MailgunDomain.spam_action set", _set("domain.spam_action", "block")),
    ("MailgunDomain.wildcard set", _set("domain.wildcard", True)),
    ("MailgunDomain.web_scheme set", _set("domain.web_scheme", "https")),
    ("MailgunDomain.require_tls set", _set("domain.require_tls", True)),
    ("MailgunDomain.force_dkim_authority changed (a replacement with everything inside)",
     _set("domain.force_dkim_authority", False)),
    ("MailgunDomain.tracking turned off", _set("domain.tracking", False)),
    ("MailgunDomain.tracking turned on", _set("domain.tracking", True)),
    ("SenderIdentity.password changed", _set("senders.1.password", "hrPassword2")),
    ("SenderIdentity.username changed", _set("senders.1.username", "people@{name}")),
    ("ReceiverRoute.actions changed", _set("routes.0.actions", ['forward("http://127.0.0.1:9/in2")', "stop()"])),
    ("ReceiverRoute.description changed", _set("routes.0.description", "helpdesk, second line")),
    ("ReceiverRoute.priority changed", _set("routes.0.priority", 5)),
    ("Webhook.urls changed", _set("webhooks.0.urls", ["http://127.0.0.1:9/fail", "http://127.0.0.1:9/fail2"])),
    ("Webhook.kind changed", _set("webhooks.0.kind", "temporary_fail")),
    ("ApiKey.description changed", _set("keys.0.description", "bot, rotated")),
    ("MailgunDomain renamed", _rename("domain", "mail-renamed")),
    ("SenderIdentity renamed", _rename("senders", "support-renamed")),
    ("ReceiverRoute renamed", _rename("routes", "route-renamed")),
    ("Webhook renamed", _rename("webhooks", "hook-renamed")),
    ("ApiKey renamed", _rename("keys", "key-renamed")),
    ("MailgunDomain moved under a component", _move("domain", "platform")),
    ("SenderIdentity moved under a component", _move("senders", "bot")),
    ("ReceiverRoute moved under a component", _move("routes", "bot")),
    ("Webhook moved under a component", _move("webhooks", "bot")),
    ("ApiKey moved under a component", _move("keys", "bot")),
    ("MailgunDomain.region changed", _set("domain.region", "eu")),
    ("ApiKey removed", _remove("keys")),
    ("Webhook removed", _remove("webhooks")),
    ("ReceiverRoute removed", _remove("routes")),
    ("MailgunDomain.receiving turned off", _set("domain.receiving", False)),
    ("SenderIdentity removed", _remove("senders")),
    ("MailgunDomain.name changed", _new_subdomain("post")),
    ("MailgunDomain removed", _remove("domain")),
]


def _fill(spec: dict) -> dict:
    """``{name}`` in a changed username: the subdomain as it is."""
    for domain in spec["domains"]:
        for sender in domain["senders"]:
            sender["username"] = sender["username"].format(name=domain["name"])
    return spec


def test_every_change_leaves_state_and_services_in_agreement(tmp_path, sandbox_env, unique, ledger):
    project = ChangesProject.with_zone(tmp_path, sandbox_env, f"{unique}.com")
    ledger.expect(POINT, [name for name, _ in CASES])
    spec = base_spec(project.zone)
    project.apply(spec)
    assert project.problems() == [], "the starting point itself disagrees"
    try:
        for name, change in CASES:
            spec = copy.deepcopy(spec)
            change(spec)
            spec = _fill(spec)
            up = project.apply_unchecked(spec)
            problems = [f"pulumi up failed:\n{up.stdout[-2500:]}\n{up.stderr[-1500:]}"] if up.returncode else \
                project.problems()
            ledger.record(POINT, name, not problems, "; ".join(problems)[:3000])
    finally:
        project.destroy()
    assert not ledger.failed(POINT), "\n".join(ledger.failed(POINT))
