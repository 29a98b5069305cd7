"""Mailgun facts, in one place: regions and their hosts, statuses, limits, expression syntax.

Sources: Mailgun's API reference (its OpenAPI spec) and help centre. Everything that is
"what Mailgun is" rather than "what we do" lives here, so a change of fact is a one-line change.
"""
from __future__ import annotations

REGIONS = ("us", "eu")
DEFAULT_REGION = "us"
SMTP_HOSTS = {"us": "smtp.mailgun.org", "eu": "smtp.eu.mailgun.org"}
MX_HOSTS = {"us": ("mxa.mailgun.org", "mxb.mailgun.org"), "eu": ("mxa.eu.mailgun.org", "mxb.eu.mailgun.org")}
MX_PRIORITY = 10
TRACKING_TARGETS = {"us": "mailgun.org", "eu": "eu.mailgun.org"}
TRACKING_PREFIX = "email"  # Mailgun's default web_prefix: the tracking CNAME is email.<domain>

AUTOMATIC_SENDER_SECURITY_SELECTORS = ("pdk1", "pdk2")  # DKIM as CNAMEs to keys Mailgun hosts and rotates
DKIM_KEY_LENGTHS = (1024, 2048)
DEFAULT_DKIM_KEY_LENGTH = 1024
DEFAULT_DKIM_SELECTOR = "mg"  # the selector of a DEFAULT_DKIM_KEY_LENGTH key when none is declared


def dkim_selector_for(key_length: int) -> str:
    """The DKIM selector of a domain that declares none: ``mg`` for the default 1024-bit key, ``mg<bits>``
    for any other length (``mg2048``). A length change alone therefore moves the key to a new selector,
    which is what lets Mailgun hold the old and the new key side by side while it rotates; and the
    record's name follows from the inputs, so preview shows it."""
    return DEFAULT_DKIM_SELECTOR if key_length == DEFAULT_DKIM_KEY_LENGTH else f"{DEFAULT_DKIM_SELECTOR}{key_length}"
MIN_DKIM_ROTATION_DAYS = 5  # automatic sender security: Mailgun's shortest rotation interval
# Domain settings a domain may declare (PUT /v4/domains/{name} changes them in place); None leaves Mailgun's.
SPAM_ACTIONS = ("disabled", "block", "tag")
WEB_SCHEMES = ("http", "https")  # tracking links over plain HTTP or HTTPS
RETENTION_DAYS = (0, 1, 3, 7)  # message retention choices (Mailgun's message_ttl, in days)

# Limits: per stack (the field's "at most 5 subdomains per bot") and Mailgun's per subdomain.
MAX_DOMAINS = 5
MAX_SENDERS = 10
MAX_ROUTES = 10
PASSWORD_LENGTH = (5, 32)
PRIORITY_RANGE = (0, 32767)
MAX_DESCRIPTION = 255



def generated_password() -> str:
    """A new SMTP password as long as Mailgun allows, for a login whose generated one cannot be read back."""
    import secrets
    return secrets.token_urlsafe(32)[:PASSWORD_LENGTH[1]]


# Verification statuses, as the product shows them.
UNVERIFIED = "Unverified"
IN_PROGRESS = "Verification in Progress"
VERIFIED = "Verified"
FAILED = "Verification Failed"


def retention_seconds(days: int) -> int:
    """Mailgun's ``message_ttl`` for a retention in days."""
    return days * 86400


def smtp_host(region: str) -> str:
    return SMTP_HOSTS[region]


def match_recipient(recipient: str) -> str:
    """The Mailgun route expression for one recipient."""
    return f'match_recipient("{recipient}")'


def recipient_of(expression: str) -> str:
    """The recipient of a ``match_recipient("...")`` expression, '' for any other expression."""
    prefix = 'match_recipient("'
    return expression[len(prefix):-2] if expression.startswith(prefix) and expression.endswith('")') else ""
