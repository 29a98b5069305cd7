import pytest

from mailgun_setup.dns.backend import open_backend
from mailgun_setup.dns.route53 import client_config
from mailgun_setup.errors import ConfigError
from mailgun_setup.mailgun.client import MailgunClient
from mailgun_setup.timeouts import HTTP_TIMEOUT_ENV


def test_one_variable_sets_the_timeout_of_all_three_clients(monkeypatch):
    monkeypatch.setenv(HTTP_TIMEOUT_ENV, "1.5")
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "t")
    assert MailgunClient("k", "us", base_url="http://127.0.0.1:9").timeout == 1.5
    config = client_config()
    assert (config.connect_timeout, config.read_timeout) == (1.5, 1.5)
    assert config.retries == {"mode": "standard", "max_attempts": 8}
    assert open_backend("cloudflare", "token").client.timeout == 1.5


def test_without_the_variable_each_client_keeps_its_default(monkeypatch):
    monkeypatch.delenv(HTTP_TIMEOUT_ENV, raising=False)
    assert MailgunClient("k", "us", base_url="http://127.0.0.1:9").timeout == 30
    assert client_config().read_timeout == 60


@pytest.mark.parametrize("text", ["0", "-1", "soon", "601"])
def test_a_bad_timeout_names_the_variable_and_the_rule(monkeypatch, text):
    monkeypatch.setenv(HTTP_TIMEOUT_ENV, text)
    with pytest.raises(ConfigError, match=f"{HTTP_TIMEOUT_ENV}.*seconds above 0"):
        MailgunClient("k", "us", base_url="http://127.0.0.1:9")
