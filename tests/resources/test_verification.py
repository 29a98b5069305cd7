"""Verification waits with backoff, then fails naming every record; manual mode only reports."""
import time

import pytest

from mailgun_setup.errors import VerificationError
from mailgun_setup.mailgun.client import MailgunClient
from mailgun_setup.resources.verification import VerificationProvider

from ..sandbox.helpers import new_r53_zone, route53


@pytest.fixture
def unpublished(sandbox_env, unique):
    zone = f"{unique}.com"
    new_r53_zone(route53(sandbox_env), zone)
    domain = f"mail.{zone}"
    body = MailgunClient(sandbox_env["MAILGUN_API_KEY"], "us").create_domain(domain, 1024, 86400, dkim_selector="mg")
    records = [{"type": r["record_type"], "name": r["name"], "value": r["value"]}
               for r in body["sending_dns_records"] if r["record_type"] == "TXT"]
    return {"domain": domain, "region": "us", "group": "sender", "records": records, "zone": zone}


def test_times_out_naming_every_record_and_never_asks_mailgun_early(unpublished, sandbox):
    sandbox.clear_request_logs()
    started = time.monotonic()
    with pytest.raises(VerificationError) as failure:
        VerificationProvider()._verify({**unpublished, "mode": "automatic", "timeout": 4})
    elapsed = time.monotonic() - started
    message = str(failure.value)
    assert message.startswith("Verification Failed") and "within 4" in message
    for record in unpublished["records"]:
        assert record["name"] in message
    assert "not published yet" in message and "run `pulumi up` again" in message
    assert 2 <= elapsed <= 6  # bounded by the timeout, with backoff between rounds
    assert not [r for r in sandbox.request_log("mailgun-us") if r.method == "PUT"]  # DNS first, then Mailgun


def test_manual_mode_reports_without_waiting(unpublished):
    started = time.monotonic()
    result = VerificationProvider()._verify({**unpublished, "mode": "manual", "timeout": 60})
    assert result["status"] == "Unverified" and len(result["problems"]) == 2
    assert time.monotonic() - started < 3


def test_receiver_records_wait_for_the_sender_records(unpublished):
    result = VerificationProvider()._verify({**unpublished, "group": "receiver", "mode": "automatic",
                                             "timeout": 60, "requires": "Unverified"})
    assert result["status"] == "Unverified" and "sender records" in result["problems"][0]
