"""Preview steps as changes a reviewer reads: per stack and subdomain, what changes and how.

Works from the stable type tokens only (``pulumi-python:dynamic/<module>:<Name>``), so resource
kinds added later (webhooks, API keys) show up with their fields without code here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .secrets import Secret, is_hidden, scrub

KINDS = {"Domain": "domain", "DomainRecords": "DNS batch", "Record": "DNS record", "Verification": "verification",
         "SenderIdentity": "sender", "ReceiverRoute": "route", "Webhook": "webhook", "Tracking": "tracking",
         "ApiKey": "API key"}
NOT_SHOWN = ("pulumi:pulumi:Stack", "pulumi:providers:", "mailgun-setup:index:MailgunDomain")
# Inputs that only wire resources together; a reviewer learns nothing from them.
PLUMBING = {"__provider", "nameservers", "owner", "mode", "zone", "timeout", "requires", "records", "sender_status",
            "receiver_status", "purpose", "domain", "group", "holder", "domain_identity", "shared", "rotates_key"}
OPS = {"create": "create", "update": "update", "replace": "replace", "create-replacement": "replace",
       "delete": "delete", "delete-replaced": "delete", "same": "same", "import": "import", "read": "read",
       "takeover": "takeover"}
KIND_ORDER = {kind: i for i, kind in enumerate(KINDS.values())}
ORDER = {"delete": 0, "replace": 1, "update": 2, "takeover": 3, "create": 4, "import": 5, "read": 6, "same": 7}
# What one resource holds at Mailgun or in DNS, from its inputs: a create and a delete of the same
# object in one preview are a rename or a move (the new resource takes it over; nothing is deleted).
OBJECT_KEYS = {"domain": ("name", "region"), "DNS batch": ("domain",), "sender": ("username", "region"),
               "route": ("recipient", "region", "actions"), "webhook": ("domain", "region", "kind"),
               "tracking": ("domain", "region")}


@dataclass
class Change:
    stack: str
    domain: str
    kind: str                 # "domain", "DNS record", "sender", "route", "webhook", "API key", …
    name: str                 # the resource name from the URN, e.g. "TXT mg._domainkey.mail.company.com"
    op: str                   # create | update | replace | delete | same | import | read
    old: dict = field(default_factory=dict)          # old inputs (secrets scrubbed)
    new: dict = field(default_factory=dict)          # new inputs
    old_outputs: dict = field(default_factory=dict)
    replace_reasons: tuple[str, ...] = ()
    diff_reasons: tuple[str, ...] = ()
    takes_over: str = ""      # a takeover: the resource name (from the URN) it takes the object over from

    def fields(self) -> list[tuple[str, Any, Any]]:
        """(field, old, new) for what a reviewer should see; secrets compare as equal, so only a
        field the engine itself names as changed shows up as a changed secret."""
        keys = sorted((set(self.old) | set(self.new)) - PLUMBING)
        rows = []
        for key in keys:
            old, new = self.old.get(key), self.new.get(key)
            if self.op == "create":
                if new not in (None, "", [], {}):
                    rows.append((key, None, new))
            elif self.op == "delete":
                if old not in (None, "", [], {}):
                    rows.append((key, old, None))
            elif old != new or (isinstance(new, Secret) and key in self.diff_reasons + self.replace_reasons):
                rows.append((key, old, new))
        if not rows and self.op == "update" and not any(is_hidden(v) and not isinstance(v, Secret)
                                                        for v in self.new.values()):
            # The engine updates it and every visible input is equal: a secret input is what changed.
            rows = [(key, self.old.get(key), self.new[key]) for key in keys if isinstance(self.new.get(key), Secret)]
        return rows

    def changed(self, key: str) -> bool:
        old, new = self.old.get(key), self.new.get(key)
        return self.op in ("update", "replace") and old != new and not is_hidden(old) and not is_hidden(new)


def _stack_of(urn: str) -> str:
    return urn.split("::", 1)[0].rsplit(":", 1)[-1]


def _type_of(step: dict) -> str:
    for state in ("newState", "oldState"):
        if (step.get(state) or {}).get("type"):
            return step[state]["type"]
    return step["urn"].split("::")[2].rsplit("$", 1)[-1]


def _kind(rtype: str) -> Optional[str]:
    if rtype.startswith(NOT_SHOWN):
        return None
    token = rtype.rsplit(":", 1)[-1]
    return KINDS.get(token, token)


def _domain_of(kind: str, inputs: dict, parent: str) -> str:
    if isinstance(inputs.get("domain"), str):
        return inputs["domain"]
    if kind == "domain" and isinstance(inputs.get("name"), str):
        return inputs["name"]
    return parent.rsplit("::", 1)[-1] if "MailgunDomain" in parent else "(stack-wide)"


def changes_of(preview: dict) -> list[Change]:
    """Every resource step of one ``pulumi preview --json`` document, secrets scrubbed first."""
    preview = scrub(preview)
    steps = preview.get("steps") or []
    replaced = {s["urn"] for s in steps if OPS.get(s.get("op")) == "replace" and s.get("op") != "delete-replaced"}
    changes = []
    for step in steps:
        op = OPS.get(step.get("op"), step.get("op"))
        if step.get("op") == "delete-replaced" and step["urn"] in replaced:
            continue  # the replace step already says it
        kind = _kind(_type_of(step))
        if kind is None:
            continue
        old_state, new_state = step.get("oldState") or {}, step.get("newState") or {}
        old, new = old_state.get("inputs") or {}, new_state.get("inputs") or {}
        parent = new_state.get("parent") or old_state.get("parent") or ""
        changes.append(Change(
            stack=_stack_of(step["urn"]), domain=_domain_of(kind, new or old, parent), kind=kind,
            name=step["urn"].rsplit("::", 1)[-1], op=op, old=old, new=new,
            old_outputs=old_state.get("outputs") or {},
            replace_reasons=tuple(step.get("replaceReasons") or step.get("keys") or ()),
            diff_reasons=tuple(step.get("diffReasons") or step.get("diffs") or ())))
    changes = _takeovers(changes)
    return sorted(changes, key=lambda c: (c.stack, c.domain, ORDER.get(c.op, 9), KIND_ORDER.get(c.kind, 99), c.name))


def _object_key(change: Change, inputs: dict) -> Optional[tuple]:
    fields = OBJECT_KEYS.get(change.kind)
    if not fields or any(not isinstance(inputs.get(f), (str, list)) for f in fields):
        return None
    return (change.stack, change.kind, *(str(inputs[f]).lower() for f in fields))


def _takeovers(changes: list[Change]) -> list[Change]:
    """A create and a delete of one object (a resource renamed or moved in code) become one takeover:
    the new resource takes the object over, the delete of the old one leaves it in place."""
    deleted = {}
    for change in changes:
        if change.op == "delete" and (key := _object_key(change, change.old)) is not None:
            deleted[key] = change
    paired = set()
    for change in changes:
        key = _object_key(change, change.new) if change.op == "create" else None
        if key is not None and key in deleted:
            old = deleted.pop(key)
            paired.add(id(old))
            change.op, change.takes_over, change.old, change.old_outputs = "takeover", old.name, old.old, old.old_outputs
    return [c for c in changes if id(c) not in paired]


def stack_of(preview: dict) -> str:
    """The stack a preview is for: every URN names it (a no-change preview lists only the stack)."""
    for step in preview.get("steps") or []:
        if step.get("urn"):
            return _stack_of(step["urn"])
    return "(unknown)"
