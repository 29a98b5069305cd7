"""HTTP layer of the Cloudflare emulator: the ``{success, errors, messages, result}`` envelope under /client/v4."""
from __future__ import annotations

import json

from flask import Flask, g, jsonify, request

from .models import CloudflareBackend, CloudflareError, ValidationError

PREFIX = "/client/v4"
MAX_PER_PAGE = 5000  # DNS records
ZONE_PAGES = {"default": 20, "least": 5, "most": 50}  # GET /zones: per_page 5..50, 20 by default


def envelope(result, result_info=None, status: int = 200):
    body = {"success": True, "errors": [], "messages": [], "result": result}
    if result_info is not None:
        body["result_info"] = result_info
    return jsonify(body), status


def error_body(code: int, message: str) -> dict:
    return {"success": False, "errors": [{"code": code, "message": message}], "messages": [], "result": None}


def render_injected_error(status: int, code) -> tuple[bytes, str]:
    """Used by the fault injector so injected errors look like Cloudflare's."""
    return json.dumps(error_body(int(code or 10000 + status), f"injected fault {status}")).encode(), "application/json"


def _page(items: list, serialise, default: int = 100, least: int = 1, most: int = MAX_PER_PAGE):
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", default))
    except ValueError:
        raise ValidationError("page and per_page must be integers", 1004) from None
    if page < 1 or not least <= per_page <= most:
        raise ValidationError(f"page must be 1 or more and per_page between {least} and {most}", 1004)
    chunk = items[(page - 1) * per_page: page * per_page]
    total_pages = max(1, -(-len(items) // per_page))
    info = {"page": page, "per_page": per_page, "count": len(chunk), "total_count": len(items),
            "total_pages": total_pages}
    return envelope([serialise(item) for item in chunk], info)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError("Request body must be a JSON object", 9207)
    return body


def create_app(backend: CloudflareBackend) -> Flask:
    app = Flask("cloudflare")

    @app.errorhandler(CloudflareError)
    def _cf_error(exc: CloudflareError):
        return jsonify(error_body(exc.code, exc.message)), exc.status

    @app.errorhandler(404)
    def _no_route(_exc):
        return jsonify(error_body(7000, "No route for that URI")), 404

    @app.errorhandler(405)
    def _bad_method(_exc):
        return jsonify(error_body(10405, "Method not allowed for this endpoint")), 405

    @app.before_request
    def _auth():
        g.token = backend.authenticate(request.headers.get("Authorization", ""))
        zone_id = (request.view_args or {}).get("zone_id")
        if zone_id:
            backend.authorize(g.token, zone_id)

    @app.get(f"{PREFIX}/zones")
    def list_zones():
        zones = [z for z in backend.list_zones(request.args.get("name")) if backend.may_use(g.token, z)]
        return _page(zones, lambda z: z.to_json(), **ZONE_PAGES)

    @app.post(f"{PREFIX}/zones")
    def create_zone():
        body = _json_body()
        account = body.get("account") or {}
        return envelope(backend.create_zone(body.get("name"), account.get("id") or "sandbox-account").to_json())

    @app.get(f"{PREFIX}/zones/<zone_id>")
    def get_zone(zone_id):
        return envelope(backend.get_zone(zone_id).to_json())

    @app.delete(f"{PREFIX}/zones/<zone_id>")
    def delete_zone(zone_id):
        backend.delete_zone(zone_id)
        return envelope({"id": zone_id})

    @app.get(f"{PREFIX}/zones/<zone_id>/dns_records")
    def list_records(zone_id):
        filters = {key: value for key, value in request.args.items()
                   if key.split(".")[0] in ("name", "type", "content", "comment")}
        return _page(backend.list_records(zone_id, filters), lambda r: r.to_json())

    @app.post(f"{PREFIX}/zones/<zone_id>/dns_records")
    def create_record(zone_id):
        return envelope(backend.create_record(zone_id, _json_body()).to_json())

    @app.get(f"{PREFIX}/zones/<zone_id>/dns_records/<record_id>")
    def get_record(zone_id, record_id):
        return envelope(backend.get_record(zone_id, record_id).to_json())

    @app.put(f"{PREFIX}/zones/<zone_id>/dns_records/<record_id>")
    def put_record(zone_id, record_id):
        return envelope(backend.update_record(zone_id, record_id, _json_body(), partial=False).to_json())

    @app.patch(f"{PREFIX}/zones/<zone_id>/dns_records/<record_id>")
    def patch_record(zone_id, record_id):
        return envelope(backend.update_record(zone_id, record_id, _json_body(), partial=True).to_json())

    @app.delete(f"{PREFIX}/zones/<zone_id>/dns_records/<record_id>")
    def delete_record(zone_id, record_id):
        return envelope({"id": backend.delete_record(zone_id, record_id).id})

    @app.post(f"{PREFIX}/zones/<zone_id>/dns_records/batch")
    def batch(zone_id):
        return envelope(backend.batch(zone_id, _json_body()))

    return app
