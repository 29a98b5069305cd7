import pytest

from mailgun_setup.mailgun.client import MailgunClient, api_key_from_env


@pytest.fixture
def client(sandbox_env):
    """A US client with the sandbox's primary key."""
    return MailgunClient(api_key_from_env(), "us")
