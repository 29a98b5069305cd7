"""mailgun_setup.mailgun.keys against the sandbox: create (secret once), list, get, revoke."""
import pytest

from mailgun_setup.errors import MailgunApiError
from mailgun_setup.mailgun import keys
from mailgun_setup.mailgun.client import MailgunClient, api_key_from_env


def test_domain_sending_key_lifecycle(client, unique):
    domain = f"mail.{unique}.com"
    client.create_domain(domain, 1024, 0)
    key = keys.create_key(client, "sending", "app sender", domain=domain, expiration=3600)
    assert key["kind"] == "domain" and key["domain_name"] == domain and key["secret"]
    sender = MailgunClient(key["secret"], "us")
    assert sender.request("POST", f"/v3/{domain}/messages",
                          data={"from": f"a@{domain}", "to": "b@example.com", "text": "hi"})["id"]
    listed = keys.get_key(client, key["id"])
    assert listed["description"] == "app sender" and "secret" not in listed
    assert [k["id"] for k in keys.list_keys(client, domain=domain)] == [key["id"]]
    keys.delete_key(client, key["id"])
    keys.delete_key(client, key["id"])  # already gone: fine
    assert keys.get_key(client, key["id"]) is None
    with pytest.raises(MailgunApiError) as refused:
        sender.request("GET", "/v4/domains")
    assert refused.value.status == 401 and key["secret"] not in str(refused.value)


def test_user_key_and_refusals_name_the_rule(client):
    key = keys.create_key(client, "basic", "metrics exporter")
    assert key["kind"] == "user" and key["role"] == "basic"
    with pytest.raises(MailgunApiError, match="role must be one of"):
        keys.create_key(client, "root")
    keys.delete_key(client, key["id"])
