"""Start and stop the whole sandbox in this process, on free loopback ports."""
from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from typing import Optional

from werkzeug.serving import WSGIRequestHandler, make_server

from .errors import SandboxError
from .lookup import DnsLookup
from . import route53
from .cloudflare import responses as cloudflare_responses
from .cloudflare.models import CloudflareBackend
from .dns_server import CloudflareSource, Route53Source, SandboxDnsServer
from .faults import ControlledApp, ServiceControl
from .mailgun import responses as mailgun_responses
from .mailgun.models import MailgunBackend
from .mailgun.verification import check_record
from .mail.servers import MailServers
from .ratelimit import RateLimit, RateLimitedApp, cloudflare_refusal, mailgun_refusal, route53_refusal

HOST = "127.0.0.1"
MAILGUN_API_KEY = "sandbox-mailgun-key"
CLOUDFLARE_API_TOKEN = "sandbox-cloudflare-token"
AWS_DUMMY = {"AWS_ACCESS_KEY_ID": "sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox-secret",
             "AWS_DEFAULT_REGION": "us-east-1"}


class QuietRequestHandler(WSGIRequestHandler):
    """No access log on stderr: the request log lives in each service's ServiceControl."""

    def log_request(self, *args, **kwargs) -> None:
        pass


def free_port(host: str = HOST) -> int:
    """A port free for both TCP and UDP (the DNS server needs both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind((host, 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind((host, port))
                except OSError:
                    continue
                return port
    raise SandboxError("no free port for both TCP and UDP on loopback")


def _with_rate_limit(settings, limit: RateLimit):
    """A settings handler taking ``rate_limit`` for ``limit`` and everything else for ``settings``."""
    def handle(changes: dict) -> dict:
        rest = {k: v for k, v in changes.items() if k != "rate_limit"}
        result = dict(settings(rest))
        result.update(limit.settings(changes))
        return result
    return handle


@dataclass
class _HttpService:
    name: str
    control: ServiceControl
    server: object
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"


class Sandbox:
    """Mailgun (US, EU), Route 53, Cloudflare and an authoritative DNS server, all on loopback."""

    def __init__(self, host: str = HOST, mailgun_api_key: str = MAILGUN_API_KEY,
                 cloudflare_token: str = CLOUDFLARE_API_TOKEN):
        self.host = host
        self.mailgun_api_key = mailgun_api_key
        self.cloudflare_token = cloudflare_token
        self.cloudflare = CloudflareBackend({cloudflare_token})
        self.mailgun: Optional[MailgunBackend] = None
        self.dns: Optional[SandboxDnsServer] = None
        self.mail: Optional[MailServers] = None
        self.services: dict[str, _HttpService] = {}
        # One limit per account, off by default; Mailgun's US and EU APIs share theirs.
        self.rate_limits = {"mailgun": RateLimit(), "route53": RateLimit(), "cloudflare": RateLimit()}

    # --- lifecycle ----------------------------------------------------------
    def start(self) -> "Sandbox":
        try:
            self.dns = SandboxDnsServer([Route53Source(), CloudflareSource(self.cloudflare)], self.host,
                                        free_port(self.host))
            self.dns.start()
            lookup = DnsLookup(self.host, self.dns.port, lifetime=3.0)
            self.mailgun = MailgunBackend({self.mailgun_api_key},
                                          check_record=lambda record: check_record(lookup, record))
            limits = self.rate_limits
            mailgun_settings = _with_rate_limit(self.mailgun.settings, limits["mailgun"])
            for region in ("us", "eu"):
                self._serve(f"mailgun-{region}", RateLimitedApp(mailgun_responses.create_app(self.mailgun, region),
                                                                limits["mailgun"], mailgun_refusal),
                            settings=mailgun_settings)
            self._serve("cloudflare", RateLimitedApp(cloudflare_responses.create_app(self.cloudflare),
                                                     limits["cloudflare"], cloudflare_refusal),
                        cloudflare_responses.render_injected_error, settings=limits["cloudflare"].settings)
            # moto's server also answers S3 (a Pulumi state bucket); only Route 53 paths are throttled.
            self._serve("route53", RateLimitedApp(route53.create_app(), limits["route53"], route53_refusal,
                                                  exempt=lambda path: not path.startswith("/2013-04-01/")),
                        route53.render_injected_error, settings=limits["route53"].settings)
            # mail: SMTP submission per region and the inbound MX (sandbox/mail)
            self.mail = MailServers(self.mailgun, self.host, free_port).start()
            self.mail.mail.api_urls.update({region: self.url(f"mailgun-{region}") for region in ("us", "eu")})
        except Exception:
            self.stop()
            raise
        return self

    def _serve(self, name: str, app, render_error=None, settings=None) -> None:
        control = ServiceControl(name)
        server = make_server(self.host, 0, ControlledApp(app, control, render_error, settings), threaded=True,
                             request_handler=QuietRequestHandler)
        thread = threading.Thread(target=server.serve_forever, name=f"sandbox-{name}", daemon=True)
        thread.start()
        self.services[name] = _HttpService(name, control, server, thread)

    def stop(self) -> None:
        for service in self.services.values():
            service.server.shutdown()
            service.server.server_close()
        self.services.clear()
        if self.mail:
            self.mail.stop()
            self.mail = None
        if self.dns:
            self.dns.stop()
            self.dns = None

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what clients need ----------------------------------------------------
    def url(self, service: str) -> str:
        return self.services[service].url

    def control(self, service: str) -> ServiceControl:
        return self.services[service].control

    @property
    def nameservers(self) -> str:
        return f"{self.host}:{self.dns.port}"

    def env(self) -> dict[str, str]:
        """The variables that point every client at the sandbox, with dummy credentials."""
        return {
            "AWS_ENDPOINT_URL_ROUTE_53": self.url("route53"),
            **AWS_DUMMY,
            "CLOUDFLARE_BASE_URL": self.url("cloudflare") + "/client/v4",
            "CLOUDFLARE_API_TOKEN": self.cloudflare_token,
            "MAILGUN_API_URL_US": self.url("mailgun-us"),
            "MAILGUN_API_URL_EU": self.url("mailgun-eu"),
            "MAILGUN_API_KEY": self.mailgun_api_key,
            "MAILGUN_SETUP_NAMESERVERS": self.nameservers,
            "MAILGUN_SETUP_SMTP_US": self.mail.address("smtp-us"),
            "MAILGUN_SETUP_SMTP_EU": self.mail.address("smtp-eu"),
            "MAILGUN_SETUP_MX": self.mail.address("mx"),
        }

    def request_log(self, service: str) -> list:
        return self.control(service).requests()

    def clear_request_logs(self) -> None:
        for service in self.services.values():
            service.control.clear_requests()

    def write_calls(self) -> dict[str, int]:
        """Requests that could change state (anything but GET/HEAD), per service."""
        return {name: sum(1 for r in svc.control.requests() if r.method not in ("GET", "HEAD"))
                for name, svc in self.services.items()}


__all__ = ["Sandbox", "free_port"]
