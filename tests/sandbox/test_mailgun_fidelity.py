"""The Mailgun emulator through the official `mailgun` SDK and plain `requests`.

Domains are created and listed through the SDK's ``domainlist`` (``/v4/domains``, the spec's
paths); the SDK has no call for GET/PUT ``/v4/domains/{name}``, so those go through requests.
Mailgun has no ``/v3`` list, create, get, update or verify of domains (only DELETE)."""
import pytest
import requests
from mailgun.client import Client

from .helpers import new_r53_zone, route53, upsert


@pytest.fixture
def us(sandbox_env):
    return Client(auth=("api", sandbox_env["MAILGUN_API_KEY"]), api_url=sandbox_env["MAILGUN_API_URL_US"])


@pytest.fixture
def eu(sandbox_env):
    return Client(auth=("api", sandbox_env["MAILGUN_API_KEY"]), api_url=sandbox_env["MAILGUN_API_URL_EU"])


def _v4(env, method, domain, suffix=""):
    """GET/PUT /v4/domains/{name}[suffix] on the US host."""
    return requests.request(method, f"{env['MAILGUN_API_URL_US']}/v4/domains/{domain}{suffix}",
                            auth=("api", env["MAILGUN_API_KEY"]))


def _publish(env, zone_id, records):
    client = route53(env)
    for record in records:
        if record["record_type"] == "MX":
            continue
        upsert(client, zone_id, record["name"], record["record_type"], [record["value"]])


def test_create_domain_gives_mailgun_shaped_records(us, unique):
    body = us.domainlist.create(data={"name": f"mail.{unique}.com", "dkim_key_size": 2048}).json()
    assert body["domain"]["state"] == "unverified" and body["domain"]["name"] == f"mail.{unique}.com"
    sending = {r["record_type"] + ":" + r["name"]: r for r in body["sending_dns_records"]}
    spf = sending[f"TXT:mail.{unique}.com"]
    assert spf["value"] == "v=spf1 include:mailgun.org ~all" and spf["valid"] == "unknown"
    dkim = next(r for k, r in sending.items() if "._domainkey." in k)
    assert dkim["value"].startswith("k=rsa; p=") and len(dkim["value"]) > 255  # a real 2048-bit key
    assert sending[f"CNAME:email.mail.{unique}.com"]["value"] == "mailgun.org"
    mx = body["receiving_dns_records"]
    assert [(r["value"], r["priority"]) for r in mx] == [("mxa.mailgun.org", "10"), ("mxb.mailgun.org", "10")]
    assert all(r["name"] == f"mail.{unique}.com" for r in mx)


def test_eu_domain_records_and_one_global_namespace(us, eu, sandbox_env, unique):
    body = eu.domainlist.create(data={"name": f"mail.{unique}.eu"}).json()
    assert "include:eu.mailgun.org" in body["sending_dns_records"][0]["value"]
    assert _v4(sandbox_env, "GET", f"mail.{unique}.eu").status_code == 404  # region-bound
    taken = us.domainlist.create(data={"name": f"mail.{unique}.eu"})
    assert taken.status_code == 400 and "already taken" in taken.json()["message"]
    names = [d["name"] for d in eu.domainlist.get().json()["items"]]
    assert f"mail.{unique}.eu" in names


def test_verify_queries_real_dns(us, sandbox_env, unique):
    zone_id = new_r53_zone(route53(sandbox_env), f"{unique}.com")
    created = us.domainlist.create(data={"name": f"mail.{unique}.com"}).json()
    first = _v4(sandbox_env, "PUT", f"mail.{unique}.com", "/verify").json()
    assert first["domain"]["state"] == "unverified"
    assert {r["valid"] for r in first["sending_dns_records"]} == {"invalid"}
    _publish(sandbox_env, zone_id, [r for r in created["sending_dns_records"] if r["record_type"] == "TXT"])
    second = _v4(sandbox_env, "PUT", f"mail.{unique}.com", "/verify").json()
    assert second["domain"]["state"] == "active"
    valid = {r["record_type"]: r["valid"] for r in second["sending_dns_records"]}
    assert valid == {"TXT": "valid", "CNAME": "invalid"}
    spf = next(r for r in second["sending_dns_records"] if r["value"].startswith("v=spf1"))
    assert spf["cached"] == ["v=spf1 include:mailgun.org ~all"]
    assert {r["valid"] for r in second["receiving_dns_records"]} == {"invalid"}


