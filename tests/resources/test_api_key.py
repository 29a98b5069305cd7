"""ApiKeyProvider: every rule reported at check; created keys authenticate as their role; delete revokes."""
import pytest
import requests

from mailgun_setup.mailgun import keys
from mailgun_setup.mailgun.client import MailgunClient
from mailgun_setup.resources.api_key import ApiKeyProvider
from pulumi.runtime.rpc import UNKNOWN


def _failures(news):
    return [(f.property, f.reason) for f in ApiKeyProvider().check({}, news).failures]


def test_check_reports_every_problem_with_its_field():
    found = dict(_failures({"role": "owner", "domain": "company.com", "expiration": -5, "region": "asia",
                            "description": "x" * 300}))
    assert set(found) == {"role", "domain", "expiration", "region", "description"}
    assert "basic" in found["role"] and "must be between 1 and" in found["expiration"]
    assert [field for field, _ in _failures({"role": "sending"})] == ["domain"]
    assert "must be sending" in dict(_failures({"role": "basic", "domain": "mail.company.com"}))["role"]
    assert _failures({"role": "basic", "expiration": 3600.0}) == []
    assert _failures({"role": "sending", "domain": UNKNOWN}) == []


def test_every_input_change_is_a_replacement_new_key_first():
    provider = ApiKeyProvider()
    olds = provider.check({}, {"role": "basic", "description": "exporter"}).inputs
    for change in ({"role": "admin"}, {"description": "other"}, {"expiration": 60}):
        result = provider.diff("id", olds, {**olds, **change})
        assert result.replaces == list(change) and result.delete_before_replace is False
    assert not provider.diff("id", olds, dict(olds)).changes


@pytest.fixture
def domain(sandbox_env, unique):
    name = f"mail.{unique}.com"
    MailgunClient(sandbox_env["MAILGUN_API_KEY"], "us").create_domain(name, 1024, 0)
    return name


def test_sending_key_sends_for_its_domain_only_and_delete_revokes(domain, sandbox_env):
    provider = ApiKeyProvider()
    props = provider.check({}, {"role": "sending", "domain": domain, "description": "app"}).inputs
    created = provider.create(props)
    secret, base = created.outs["secret"], sandbox_env["MAILGUN_API_URL_US"]
    assert created.outs["kind"] == "domain"
    message = {"from": f"a@{domain}", "to": "b@example.com", "text": "hi"}
    assert requests.post(f"{base}/v3/{domain}/messages", auth=("api", secret), data=message).status_code == 200
    assert requests.get(f"{base}/v4/domains", auth=("api", secret)).status_code == 403
    assert provider.read(created.id, created.outs).outs["secret"] == secret  # kept: Mailgun never lists it
    provider.delete(created.id, created.outs)
    assert requests.post(f"{base}/v3/{domain}/messages", auth=("api", secret), data=message).status_code == 401
    assert provider.read(created.id, created.outs).id is None


def test_refresh_drops_a_key_revoked_outside_pulumi(sandbox_env):
    provider = ApiKeyProvider()
    created = provider.create(provider.check({}, {"role": "basic", "description": "exporter"}).inputs)
    assert provider.read(created.id, created.outs).outs["description"] == "exporter"
    keys.delete_key(MailgunClient(sandbox_env["MAILGUN_API_KEY"], "us"), created.id)
    assert provider.read(created.id, created.outs).id is None
