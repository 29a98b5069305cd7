"""Fault injection and request logs, driven over HTTP as a test in another process would."""
import time

import pytest
import requests


def test_control_endpoints_switch_faults_at_run_time(sandbox_env):
    base = sandbox_env["MAILGUN_API_URL_EU"]
    auth = ("api", sandbox_env["MAILGUN_API_KEY"])
    requests.delete(f"{base}/_sandbox/requests")
    rule = requests.post(f"{base}/_sandbox/faults", json={"path": "^/v3/routes", "status": 503, "count": 2}).json()
    assert rule["status"] == 503
    statuses = [requests.get(f"{base}/v3/routes", auth=auth).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    log = requests.get(f"{base}/_sandbox/requests").json()["requests"]
    assert [(r["method"], r["path"], r["status"]) for r in log] == [("GET", "/v3/routes", 503)] * 2 + [
        ("GET", "/v3/routes", 200)]


def test_latency_and_until_cleared(sandbox_env):
    base = sandbox_env["CLOUDFLARE_BASE_URL"].rsplit("/client/v4", 1)[0]
    headers = {"Authorization": f"Bearer {sandbox_env['CLOUDFLARE_API_TOKEN']}"}
    requests.post(f"{base}/_sandbox/faults", json={"path": "/zones", "latency": 0.3, "count": None})
    for _ in range(2):
        started = time.monotonic()
        assert requests.get(f"{base}/client/v4/zones", headers=headers).status_code == 200
        assert time.monotonic() - started >= 0.3
    requests.delete(f"{base}/_sandbox/faults")
    started = time.monotonic()
    requests.get(f"{base}/client/v4/zones", headers=headers)
    assert time.monotonic() - started < 0.3


def test_bad_rule_is_rejected(sandbox_env):
    response = requests.post(f"{sandbox_env['AWS_ENDPOINT_URL_ROUTE_53']}/_sandbox/faults", json={"nope": 1})
    assert response.status_code == 400 and "bad fault rule" in response.json()["message"]


def test_drop_answer_applies_the_request_then_closes_the_connection(sandbox_env, unique):
    base = sandbox_env["MAILGUN_API_URL_US"]
    auth = ("api", sandbox_env["MAILGUN_API_KEY"])
    requests.post(f"{base}/_sandbox/faults", json={"path": "^/v3/routes$", "method": "POST", "drop_answer": True})
    expression = f'match_recipient("x@mail.{unique}.com")'
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{base}/v3/routes", auth=auth, data={"expression": expression, "action": "stop()"})
    routes = requests.get(f"{base}/v3/routes", auth=auth, params={"limit": 1000}).json()["items"]
    assert [r["expression"] for r in routes].count(expression) == 1  # applied all the same


def test_account_settings_change_at_run_time_over_http(sandbox_env, unique):
    base = sandbox_env["MAILGUN_API_URL_US"]
    auth = ("api", sandbox_env["MAILGUN_API_KEY"])
    before = requests.get(f"{base}/_sandbox/settings").json()
    try:
        assert requests.post(f"{base}/_sandbox/settings", json={"plan": "foundation"}).json()["plan"] == "foundation"
        created = requests.post(f"{base}/v4/domains", auth=auth, data={"name": f"mail.{unique}.com",
                                                                       "message_ttl": 7 * 86400}).json()
        assert created["domain"]["message_ttl"] == 86400  # capped by the plan
        bad = requests.post(f"{base}/_sandbox/settings", json={"plan": "platinum"})
        assert bad.status_code == 400 and "plan must be one of" in bad.json()["message"]
    finally:
        requests.post(f"{base}/_sandbox/settings", json=before)


def test_reset_closes_the_connection_without_applying_the_request(sandbox_env, unique):
    base = sandbox_env["MAILGUN_API_URL_US"]
    auth = ("api", sandbox_env["MAILGUN_API_KEY"])
    requests.post(f"{base}/_sandbox/faults", json={"path": "^/v3/routes$", "method": "POST", "reset": True})
    expression = f'match_recipient("reset@mail.{unique}.com")'
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{base}/v3/routes", auth=auth, data={"expression": expression, "action": "stop()"})
    routes = requests.get(f"{base}/v3/routes", auth=auth, params={"limit": 1000}).json()["items"]
    assert expression not in [r["expression"] for r in routes]  # nothing was applied
