"""WebhookProvider: every rule reported at check, and create/read/update/delete against the sandbox."""
import pytest

from mailgun_setup.errors import ConfigError
from mailgun_setup.mailgun import webhooks
from mailgun_setup.mailgun.client import MailgunClient
from mailgun_setup.resources.webhook import WebhookProvider
from pulumi.runtime.rpc import UNKNOWN


def _failures(news):
    return [(f.property, f.reason) for f in WebhookProvider().check({}, news).failures]


def test_check_reports_every_problem_with_its_field():
    found = dict(_failures({"domain": "company.com", "region": "asia", "kind": "bounced",
                            "urls": ["https://h/a", "ftp://h/b", "https://h/a"]}))
    assert set(found) == {"domain", "region", "kind", "urls[1]", "urls[2]"}
    assert "permanent_fail" in found["kind"] and "http" in found["urls[1]"] and "twice" in found["urls[2]"]
    four = dict(_failures({"domain": "mail.company.com", "kind": "delivered", "urls": [f"https://h/{i}" for i in range(4)]}))
    assert list(four) == ["urls"] and "at most 3 URLs per kind" in four["urls"]
    assert "urls" in dict(_failures({"domain": "mail.company.com", "kind": "delivered", "urls": []}))


def test_check_defaults_the_region_and_accepts_unknowns_at_preview():
    result = WebhookProvider().check({}, {"domain": UNKNOWN, "kind": "opened", "urls": ["https://h/x", UNKNOWN]})
    assert result.failures == [] and result.inputs["region"] == "us"


@pytest.fixture
def hook(sandbox_env, unique):
    domain = f"mail.{unique}.com"
    client = MailgunClient(sandbox_env["MAILGUN_API_KEY"], "us")
    client.create_domain(domain, 1024, 0)
    return client, {"domain": domain, "region": "us", "kind": "permanent_fail", "urls": ["https://h/fail"]}


def test_lifecycle_and_refresh_sees_changes_made_in_mailgun(hook):
    client, props = hook
    provider = WebhookProvider()
    created = provider.create(props)
    assert created.id == f"{props['domain']}/permanent_fail"
    assert webhooks.get_webhook(client, props["domain"], "permanent_fail") == ["https://h/fail"]
    webhooks.update_webhook(client, props["domain"], "permanent_fail", ["https://elsewhere/x"])  # out of band
    refreshed = provider.read(created.id, created.outs)
    assert refreshed.outs["urls"] == ["https://elsewhere/x"]
    assert provider.diff(created.id, refreshed.outs, props).changes
    two = ["https://h/fail", "https://h/backup"]
    provider.update(created.id, refreshed.outs, {**props, "urls": two})
    assert webhooks.get_webhook(client, props["domain"], "permanent_fail") == two
    assert not provider.diff(created.id, {**props, "urls": two}, {**props, "urls": two[::-1]}).changes
    assert provider.diff(created.id, props, {**props, "kind": "temporary_fail"}).replaces == ["kind"]
    provider.delete(created.id, props)
    assert provider.read(created.id, props).id is None
    assert provider.read(created.id, {}).id is None  # import of something gone: gone in both regions


def test_create_adopts_its_own_webhook_but_never_overwrites_a_foreign_one(hook):
    client, props = hook
    webhooks.create_webhook(client, props["domain"], "permanent_fail", props["urls"])
    assert WebhookProvider().create(props).outs["urls"] == props["urls"]  # e.g. a retried create
    webhooks.update_webhook(client, props["domain"], "permanent_fail", ["https://user:pw@theirs/x"])
    with pytest.raises(ConfigError) as refused:
        WebhookProvider().create(props)
    assert "pulumi import" in str(refused.value) and "pw" not in str(refused.value)
    assert webhooks.get_webhook(client, props["domain"], "permanent_fail") == ["https://user:pw@theirs/x"]
