"""WebhookSigningKeyProvider: reads the account's key, regenerates it when ``rotate`` changes, refresh
sees a key regenerated elsewhere, destroy leaves it; the key never shows in an error or a repr."""
import pytest
import requests

from mailgun_sandbox.mail.signing import SigningKey

from mailgun_setup.errors import UsageError
from mailgun_setup.mailgun import signing_key
from mailgun_setup.mailgun.client import MailgunClient
from mailgun_setup.resources.signing_key import WebhookSigningKey, WebhookSigningKeyProvider


def _failures(news):
    return {f.property: f.reason for f in WebhookSigningKeyProvider().check({}, news).failures}


def test_check_defaults_and_rules():
    result = WebhookSigningKeyProvider().check({}, {})
    assert result.failures == [] and result.inputs["region"] == "us" and result.inputs["rotate"] is None
    assert set(_failures({"region": "asia", "rotate": 3})) == {"region", "rotate"}


def test_bad_inputs_fail_in_the_program():
    with pytest.raises(UsageError, match=r"WebhookSigningKey\('hooks'\).rotate: must be a string"):
        WebhookSigningKey("hooks", rotate=2024)


def test_read_rotate_refresh_and_destroy(sandbox_env):
    provider = WebhookSigningKeyProvider()
    client = MailgunClient(sandbox_env["MAILGUN_API_KEY"], "us")
    props = provider.check({}, {"region": "us"}).inputs
    created = provider.create(props)
    assert created.outs["key"] == signing_key.get_signing_key(client)  # read, not regenerated

    same = provider.update(created.id, created.outs, {**props, "region": "eu"})  # the key is account-wide
    assert same.outs["key"] == created.outs["key"]

    rotated = provider.update(created.id, created.outs, {**props, "rotate": "2026-12"})
    assert rotated.outs["key"] != created.outs["key"]
    assert signing_key.get_signing_key(client) == rotated.outs["key"]
    assert provider.diff(created.id, rotated.outs, {**props, "rotate": "2026-12"}).changes is False
    diff = provider.diff(created.id, rotated.outs, {**props, "rotate": "2027-01"})
    assert diff.changes and diff.replaces == []  # in place

    elsewhere = signing_key.regenerate_signing_key(client)  # e.g. in the dashboard
    assert provider.read(created.id, rotated.outs).outs["key"] == elsewhere

    provider.delete(created.id, rotated.outs)
    assert signing_key.get_signing_key(client) == elsewhere  # the account keeps its key


def test_errors_do_not_carry_the_key(sandbox, sandbox_env):
    key = signing_key.get_signing_key(MailgunClient(sandbox_env["MAILGUN_API_KEY"], "us"))
    answer = requests.post(sandbox_env["MAILGUN_API_URL_US"] + "/v5/accounts/http_signing_key", auth=("api", "wrong"))
    assert answer.status_code == 401 and key not in answer.text
    assert key not in repr(WebhookSigningKeyProvider()) and repr(SigningKey()) == "SigningKey(<secret>)"
