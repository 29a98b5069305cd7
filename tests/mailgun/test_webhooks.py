"""mailgun_setup.mailgun.webhooks against the sandbox: one kind per domain, 1–3 URLs, region-bound."""
import pytest

from mailgun_setup.errors import MailgunApiError
from mailgun_setup.mailgun import webhooks
from mailgun_setup.mailgun.client import MailgunClient, api_key_from_env


def test_webhook_lifecycle_with_several_urls(client, unique):
    domain = f"mail.{unique}.com"
    client.create_domain(domain, 1024, 0)
    assert webhooks.get_webhook(client, domain, "permanent_fail") is None
    urls = ["https://hooks.example.com/a", "https://hooks.example.com/b"]
    assert webhooks.create_webhook(client, domain, "permanent_fail", urls) == urls
    assert webhooks.list_webhooks(client, domain) == {"permanent_fail": urls}
    assert webhooks.update_webhook(client, domain, "permanent_fail", urls[:1]) == urls[:1]
    assert webhooks.get_webhook(client, domain, "permanent_fail") == urls[:1]
    webhooks.delete_webhook(client, domain, "permanent_fail")
    webhooks.delete_webhook(client, domain, "permanent_fail")  # already gone: fine
    assert webhooks.list_webhooks(client, domain) == {}


def test_webhooks_answer_only_on_the_domain_region(client, unique):
    domain = f"mail.{unique}.eu"
    eu = MailgunClient(api_key_from_env(), "eu")
    eu.create_domain(domain, 1024, 0)
    webhooks.create_webhook(eu, domain, "delivered", ["https://h/x"])
    assert webhooks.get_webhook(client, domain, "delivered") is None  # the US host does not know it
    with pytest.raises(MailgunApiError) as refused:
        webhooks.create_webhook(client, domain, "delivered", ["https://h/y"])
    assert refused.value.status == 404
    assert webhooks.get_webhook(eu, domain, "delivered") == ["https://h/x"]