def test_smtp_credentials(us, unique):
    domain = f"mail.{unique}.com"
    us.domainlist.create(data={"name": domain})
    assert us.domains_credentials.create(domain=domain, data={"login": f"support@{domain}",
                                                             "password": "s3cret-pass"}).status_code == 200
    generated = us.domains_credentials.create(domain=domain, data={"login": f"hr@{domain}"}).json()
    assert 5 <= len(generated["credentials"][f"hr@{domain}"]) <= 32
    short = us.domains_credentials.create(domain=domain, data={"login": f"it@{domain}", "password": "abc"})
    assert short.status_code == 400 and "between 5 and 32" in short.json()["message"]
    other = us.domains_credentials.create(domain=domain, data={"login": "x@elsewhere.com", "password": "abcdef"})
    assert other.status_code == 400
    logins = sorted(c["login"] for c in us.domains_credentials.get(domain=domain).json()["items"])
    assert logins == [f"hr@{domain}", f"support@{domain}"]
    same = us.domains_credentials.put(domain=domain, login=f"support@{domain}", data={"password": "s3cret-pass"})
    assert same.status_code == 400
    assert us.domains_credentials.put(domain=domain, login=f"support@{domain}",
                                      data={"password": "n3w-pass"}).status_code == 200
    assert us.domains_credentials.delete(domain=domain, login=f"support@{domain}").status_code == 200
    assert [c["login"] for c in us.domains_credentials.get(domain=domain).json()["items"]] == [f"hr@{domain}"]


def test_routes_are_region_bound(us, eu, unique):
    data = {"priority": 1, "description": "Forward support", "expression": f'match_recipient("support@{unique}.com")',
            "action": ['forward("http://myhost.com/messages/")', "stop()"]}
    route = us.routes.create(data=data).json()["route"]
    assert route["actions"] == ['forward("http://myhost.com/messages/")', "stop()"]
    assert us.routes.get(route_id=route["id"]).json()["route"]["description"] == "Forward support"
    assert eu.routes.get(route_id=route["id"]).status_code == 404
    assert route["id"] in [r["id"] for r in us.routes.get(filters={"limit": 1000}).json()["items"]]
    updated = us.routes.put(route_id=route["id"], data={"description": "changed"}).json()
    assert updated["description"] == "changed" and updated["priority"] == 1
    bad = us.routes.create(data={**data, "action": ['forward("x"'], "priority": 2})
    assert bad.status_code == 400 and "Invalid action" in bad.json()["message"]
    assert us.routes.delete(route_id=route["id"]).status_code == 200
    assert us.routes.get(route_id=route["id"]).status_code == 404


def test_delete_domain(us, sandbox_env, unique):
    domain = f"mail.{unique}.com"
    us.domainlist.create(data={"name": domain})
    assert us.domains.delete(domain=domain).status_code == 200
    assert _v4(sandbox_env, "GET", domain).status_code == 404


def test_no_v3_domain_paths_but_delete(us, sandbox_env, unique):
    """The spec lists GET/POST /v4/domains, GET/PUT /v4/domains/{name}, PUT …/verify and
    DELETE /v3/domains/{name}; the /v3 forms of the others do not exist."""
    domain = f"mail.{unique}.com"
    base, auth = sandbox_env["MAILGUN_API_URL_US"], ("api", sandbox_env["MAILGUN_API_KEY"])
    assert requests.post(f"{base}/v3/domains", auth=auth, data={"name": domain}).status_code in (404, 405)
    us.domainlist.create(data={"name": domain})
    assert requests.get(f"{base}/v3/domains", auth=auth).status_code in (404, 405)
    assert requests.get(f"{base}/v3/domains/{domain}", auth=auth).status_code in (404, 405)
    assert requests.put(f"{base}/v3/domains/{domain}", auth=auth, data={"wildcard": "true"}).status_code in (404, 405)
    assert requests.put(f"{base}/v3/domains/{domain}/verify", auth=auth).status_code in (404, 405)
    assert _v4(sandbox_env, "GET", domain).status_code == 200


