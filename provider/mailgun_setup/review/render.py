"""The pull-request comment: summary line, dangers, then per stack and subdomain the changes.

GitHub refuses comment bodies over 65,536 characters. The summary and the dangers are always
kept whole; to fit, the detail goes first (values shortened, then only counts per subdomain,
then subdomains left out with a count), never the other way round.
"""
from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import Any, Optional

from .changes import Change
from .dangers import Danger
from .secrets import Secret, Unknown

GITHUB_LIMIT = 65536
MARKER = "<!-- mailgun-setup review -->"
VERBS = [("create", "to create"), ("update", "to update"), ("replace", "to replace"), ("delete", "to delete"),
         ("takeover", "renamed or moved (taken over, nothing deleted)"), ("import", "to import")]


def _value(value: Any, width: Optional[int]) -> str:
    if isinstance(value, (Secret, Unknown)):
        return f"_{value!r}_"
    if value is None:
        return "–"
    text = value if isinstance(value, str) else repr(value) if not isinstance(value, (int, float, bool)) \
        else str(value).lower() if isinstance(value, bool) else str(value)
    if width and len(text) > width:
        text = text[:width // 2] + "…" + text[-(width // 2 - 1):]
    text = text.replace("|", "\\|").replace("\n", " ")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _detail(change: Change, width: Optional[int]) -> str:
    rows = change.fields()
    if change.op == "create":
        parts = [f"{k}: {_value(n, width)}" for k, _, n in rows]
    elif change.op == "delete":
        parts = [f"{k}: {_value(o, width)}" for k, o, _ in rows]
    else:
        parts = [f"{k}: changed (secret, not shown)" if isinstance(o, Secret) and isinstance(n, Secret)
                 else f"{k}: {_value(o, width)} → {_value(n, width)}" for k, o, n in rows]
    reasons = [r for r in change.replace_reasons if r != "domain_identity"]
    if reasons:
        parts.insert(0, f"replaced because {', '.join(reasons)} changed")
    if "domain_identity" in change.replace_reasons:
        parts.insert(0, "replaced with its Mailgun domain (it lives inside it)")
    if change.kind == "domain" and change.op == "update" and change.changed("dkim_selector"):
        parts.insert(0, f"DKIM key rotation in place (safe): {change.old.get('dkim_selector')} "
                        f"({_bits(change.old)}) → {change.new.get('dkim_selector')} ({_bits(change.new)}); the new "
                        f"key is published beside the old one, which signs until the new one is valid")
    if change.takes_over:
        parts.insert(0, f"renamed or moved from `{change.takes_over}`: takes the object over, nothing is deleted")
    return "<br>".join(parts) or "re-evaluated on apply (inputs known after apply)"


def _bits(inputs: dict) -> str:
    value = inputs.get("dkim_key_length")
    return str(int(float(value))) if isinstance(value, (int, float, str)) and str(value).replace(".", "").isdigit() \
        else str(value)


def _counts(changes: list[Change]) -> str:
    count = Counter(c.op for c in changes)
    return ", ".join(f"{count[op]} {words}" for op, words in VERBS if count[op])


def summary_line(changes: list[Change], dangers: list[Danger], stacks: list[str]) -> str:
    moving = [c for c in changes if c.op != "same"]
    where = f"stack{'s' if len(stacks) != 1 else ''} {', '.join(f'`{s}`' for s in stacks)}"
    if not moving:
        return f"**mailgun-setup preview** ({where}): no changes."
    danger = f"⚠️ **{len(dangers)} dangerous change{'s' if len(dangers) != 1 else ''}**" if dangers \
        else "no dangerous changes"
    return f"**mailgun-setup preview** ({where}): {danger}; {_counts(moving)}."


def _danger_section(dangers: list[Danger]) -> list[str]:
    if not dangers:
        return []
    lines = ["### ⚠️ Dangerous changes", ""]
    lines += [f"- **{d.stack} / {d.domain}**: {d.subject}: {d.reason}." for d in dangers]
    return lines + [""]


def _domain_block(stack: str, domain: str, changes: list[Change], level: int) -> list[str]:
    lines = [f"#### `{domain}`", ""]
    if level == 0:
        return lines + [f"{_counts(changes)} (detail trimmed)", ""]
    width = None if level == 2 else 40
    lines += ["| Change | Resource | Detail |", "| --- | --- | --- |"]
    lines += [f"| {c.op} | {c.kind} `{c.name}` | {_detail(c, width)} |" for c in changes]
    return lines + [""]


def _body(changes: list[Change], level: int, keep: Optional[int] = None) -> tuple[list[str], int]:
    lines, shown = [], 0
    moving = [c for c in changes if c.op != "same"]
    groups = [(key, list(group)) for key, group in groupby(moving, key=lambda c: (c.stack, c.domain))]
    stack = None
    for (stack_name, domain), group in groups[:keep]:
        if stack_name != stack:
            lines += [f"### Stack `{stack_name}`", ""]
            stack = stack_name
        lines += _domain_block(stack_name, domain, group, level)
        shown += 1
    return lines, len(groups)


def render_comment(changes: list[Change], dangers: list[Danger], stacks: list[str],
                   limit: int = GITHUB_LIMIT) -> str:
    head = [summary_line(changes, dangers, stacks), ""] + _danger_section(dangers)
    tail = [MARKER, ""]
    note = "_Detail trimmed to stay under GitHub's comment size limit; run `pulumi preview --diff` for all of it._"

    def assemble(body: list[str], trimmed: bool) -> str:
        return "\n".join(head + body + ([note, ""] if trimmed else []) + tail)

    for level in (2, 1, 0):
        body, total = _body(changes, level)
        text = assemble(body, level < 2)
        if len(text) <= limit:
            return text
    def cut(keep: int) -> str:
        body, total = _body(changes, 0, keep)
        left = total - keep
        body += [f"… and {left} more subdomain{'s' if left != 1 else ''} with changes not shown.", ""]
        return assemble(body, True)

    low, high = 0, total - 1  # the most subdomains that fit, by bisection: each try renders the whole body
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if len(cut(middle)) <= limit else (low, middle - 1)
    if len(cut(low)) <= limit:
        return cut(low)
    return assemble([], True)  # the summary and the dangers, whole, whatever their size
