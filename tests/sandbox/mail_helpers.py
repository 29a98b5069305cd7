"""What the mail tests share: a domain published and verified in the sandbox DNS, a local app that
records the calls it gets, a bounded wait, and DKIM verification against the sandbox DNS (dkimpy)."""
from __future__ import annotations

import json
import threading
import time
from urllib.parse import parse_qsl

import dkim
import requests
from werkzeug.serving import make_server

from mailgun_setup.verify.lookup import DnsLookup, parse_nameservers

from .helpers import new_r53_zone, route53, upsert


def api(env, method, path, region="us", **kwargs):
    base = env["MAILGUN_API_URL_US" if region == "us" else "MAILGUN_API_URL_EU"]
    return requests.request(method, base + path, auth=("api", env["MAILGUN_API_KEY"]), timeout=10, **kwargs)


def published_domain(env, unique, region="us", receiving=True, prefix="mail") -> tuple[str, str]:
    """A Mailgun domain whose records (receiver records too, when ``receiving``) are in a Route 53
    zone and verified: (domain, zone id)."""
    zone, domain = f"{unique}.com", f"{prefix}.{unique}.com"
    zone_id = new_r53_zone(route53(env), zone)
    body = api(env, "POST", "/v4/domains", region, data={"name": domain}).json()
    client = route53(env)
    for record in body["sending_dns_records"]:
        upsert(client, zone_id, record["name"], record["record_type"], [record["value"]])
    if receiving:
        upsert(client, zone_id, domain, "MX", [f"{r['priority']} {r['value']}" for r in body["receiving_dns_records"]])
    api(env, "PUT", f"/v4/domains/{domain}/verify", region)
    return domain, zone_id


def credential(env, domain, login, password, region="us") -> None:
    assert api(env, "POST", f"/v3/domains/{domain}/credentials", region,
               data={"login": login, "password": password}).status_code == 200


def dkim_verifies(raw: bytes, env) -> bool:
    """dkimpy's verdict, the key read from the sandbox's authoritative DNS server."""
    lookup = DnsLookup(parse_nameservers(env["MAILGUN_SETUP_NAMESERVERS"]), lifetime=3)

    def dnsfunc(name, timeout=5):
        answer = lookup.query(name.decode().rstrip("."), "TXT")
        return answer.values[0].encode() if answer.status == "ok" and answer.values else None

    return dkim.verify(raw, dnsfunc=dnsfunc)


def wait_for(predicate, timeout=10.0, what="the expected call"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Recorder:
    """A WSGI app on loopback recording each call (path, content type, parsed body); answers
    ``status``. Wrap it (``wrap``) to put a middleware such as VerifiedWebhooks in front."""

    def __init__(self, wrap=None, status="200 OK"):
        self.calls: list[dict] = []
        self.status = status
        app = wrap(self._app) if wrap else self._app
        self.server = make_server("127.0.0.1", 0, self._outer(app), threaded=True)
        self.answers: list[int] = []
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _outer(self, app):
        def outer(environ, start_response):
            def recording_start(status, headers, exc_info=None):
                self.answers.append(int(status.split()[0]))
                return start_response(status, headers, exc_info)
            return app(environ, recording_start)
        return outer

    def _app(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        kind = environ.get("CONTENT_TYPE", "")
        parsed = json.loads(body) if kind.startswith("application/json") else dict(
            parse_qsl(body.decode(), keep_blank_values=True))
        self.calls.append({"path": environ["PATH_INFO"], "type": kind, "body": parsed, "environ": environ})
        start_response(self.status, [("Content-Length", "0")])
        return [b""]

    def url(self, path="/") -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
