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
from .dmarc import Dmarc
from .dns.custom import CustomDns, RecordRequest
from .errors import ConfigError, MailgunSetupError, UsageError, VerificationError
from .mailgun.facts import FAILED, IN_PROGRESS, UNVERIFIED, VERIFIED
from .resources.mailgun_domain import MailgunDomain
from .resources.api_key import ApiKey
from .resources.lookup import get_domain
from .resources.route import ReceiverRoute
from .resources.sender import SenderIdentity
from .resources.signing_key import WebhookSigningKey
from .resources.webhook import Webhook

__version__ = "0.2.0"

__all__ = [
    "MailgunDomain", "SenderIdentity", "ReceiverRoute", "Webhook", "WebhookSigningKey", "ApiKey", "Dmarc",
    "get_domain", "CustomDns", "RecordRequest",
    "MailgunSetupError", "ConfigError", "UsageError", "VerificationError",
    "UNVERIFIED", "IN_PROGRESS", "VERIFIED", "FAILED",
]
