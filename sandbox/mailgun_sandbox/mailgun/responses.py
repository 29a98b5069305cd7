"""HTTP layer of the Mailgun emulator: parse a request, call the model, shape the JSON.

One Flask app per region (US, EU); both share one :class:`MailgunBackend`.
"""
from __future__ import annotations

from flask import Flask, jsonify, request

from . import domain_keys, keys, messages
from ..mail import http as mail_http
from .models import BadRequest, MailgunBackend, MailgunError

TRUE_WORDS = {"true", "yes", "1", "on"}
FALSE_WORDS = {"false", "no", "0", "off"}


def _bool(name: str, value):
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise BadRequest(f"{name} must be true or false")


def _int(name: str, value, default=None):
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be an integer") from None


def _field(name: str):
    return request.form.get(name, request.args.get(name))


def _paging(default_limit: int = 100, max_limit: int = 1000) -> tuple[int, int]:
    skip = _int("skip", request.args.get("skip"), 0)
    limit = _int("limit", request.args.get("limit"), default_limit)
    if limit < 1 or limit > max_limit or skip < 0:
        raise BadRequest(f"limit must be between 1 and {max_limit}, skip zero or more")
    return skip, limit


def _domain_payload(domain, message: str | None = None) -> dict:
    payload = {
        "domain": domain.to_json(),
        "sending_dns_records": [r.to_json() for r in domain.sending_records()],
        "receiving_dns_records": [r.to_json() for r in domain.receiving_records()],
    }
    if message:
        payload["message"] = message
    return payload


UNSUBSCRIBE_HTML_FOOTER = '\n<br>\n<p><a href="%unsubscribe_url%">unsubscribe</a></p>\n'
UNSUBSCRIBE_TEXT_FOOTER = "\n\nTo unsubscribe click: <%unsubscribe_url%>\n\n"


def _tracking_setting(kind: str, active: bool) -> dict:
    """One tracking kind with the fields the spec requires (trackingSettings)."""
    if kind == "open":
        return {"active": active, "place_at_the_top": False}
    if kind == "unsubscribe":
        return {"active": active, "html_footer": UNSUBSCRIBE_HTML_FOOTER, "text_footer": UNSUBSCRIBE_TEXT_FOOTER}
    return {"active": active}


