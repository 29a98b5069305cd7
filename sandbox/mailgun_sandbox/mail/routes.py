"""Route expressions and actions, evaluated as Mailgun describes them (user manual, "Routes":
filters and actions; "Receiving messages via HTTP through a forward() action").

- ``match_recipient("<regex>")``: the SMTP recipient (RCPT TO) against the pattern;
- ``match_header("<name>", "<regex>")``: any value of that MIME header against the pattern;
- ``catch_all()``: every message.

Mailgun calls the patterns regular expressions and does not say how they are anchored; all its
examples (``"foo@bar.com"``, ``".*@gmail.com"``, ``"(.*)(urgent|help|asap)(.*)"``) read as a
match of the whole value, so the whole value must match here (``re.fullmatch``). Addresses
compare case-insensitively (the domain part always is); header values as the pattern says
(write ``(?i)`` for case-insensitive). A pattern that is not a valid regular expression matches
nothing. Routes are evaluated in ascending priority, ties in creation order; every matching
route's actions run, until one whose actions include ``stop()``.
"""
from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Optional

RECIPIENT = re.compile(r'^match_recipient\("(?P<pattern>.*)"\)$', re.S)
HEADER = re.compile(r'^match_header\("(?P<name>[^"]+)",\s*"(?P<pattern>.*)"\)$', re.S)
FORWARD = re.compile(r'^forward\("(?P<destinations>.*)"\)$', re.S)
STORE = re.compile(r'^store\((?:notify="(?P<notify>.*)")?\)$', re.S)


def _fullmatch(pattern: str, value: str, flags: int = 0) -> bool:
    try:
        return re.fullmatch(pattern, value, flags | re.S) is not None
    except re.error:
        return False


def matches(expression: str, recipient: str, message: EmailMessage) -> bool:
    expression = expression.strip()
    if expression == "catch_all()":
        return True
    if found := RECIPIENT.match(expression):
        return _fullmatch(found["pattern"], recipient, re.I)
    if found := HEADER.match(expression):
        return any(_fullmatch(found["pattern"], str(value)) for value in message.get_all(found["name"]) or [])
    return False


def action(text: str) -> tuple[str, Optional[str]]:
    """(``forward`` | ``store`` | ``stop``, its argument) of one action string."""
    text = text.strip()
    if found := FORWARD.match(text):
        return "forward", found["destinations"]
    if found := STORE.match(text):
        return "store", found["notify"]
    if text == "stop()":
        return "stop", None
    raise ValueError(f"unknown route action {text!r}")


def destinations(argument: str) -> list[str]:
    """``forward("http://a/x, b@c")`` → both destinations (Mailgun allows several, comma-separated)."""
    return [d.strip() for d in argument.split(",") if d.strip()]