def test_auth_and_error_shapes(sandbox_env, unique):
    base = sandbox_env["MAILGUN_API_URL_US"]
    wrong = requests.get(f"{base}/v4/domains", auth=("api", "wrong-key"))
    assert wrong.status_code == 401 and wrong.json() == {"message": "Invalid private key"}
    missing = requests.get(f"{base}/v4/domains/nope.{unique}.com", auth=("api", sandbox_env["MAILGUN_API_KEY"]))
    assert missing.status_code == 404 and missing.json() == {"message": "Domain not found"}
    hooks = requests.get(f"{base}/v3/domains/nope.{unique}.com/webhooks", auth=("api", sandbox_env["MAILGUN_API_KEY"]))
    assert hooks.status_code == 404 and "Reason" in hooks.json()


def test_webhooks_and_tracking(us, sandbox_env, unique):
    domain = f"mail.{unique}.com"
    us.domainlist.create(data={"name": domain})
    auth = ("api", sandbox_env["MAILGUN_API_KEY"])
    base = f"{sandbox_env['MAILGUN_API_URL_US']}/v3/domains/{domain}"
    created = requests.post(f"{base}/webhooks", auth=auth, data={"id": "permanent_fail", "url": "https://h/fail"})
    assert created.json()["webhook"]["urls"] == ["https://h/fail"]
    assert requests.post(f"{base}/webhooks", auth=auth, data={"id": "permanent_fail", "url": "https://h/x"}).status_code == 400
    assert requests.get(f"{base}/webhooks", auth=auth).json()["webhooks"] == {"permanent_fail": {"urls": ["https://h/fail"]}}
    assert requests.put(f"{base}/tracking/click", auth=auth, data={"active": "yes"}).status_code == 200
    tracking = requests.get(f"{base}/tracking", auth=auth).json()["tracking"]
    assert tracking["click"]["active"] is True and tracking["open"]["active"] is False
    assert tracking["web_scheme"] == "http" and tracking["open"]["place_at_the_top"] is False
    assert "%unsubscribe_url%" in tracking["unsubscribe"]["html_footer"]


def test_injected_429_carries_retry_after(sandbox, sandbox_env, unique):
    sandbox.control("mailgun-us").add_fault(path="^/v4/domains$", method="GET", status=429, retry_after=2)
    response = requests.get(f"{sandbox_env['MAILGUN_API_URL_US']}/v4/domains", auth=("api", "whatever"))
    assert response.status_code == 429 and response.headers["Retry-After"] == "2"
    assert "message" in response.json()
    again = requests.get(f"{sandbox_env['MAILGUN_API_URL_US']}/v4/domains",
                         auth=("api", sandbox_env["MAILGUN_API_KEY"]))
    assert again.status_code == 200  # the fault applied to one request only


def test_verification_judges_two_keys_at_one_selector_as_receivers_do(sandbox_env, unique):
    """Mailgun documents nothing for a selector serving two keys; receivers may pick either (RFC 6376
    §3.6.2.2), so the emulator marks the DKIM record invalid until ours is the only key there."""
    from mailgun_setup.mailgun.client import MailgunClient, api_key_from_env
    from mailgun_sandbox.seed import create_zone
    from .helpers import route53, upsert

    zone = f"{unique}.com"
    zone_id = create_zone(sandbox_env, "route53", zone)
    client = MailgunClient(api_key_from_env(), "us")
    body = client.create_domain(f"mail.{zone}", 1024, dkim_selector="mg", force_dkim_authority=True)
    dkim = next(r for r in body["sending_dns_records"] if "._domainkey." in r["name"])

    def verdict():
        answer = client.verify_domain(f"mail.{zone}")
        return next(r["valid"] for r in answer["sending_dns_records"] if r["name"] == dkim["name"])

    upsert(route53(sandbox_env), zone_id, dkim["name"], "TXT", [dkim["value"], "k=rsa; p=TAMPERED"])
    assert verdict() == "invalid"
    upsert(route53(sandbox_env), zone_id, dkim["name"], "TXT", [dkim["value"]])
    assert verdict() == "valid"
