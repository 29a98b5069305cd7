"""The SMTP listeners: submission per region (AUTH required) and one inbound MX.

Submission (``MAILGUN_SETUP_SMTP_US`` / ``_EU``): AUTH PLAIN or LOGIN (no TLS on loopback) with
an SMTP credential of a domain of that region, checked against the hash the emulator keeps, at
each login — a password changed through the API counts at once. An unknown login or a wrong
password is ``535 5.7.8``; MAIL before AUTH is ``530 5.7.0``. The sending domain is the
login's; accepted mail goes the way of an API message (signed, stored, events).

Inbound (``MAILGUN_SETUP_MX``): RCPT TO is accepted only for a domain of the account whose
receiver (MX) records are Verified; otherwise ``550`` naming why. Each accepted recipient
then goes through the region's routes.
"""
from __future__ import annotations

import logging
import warnings
from typing import Optional

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from ..mailgun.models import MailgunBackend, MailgunError, NotFound, Unauthorized
from .system import MailSystem, mail_system

LOG = logging.getLogger("mailgun_sandbox.mail")
MECHANISMS = ("PLAIN", "LOGIN")
# AUTH without TLS is the point on loopback: keep aiosmtpd's warnings about it out of every session.
NOISE = ("auth_required == True but auth_require_tls == False", "Session.login_data is deprecated")
warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning, "aiosmtpd.smtp")


class _QuietAiosmtpd(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(NOISE)


logging.getLogger("mail.log").addFilter(_QuietAiosmtpd())


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, (bytes, bytearray)) else str(value or "")


class _Authenticator:
    def __init__(self, backend: MailgunBackend, region: str):
        self.backend, self.region = backend, region

    def __call__(self, _server, _session, _envelope, mechanism, auth_data) -> AuthResult:
        if mechanism not in MECHANISMS or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = _text(auth_data.login).strip().lower()
        try:
            self.backend.smtp_login(self.region, login, _text(auth_data.password))
        except Unauthorized:
            LOG.info("SMTP %s: login refused for %s", self.region, login)
            return AuthResult(success=False, handled=False)  # aiosmtpd answers 535 5.7.8
        return AuthResult(success=True, auth_data=login)


class _Submission:
    def __init__(self, mail: MailSystem, region: str):
        self.mail, self.region = mail, region

    async def handle_DATA(self, _server, session, envelope) -> str:
        login = _text(session.auth_data)
        domain = login.rpartition("@")[2]
        try:
            self.mail.accept(domain, self.region, _text(envelope.mail_from), [_text(r) for r in envelope.rcpt_tos],
                             envelope.original_content or envelope.content, "smtp")
        except MailgunError as exc:
            return f"554 5.7.1 {exc.message}"
        return "250 Great success"


class _Inbound:
    def __init__(self, mail: MailSystem):
        self.mail = mail

    async def handle_RCPT(self, _server, _session, envelope, address, _options) -> str:
        domain = address.rpartition("@")[2]
        try:
            self.mail.backend.receiving_domain(domain)
        except NotFound as exc:
            return f"550 5.1.2 {exc.message}"
        except MailgunError as exc:
            return f"550 5.7.1 {exc.message}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        for recipient in envelope.rcpt_tos:
            self.mail.receive(_text(recipient), _text(envelope.mail_from), raw)
        return "250 OK"


class MailServers:
    def __init__(self, backend: MailgunBackend, host: str, free_port):
        self.backend, self.host, self._free_port = backend, host, free_port
        self.mail = mail_system(backend)
        self.controllers: dict[str, Controller] = {}

    def start(self) -> "MailServers":
        for region in ("us", "eu"):
            self._start(f"smtp-{region}", _Submission(self.mail, region), authenticator=_Authenticator(
                self.backend, region), auth_required=True, auth_require_tls=False, auth_exclude_mechanism=["CRAM-MD5"])
        self._start("mx", _Inbound(self.mail))
        return self

    def _start(self, name: str, handler, **smtp) -> None:
        controller = Controller(handler, hostname=self.host, port=self._free_port(self.host),
                                server_hostname=f"{name}.sandbox", **smtp)
        controller.start()
        self.controllers[name] = controller

    def address(self, name: str) -> Optional[str]:
        controller = self.controllers.get(name)
        return f"{controller.hostname}:{controller.port}" if controller else None

    def stop(self) -> None:
        for controller in self.controllers.values():
            controller.stop()
        self.controllers.clear()
        self.mail.stop()
