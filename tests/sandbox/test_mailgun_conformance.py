"""Every Mailgun emulator answer our client relies on, checked against Mailgun's OpenAPI spec
(API 3.0.0, as published in mailgun/mailgun-mcp-server src/openapi.yaml): required fields,
their JSON types, and the date formats the spec gives. Extra fields are allowed (the real API
sends more than the spec lists); a missing required field or a wrong type is not."""
import re

import pytest

from mailgun_setup.mailgun.client import MailgunClient, api_key_from_env

RFC1123 = re.compile(r"^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} (GMT|UTC)$")
# CredentialMetadata.created_at: "RFC 2822 format with numeric timezone offset", the spec's own pattern
RFC2822_NUMERIC = re.compile(r"^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}$")

# github.com-mailgun-domains-client-golang-Domain: required
DOMAIN = {"created_at": str, "id": str, "is_disabled": bool, "name": str, "require_tls": bool,
          "skip_verification": bool, "smtp_login": str, "spam_action": str, "state": str, "type": str,
          "use_automatic_sender_security": bool, "web_prefix": str, "web_scheme": str, "wildcard": bool,
          "encrypt_incoming_message": bool, "message_ttl": int}
# github.com-mailgun-domains-client-golang-Record: required (+ name, which our client reads for every record)
RECORD = {"is_active": bool, "cached": list, "record_type": str, "valid": str, "value": str, "name": str}
CREDENTIAL = {"mailbox": str, "login": str, "created_at": str, "size_bytes": (str, type(None))}


def _shape(data: dict, fields: dict, what: str) -> None:
    missing = [k for k in fields if k not in data]
    assert not missing, f"{what}: required fields missing: {missing}"
    wrong = {k: type(data[k]).__name__ for k, t in fields.items() if not isinstance(data[k], t)
             or (t is int and isinstance(data[k], bool))}
    assert not wrong, f"{what}: wrong JSON types: {wrong}"


def _domain_answer(body: dict, required: tuple, what: str) -> None:
    _shape(body, {k: (dict if k == "domain" else list if k.endswith("records") else str) for k in required}, what)
    _shape(body["domain"], DOMAIN, f"{what}.domain")
    assert RFC1123.match(body["domain"]["created_at"]), body["domain"]["created_at"]
    for record in (body.get("sending_dns_records") or []) + (body.get("receiving_dns_records") or []):
        _shape(record, RECORD, f"{what} record {record.get('record_type')}")
        assert record["valid"] in ("valid", "invalid", "unknown")
        if record["record_type"] == "MX":
            assert isinstance(record.get("priority"), str)  # Record.priority: string


@pytest.fixture
def client(sandbox_env):
    return MailgunClient(api_key_from_env(), "us")


def test_domain_answers(client, unique):
    name = f"mail.{unique}.com"
    # CreateDomainResp, FindDomainByNameResp, UpdateDomainResp, VerifyDomainResponse
    _domain_answer(client.create_domain(name, 1024, 86400), ("message", "domain", "receiving_dns_records",
                                                              "sending_dns_records"), "POST /v4/domains")
    _domain_answer(client.get_domain(name), ("domain",), "GET /v4/domains/{name}")
    _domain_answer(client.update_domain(name, message_ttl=0), ("message", "domain"), "PUT /v4/domains/{name}")
    _domain_answer(client.verify_domain(name), ("message", "domain", "sending_dns_records", "receiving_dns_records"),
                   "PUT /v4/domains/{name}/verify")
    listed = client.request("GET", "/v4/domains", params={"limit": 1000})  # ListDomainResponse
    _shape(listed, {"total_count": int, "items": list}, "GET /v4/domains")
    for item in listed["items"]:
        _shape(item, DOMAIN, "GET /v4/domains item")
    deleted = client.request("DELETE", f"/v3/domains/{name}")  # GenericResponse
    _shape(deleted, {"message": str}, "DELETE /v3/domains/{name}")


def test_mx_records_carry_their_name(client, unique):
    name = f"mail.{unique}.com"
    mx = client.create_domain(name, 1024)["receiving_dns_records"]
    assert [(r["name"], r["value"]) for r in mx] == [(name, "mxa.mailgun.org"), (name, "mxb.mailgun.org")]


def test_credential_answers(client, unique):
    name = f"mail.{unique}.com"
    client.create_domain(name, 1024)
    created = client.request("POST", f"/v3/domains/{name}/credentials", data={"login": f"a@{name}"})
    _shape(created, {"message": str, "credentials": dict}, "POST credentials")  # CreateCredsResp
    listed = client.request("GET", f"/v3/domains/{name}/credentials")  # ListCredsResp
    _shape(listed, {"items": list, "total_count": int}, "GET credentials")
    (item,) = listed["items"]
    _shape(item, CREDENTIAL, "CredentialMetadata")
    assert RFC2822_NUMERIC.match(item["created_at"]), item["created_at"]
    deleted = client.request("DELETE", f"/v3/domains/{name}/credentials/a@{name}")  # DeleteCredsResp
    _shape(deleted, {"message": str, "spec": str}, "DELETE credential")


def test_tracking_answer(client, unique):
    name = f"mail.{unique}.com"
    client.create_domain(name, 1024)
    tracking = client.request("GET", f"/v3/domains/{name}/tracking")["tracking"]  # GetDomainTrackingResp
    _shape(tracking, {"open": dict, "click": dict, "unsubscribe": dict, "web_scheme": str}, "trackingSettings")
    _shape(tracking["open"], {"active": bool, "place_at_the_top": bool}, "openSettings")
    _shape(tracking["click"], {"active": bool}, "clickSettings")
    _shape(tracking["unsubscribe"], {"active": bool, "html_footer": str, "text_footer": str}, "unsubscribeSettings")


def test_route_answers(client, unique):
    """Routes: the fields our client reads (id, priority, description, expression, actions)."""
    route = client.create_route(2, "d", f'match_recipient("a@mail.{unique}.com")', ['forward("http://h/")'])
    fields = {"id": str, "priority": int, "description": str, "expression": str, "actions": list, "created_at": str}
    _shape(route, fields, "POST /v3/routes route")
    _shape(client.get_route(route["id"]), fields, "GET /v3/routes/{id} route")
    listed = client.request("GET", "/v3/routes")
    _shape(listed, {"total_count": int, "items": list}, "GET /v3/routes")
