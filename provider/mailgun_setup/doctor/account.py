"""Where the domain lives at Mailgun. Domain names are global but a domain belongs to one
region; asked on the other region's host Mailgun answers 404, and sending through the wrong
host fails, so a domain found only in the other region is a finding of its own."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from ..mailgun.client import MailgunClient

OTHER = {"us": "eu", "eu": "us"}


@dataclass
class Located:
    body: Optional[dict]      # Mailgun's GET /v4/domains/{name} answer, or None
    region: Optional[str]     # where it was found


def locate(name: str, region: str, client: Callable[[str], MailgunClient]) -> Located:
    body = client(region).get_domain(name)
    if body:
        return Located(body, region)
    body = client(OTHER[region]).get_domain(name)
    return Located(body, OTHER[region] if body else None)


def in_account(name: str, client: Callable[[str], MailgunClient]) -> bool:
    return any(client(region).get_domain(name) for region in OTHER)
