"""Route 53 of the sandbox: moto's server app, with our fault injection and request log around it."""
from __future__ import annotations

from typing import Optional

ROUTE53_XMLNS = "https://route53.amazonaws.com/doc/2013-04-01/"
DEFAULT_CODES = {400: "InvalidInput", 429: "Throttling", 500: "InternalFailure", 503: "ServiceUnavailable"}


def create_app():
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


def render_injected_error(status: int, code: Optional[str]) -> tuple[bytes, str]:
    """An AWS query-protocol error body, so botocore maps it to its error code (Throttling…)."""
    code = code or DEFAULT_CODES.get(status, "InternalFailure")
    kind = "Receiver" if status >= 500 else "Sender"
    body = (f'<?xml version="1.0"?>\n<ErrorResponse xmlns="{ROUTE53_XMLNS}"><Error><Type>{kind}</Type>'
            f"<Code>{code}</Code><Message>injected fault {status}</Message></Error>"
            f"<RequestId>sandbox-fault</RequestId></ErrorResponse>")
    return body.encode(), "text/xml"
