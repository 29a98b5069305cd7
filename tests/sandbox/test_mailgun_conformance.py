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


# KeyInfoResp / KeyInfoSecretResp: the three dates' own pattern (UTC, no offset), required fields
ISO_NO_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
KEY = {"id": str, "description": str, "kind": str, "role": str, "created_at": str, "updated_at": str,
       "is_disabled": bool, "domain_name": (str, type(None)), "requestor": (str, type(None)),
       "user_name": (str, type(None))}
# DomainKeyResponse and its dns_record (github.com-mailgun-domains-client-golang-Record: required)
DOMAIN_KEY = {"signing_domain": str, "selector": str, "dns_record": dict}
KEY_RECORD = {"is_active": bool, "cached": list, "record_type": str, "valid": str, "value": str, "name": str}
UPDATE_DOMAIN_KEY = {"message": str, "authority": str, "selector": str, "active": bool}


def _dates(key: dict, what: str) -> None:
    for field in ("created_at", "updated_at", "expires_at"):
        if field in key:  # expires_at is optional; when present it has the same pattern
            assert isinstance(key[field], str) and ISO_NO_OFFSET.match(key[field]), f"{what}.{field}: {key[field]!r}"


def test_api_key_answers_have_the_specs_date_pattern(client, unique):
    created = client.request("POST", "/v1/keys", data={"role": "basic", "description": unique, "expiration": "3600"})
    _shape(created, {"message": str, "key": dict}, "POST /v1/keys")  # CreateKeyResp
    _shape(created["key"], {**KEY, "secret": str}, "KeyInfoSecretResp")
    _dates(created["key"], "KeyInfoSecretResp")
    assert "expires_at" in created["key"]
    listed = client.request("GET", "/v1/keys")  # KeysResp
    _shape(listed, {"total_count": int, "items": list}, "GET /v1/keys")
    for item in listed["items"]:
        _shape(item, KEY, "KeyInfoResp")
        _dates(item, "KeyInfoResp")
        assert "secret" not in item
        assert item.get("disabled_reason", "") is not None  # optional string: absent, never null


def test_domain_key_answers(client, unique):
    name = f"mail.{unique}.com"
    client.create_domain(name, 1024, dkim_selector="mg", force_dkim_authority=True)
    created = client.request("POST", "/v1/dkim/keys", data={"signing_domain": name, "selector": "s2", "bits": "2048"})
    _shape(created, DOMAIN_KEY, "POST /v1/dkim/keys")  # DomainKeyResponse
    _shape(created["dns_record"], KEY_RECORD, "DomainKeyResponse.dns_record")
    assert created["dns_record"]["name"] == f"s2._domainkey.{name}" and created["dns_record"]["value"].startswith("k=rsa; p=")
    authority = client.request("GET", f"/v4/domains/{name}/keys")  # AuthorityKeysResponse: items, no paging
    _shape(authority, {"items": list}, "GET /v4/domains/{authority}/keys")
    assert [(k["selector"], k["dns_record"]["is_active"]) for k in authority["items"]] == [("mg", True), ("s2", False)]
    for item in authority["items"]:
        _shape(item, DOMAIN_KEY, "AuthorityKeysResponse item")
        _shape(item["dns_record"], KEY_RECORD, "AuthorityKeysResponse item.dns_record")
    everywhere = client.request("GET", "/v1/dkim/keys", params={"signing_domain": name})  # DomainKeyListResponse
    _shape(everywhere, {"items": list, "paging": dict}, "GET /v1/dkim/keys")
    _shape(everywhere["paging"], {"previous": str, "first": str, "next": str, "last": str}, "PagingResponse")
    # activate refuses a key whose record is not published yet ("dns records must be valid")
    with pytest.raises(Exception, match="400"):
        client.request("PUT", f"/v4/domains/{name}/keys/s2/activate")
    deactivated = client.request("PUT", f"/v4/domains/{name}/keys/s2/deactivate")  # UpdateDomainKeyResp
    _shape(deactivated, UPDATE_DOMAIN_KEY, "PUT …/deactivate")
    assert deactivated["message"] == "domain key deactivated" and deactivated["active"] is False
    with pytest.raises(Exception, match="must have at least one active domain key"):
        client.request("DELETE", "/v1/dkim/keys", params={"signing_domain": name, "selector": "mg"})
    deleted = client.request("DELETE", "/v1/dkim/keys", params={"signing_domain": name, "selector": "s2"})
    _shape(deleted, {"message": str}, "DELETE /v1/dkim/keys")
    with pytest.raises(Exception, match="domain key not found"):
        client.request("DELETE", "/v1/dkim/keys", params={"signing_domain": name, "selector": "s2"})
    renamed = client.request("PUT", f"/v3/domains/{name}/dkim_selector", params={"dkim_selector": "k1"})
    assert renamed == {"message": "DKIM selector changed"}
    assert client.get_domain(name)["sending_dns_records"][1]["name"] == f"k1._domainkey.{name}"


def test_automatic_sender_security_rotation_answers(client, unique):
    name = f"mail.{unique}.com"
    client.create_domain(name, 1024, use_automatic_sender_security=True)
    path = f"/v1/dkim_management/domains/{name}/rotation"
    with pytest.raises(Exception, match="at least 5 days"):
        client.request("PUT", path, data={"rotation_enabled": "true", "rotation_interval": "4d"})
    with pytest.raises(Exception, match="not allowed unless also enabling"):
        client.request("PUT", path, data={"rotation_enabled": "false", "rotation_interval": "5d"})
    answer = client.request("PUT", path, data={"rotation_enabled": "true", "rotation_interval": "5d"})
    assert answer["rotation_enabled"] == "true" and answer["rotation_interval"] == "5d"
    assert client.request("POST", f"/v1/dkim_management/domains/{name}/rotate") == {"message": "ok"}
