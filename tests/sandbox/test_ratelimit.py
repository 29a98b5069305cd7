"""The emulators' per-account rate limits: off by default, switched on over HTTP, answered as the
real services answer (Mailgun 429 + Retry-After/X-RateLimit-*, Route 53 400 Throttling), and
survivable with the clients' own retries."""
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from mailgun_setup.mailgun.client import MailgunClient

from .helpers import route53


def _settings(env, service_url, body):
    answer = requests.post(service_url + "/_sandbox/settings", json=body, timeout=5)
    answer.raise_for_status()
    return answer.json()


def test_limits_are_off_by_default(sandbox_env, sandbox):
    client = route53(sandbox_env, attempts=1)
    for _ in range(12):
        client.list_hosted_zones()
    assert all(r.status == 200 for r in sandbox.request_log("route53"))


def test_mailgun_answers_429_with_retry_after_across_both_regions(sandbox_env, sandbox):
    key = sandbox_env["MAILGUN_API_KEY"]
    assert _settings(sandbox_env, sandbox_env["MAILGUN_API_URL_US"],
                     {"rate_limit": {"limit": 3, "window": 5}})["rate_limit"]["limit"] == 3
    answers = [requests.get(sandbox_env[f"MAILGUN_API_URL_{region}"] + "/v4/domains", auth=("api", key), timeout=5)
               for region in ("US", "EU", "US", "EU")]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]  # one account, one budget
    refused = answers[-1]
    assert 1 <= int(refused.headers["Retry-After"]) <= 5
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert int(refused.headers["X-RateLimit-Reset"]) > time.time() * 1000
    # urllib3's Retry in our client waits for Retry-After and gets through
    sandbox.clear_request_logs()
    listed = MailgunClient(key, "us", base_url=sandbox_env["MAILGUN_API_URL_US"]).list_routes()
    assert isinstance(listed, list)
    statuses = [r.status for r in sandbox.request_log("mailgun-us") if r.path == "/v3/routes"]
    assert statuses[0] == 429 and statuses[-1] == 200


def test_route53_throttles_past_5_per_second_and_botocore_retries(sandbox_env, sandbox):
    _settings(sandbox_env, sandbox_env["AWS_ENDPOINT_URL_ROUTE_53"], {"rate_limit": {"limit": 5, "window": 1}})
    strict = route53(sandbox_env, attempts=1)

    def count_zones():  # a light call, sent all at once: 8 land within the second even on a busy machine
        try:
            strict.get_hosted_zone_count()
        except strict.exceptions.ClientError as exc:
            return (exc.response["ResponseMetadata"]["HTTPStatusCode"], exc.response["Error"]["Code"],
                    exc.response["Error"]["Message"])
        return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        errors = [e for e in pool.map(lambda _: count_zones(), range(8)) if e]
    assert errors and set(errors) == {(400, "Throttling", "Rate exceeded")}
    patient = route53(sandbox_env, attempts=8)
    for _ in range(10):
        patient.get_hosted_zone_count()  # standard retry mode backs off on Throttling
    assert sandbox.rate_limits["route53"].state()["refused"] > len(errors)


def test_switching_off_restores_unlimited_service(sandbox_env, sandbox):
    url = sandbox_env["AWS_ENDPOINT_URL_ROUTE_53"]
    _settings(sandbox_env, url, {"rate_limit": {"limit": 1, "window": 60}})
    assert _settings(sandbox_env, url, {"rate_limit": None}) == {"rate_limit": None}
    client = route53(sandbox_env, attempts=1)
    for _ in range(6):
        client.list_hosted_zones()
    answer = requests.post(url + "/_sandbox/settings", json={"rate_limit": {"limit": 0, "window": 1}}, timeout=5)
    assert answer.status_code == 400 and "limit" in answer.json()["message"]
