"""mailgun-setup: Mailgun subdomains, SMTP senders and inbound routes as Pulumi resources, with
their DNS records written into Route 53 or Cloudflare (or put on a sheet) and verified.

    import pulumi, mailgun_setup as mg

    domain = mg.MailgunDomain("mail", name="mail.company.com", receiving=True, dns="route53")
    support = mg.SenderIdentity("support", domain=domain, username="support@mail.company.com")
    mg.ReceiverRoute("support", sender=support, actions=['forward("https://helpdesk.example/in")'])
    pulumi.export("smtp", domain.smtp_host)

Credentials come from stack config (``mailgun-setup:apiKey``, ``mailgun-setup:cloudflareApiToken``,
both ``--secret``) or the usual environment (``MAILGUN_API_KEY``, AWS's chain,
``CLOUDFLARE_API_TOKEN``). Misuse raises :class:`UsageError` while the program runs, so
``pulumi preview`` fails before anything is written.
"""
from importlib import metadata as _metadata

from .dmarc import Dmarc
from .errors import ConfigError, MailgunSetupError, UsageError, VerificationError
from .mailgun.facts import FAILED, IN_PROGRESS, UNVERIFIED, VERIFIED
from .resources.mailgun_domain import MailgunDomain
from .resources.api_key import ApiKey
from .resources.route import ReceiverRoute
from .resources.sender import SenderIdentity
from .resources.webhook import Webhook

try:
    __version__ = _metadata.version("mailgun-setup")  # written once, in pyproject.toml
except _metadata.PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "MailgunDomain", "SenderIdentity", "ReceiverRoute", "Webhook", "ApiKey", "Dmarc",
    "MailgunSetupError", "ConfigError", "UsageError", "VerificationError",
    "UNVERIFIED", "IN_PROGRESS", "VERIFIED", "FAILED",
]
