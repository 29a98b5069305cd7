"""Route 53 of the sandbox: moto's server app, with our fault injection and request log around it."""
from __future__ import annotations

import io
import re
from typing import Optional
from xml.etree import ElementTree
from xml.sax.saxutils import escape

ROUTE53_XMLNS = "https://route53.amazonaws.com/doc/2013-04-01/"
DEFAULT_CODES = {400: "InvalidInput", 429: "Throttling", 500: "InternalFailure", 503: "ServiceUnavailable"}


CHANGE_BATCH_PATH = re.compile(r"^/2013-04-01/hostedzone/([^/]+)/rrset/?$")


def create_app():
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return StrictChangeBatches(DomainDispatcherApplication(create_backend_app))


class StrictChangeBatches:
    """Route 53's refusals that moto does not make; a refused batch applies nothing (InvalidChangeBatch).

    - A DELETE must repeat the record set as it stands (name, type, TTL and every value): "Tried to
      delete resource record set [name='…', type='…'] but it was not found" or "… but the values
      provided do not match the current values". moto deletes whatever has the name and type, and
      answers 200 for a set that is gone. It is what a retried batch meets when its first attempt was
      applied but the answer lost.
    - A TXT value must be one or more quoted character strings of at most 255 characters each:
      "Invalid Resource Record: FATAL problem: CharacterStringTooLong (Value is too long) encountered
      with '…'" and "… InvalidCharacterString (Value should be enclosed in quotation marks) encountered
      with '…'" (the messages users report from Route 53: boto3 issue #1462, presslabs/zinc #155,
      rusoto #1046). moto stores any text, so a splitting regression would pass without this."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        match = CHANGE_BATCH_PATH.match(environ.get("PATH_INFO", ""))
        if environ.get("REQUEST_METHOD") != "POST" or not match:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        refusal = _txt_refusal(body) or _delete_refusal(match.group(1), body)
        if refusal is None:
            return self.app(environ, start_response)
        error, _ = render_injected_error(400, "InvalidChangeBatch")
        error = error.replace(b"injected fault 400", escape(refusal).encode())
        start_response("400 Bad Request", [("Content-Type", "text/xml"), ("Content-Length", str(len(error)))])
        return [error]


def _current_sets(zone_id: str) -> Optional[dict]:
    """(name, type) -> (TTL, sorted values) of the zone as moto holds it; None if no such zone."""
    from moto.route53.models import route53_backends

    for account in list(route53_backends.values()):
        for backend in list(account.values()):
            zone = backend.zones.get(zone_id)
            if zone is not None:
                return {(r.name.lower().rstrip("."), r.type): (str(r.ttl), sorted(r.records)) for r in zone.rrsets}
    return None


def _delete_refusal(zone_id: str, body: bytes) -> Optional[str]:
    current = _current_sets(zone_id)
    if current is None:
        return None  # moto answers NoSuchHostedZone itself
    try:
        changes = ElementTree.fromstring(body).iter(f"{{{ROUTE53_XMLNS}}}Change")
    except ElementTree.ParseError:
        return None
    for change in changes:
        if change.findtext(f"{{{ROUTE53_XMLNS}}}Action") != "DELETE":
            continue
        rrset = change.find(f"{{{ROUTE53_XMLNS}}}ResourceRecordSet")
        name = (rrset.findtext(f"{{{ROUTE53_XMLNS}}}Name") or "").lower().rstrip(".")
        rtype = rrset.findtext(f"{{{ROUTE53_XMLNS}}}Type")
        said = f"Tried to delete resource record set [name='{name}.', type='{rtype}']"
        if (name, rtype) not in current:
            return f"{said} but it was not found"
        given = (rrset.findtext(f"{{{ROUTE53_XMLNS}}}TTL"),
                 sorted(v.text or "" for v in rrset.iter(f"{{{ROUTE53_XMLNS}}}Value")))
        if given != current[(name, rtype)]:
            return f"{said} but the values provided do not match the current values"
    return None


CHARACTER_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
MAX_CHARACTER_STRING = 255


def _txt_refusal(body: bytes) -> Optional[str]:
    try:
        changes = list(ElementTree.fromstring(body).iter(f"{{{ROUTE53_XMLNS}}}Change"))
    except ElementTree.ParseError:
        return None
    for change in changes:
        rrset = change.find(f"{{{ROUTE53_XMLNS}}}ResourceRecordSet")
        if change.findtext(f"{{{ROUTE53_XMLNS}}}Action") == "DELETE" or rrset is None \
                or rrset.findtext(f"{{{ROUTE53_XMLNS}}}Type") not in ("TXT", "SPF"):
            continue
        for value in (v.text or "" for v in rrset.iter(f"{{{ROUTE53_XMLNS}}}Value")):
            problem = _txt_problem(value)
            if problem:
                return f"Invalid Resource Record: FATAL problem: {problem} encountered with '{value}'"
    return None


def _txt_problem(value: str) -> Optional[str]:
    rest, strings = value.strip(), []
    while rest:
        found = CHARACTER_STRING.match(rest)
        if not found:
            return "InvalidCharacterString (Value should be enclosed in quotation marks)"
        strings.append(re.sub(r"\\(.)", r"\1", found.group(1)))
        rest = rest[found.end():].lstrip()
    if not strings:
        return "InvalidCharacterString (Value should be enclosed in quotation marks)"
    if any(len(text) > MAX_CHARACTER_STRING for text in strings):
        return "CharacterStringTooLong (Value is too long)"
    return None


def render_injected_error(status: int, code: Optional[str]) -> tuple[bytes, str]:
    """An AWS query-protocol error body, so botocore maps it to its error code (Throttling…)."""
    code = code or DEFAULT_CODES.get(status, "InternalFailure")
    kind = "Receiver" if status >= 500 else "Sender"
    body = (f'<?xml version="1.0"?>\n<ErrorResponse xmlns="{ROUTE53_XMLNS}"><Error><Type>{kind}</Type>'
            f"<Code>{code}</Code><Message>injected fault {status}</Message></Error>"
            f"<RequestId>sandbox-fault</RequestId></ErrorResponse>")
    return body.encode(), "text/xml"