def create_app(backend: MailgunBackend, region: str) -> Flask:
    app = Flask(f"mailgun-{region}")

    @app.errorhandler(MailgunError)
    def _mailgun_error(exc: MailgunError):
        key = "Reason" if "/webhooks" in request.path else "message"
        return jsonify({key: exc.message}), exc.status

    @app.errorhandler(404)
    def _no_route(_exc):
        return jsonify({"message": "Not Found"}), 404

    @app.errorhandler(405)
    def _bad_method(_exc):
        return jsonify({"message": "Method not allowed"}), 405

    @app.before_request
    def _auth():
        auth = request.authorization
        keys.authorize(backend, auth.username if auth else None, auth.password if auth else None,
                       request.method, request.path)

    keys.register(app, backend)
    messages.register(app, backend, region)
    domain_keys.register(app, backend, region)
    mail_http.register(app, backend, region)  # signing key, stored messages, events

    # --- domains ----------------------------------------------------------
    # Only the paths of Mailgun's API 3.0.0 spec: list/create/get/update/verify under /v4,
    # delete under /v3. (There is no /v3 list, create, get, update or verify.)
    @app.post("/v4/domains")
    def create_domain():
        name = _field("name")
        if not name:
            raise BadRequest("name is required")
        domain = backend.create_domain(
            region, name,
            dkim_key_size=_int("dkim_key_size", _field("dkim_key_size"), 1024),
            dkim_selector=_field("dkim_selector") or "",
            web_prefix=_field("web_prefix") or "email",
            message_ttl=_int("message_ttl", _field("message_ttl")),
            spam_action=_field("spam_action"),
            wildcard=_bool("wildcard", _field("wildcard")),
            force_dkim_authority=_bool("force_dkim_authority", _field("force_dkim_authority")),
            web_scheme=_field("web_scheme"),
            smtp_password=_field("smtp_password"),
            require_tls=_bool("require_tls", _field("require_tls")),
            skip_verification=_bool("skip_verification", _field("skip_verification")),
            use_automatic_sender_security=_bool("use_automatic_sender_security",
                                                _field("use_automatic_sender_security")),
            encrypt_incoming_message=_bool("encrypt_incoming_message", _field("encrypt_incoming_message")),
        )
        return jsonify(_domain_payload(domain, "Domain DNS records have been created"))

    @app.get("/v4/domains")
    def list_domains():
        skip, limit = _paging()
        total, items = backend.list_domains(region, skip, limit)
        return jsonify({"total_count": total, "items": [d.to_json() for d in items]})

    @app.get("/v4/domains/<name>")
    def get_domain(name):
        return jsonify(_domain_payload(backend.get_domain(region, name)))

    @app.put("/v4/domains/<name>")
    def update_domain(name):
        changes = {}
        for key in request.form:
            value = request.form[key]
            if key == "message_ttl":
                value = _int(key, value)
            elif key in ("require_tls", "skip_verification", "wildcard", "use_automatic_sender_security",
                         "webhooks_redact_pii"):
                value = _bool(key, value)
            changes[key] = value
        domain = backend.update_domain(region, name, changes)
        return jsonify({"message": "Domain has been updated", **_domain_payload(domain)})

    @app.put("/v4/domains/<name>/verify")
    def verify_domain(name):
        domain = backend.verify_domain(region, name)
        return jsonify(_domain_payload(domain, "Domain DNS records have been updated"))

    @app.delete("/v3/domains/<name>")
    def delete_domain(name):
        backend.delete_domain(region, name)
        return jsonify({"message": "Domain has been deleted"})

    # --- credentials ------------------------------------------------------
    @app.get("/v3/domains/<name>/credentials")
    def list_credentials(name):
        skip, limit = _paging()
        total, items = backend.list_credentials(region, name, skip, limit)
        return jsonify({"total_count": total, "items": [c.to_json() for c in items]})

    @app.post("/v3/domains/<name>/credentials")
    def create_credential(name):
        credential, generated = backend.create_credential(region, name, _field("login"), _field("password"))
        payload = {"message": "Created 1 credentials pair(s)"}
        if generated:
            payload["credentials"] = {credential.login: generated}
        return jsonify(payload)

    @app.put("/v3/domains/<name>/credentials/<login>")
    def change_password(name, login):
        backend.change_password(region, name, login, _field("password"))
        return jsonify({"message": "Password changed"})

    @app.delete("/v3/domains/<name>/credentials/<login>")
    def delete_credential(name, login):
        backend.delete_credential(region, name, login)
        return jsonify({"message": "Credentials have been deleted", "spec": login})

    @app.delete("/v3/domains/<name>/credentials")
    def delete_all_credentials(name):
        count = backend.delete_credential(region, name, None)
        return jsonify({"message": "All domain credentials have been deleted", "count": count})

    # --- routes -----------------------------------------------------------
    @app.get("/v3/routes")
    def list_routes():
        skip, limit = _paging()
        total, items = backend.list_routes(region, skip, limit)
        return jsonify({"total_count": total, "items": [r.to_json() for r in items]})

    @app.post("/v3/routes")
    def create_route():
        route = backend.create_route(
            region,
            priority=_int("priority", _field("priority"), 0),
            description=_field("description") or "",
            expression=_field("expression") or "",
            actions=request.form.getlist("action"),
        )
        return jsonify({"message": "Route has been created", "route": route.to_json()})

    @app.get("/v3/routes/<route_id>")
    def get_route(route_id):
        return jsonify({"route": backend.get_route(region, route_id).to_json()})

    @app.put("/v3/routes/<route_id>")
    def update_route(route_id):
        changes = {
            "priority": _int("priority", _field("priority")),
            "description": _field("description"),
            "expression": _field("expression"),
            "actions": request.form.getlist("action") or None,
        }
        route = backend.update_route(region, route_id, changes)
        return jsonify({"message": "Route has been updated", **route.to_json()})

    @app.delete("/v3/routes/<route_id>")
    def delete_route(route_id):
        backend.delete_route(region, route_id)
        return jsonify({"message": "Route has been deleted", "id": route_id})

    # --- webhooks ---------------------------------------------------------
    @app.get("/v3/domains/<name>/webhooks")
    def list_webhooks(name):
        hooks = backend.list_webhooks(region, name)
        return jsonify({"webhooks": {kind: {"urls": urls} for kind, urls in hooks.items()}})

    @app.post("/v3/domains/<name>/webhooks")
    def create_webhook(name):
        urls = backend.set_webhook(region, name, _field("id") or "", request.form.getlist("url"), create=True)
        return jsonify({"message": "Webhook has been created", "webhook": {"urls": urls}})

    @app.get("/v3/domains/<name>/webhooks/<kind>")
    def get_webhook(name, kind):
        return jsonify({"webhook": {"urls": backend.get_webhook(region, name, kind)}})

    @app.put("/v3/domains/<name>/webhooks/<kind>")
    def update_webhook(name, kind):
        urls = backend.set_webhook(region, name, kind, request.form.getlist("url"), create=False)
        return jsonify({"message": "Webhook has been updated", "webhook": {"urls": urls}})

    @app.delete("/v3/domains/<name>/webhooks/<kind>")
    def delete_webhook(name, kind):
        urls = backend.delete_webhook(region, name, kind)
        return jsonify({"message": "Webhook has been deleted", "webhook": {"urls": urls}})

    # --- tracking ---------------------------------------------------------
    @app.get("/v3/domains/<name>/tracking")
    def get_tracking(name):
        table = backend.get_tracking(region, name)
        settings = {kind: _tracking_setting(kind, active) for kind, active in table.items()}
        return jsonify({"tracking": {**settings, "web_scheme": backend.get_domain(region, name).web_scheme}})

    @app.put("/v3/domains/<name>/tracking/<kind>")
    def set_tracking(name, kind):
        active = _bool("active", _field("active"))
        if active is None:
            raise BadRequest("active is required")
        table = backend.set_tracking(region, name, kind, active)
        return jsonify({"message": "Domain tracking settings have been updated",
                        kind: _tracking_setting(kind, table[kind])})

    return app
