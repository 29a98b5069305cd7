import pytest

from mailgun_setup.mailgun.client import MailgunClient, api_key_from_env


@pytest.fixture
def client(sandbox_env):
    """A US client with the sandbox's primary key."""
    return MailgunClient(api_key_from_env(), "us")


@pytest.fixture
def mailgun_account(sandbox, sandbox_env):
    """The emulator's account settings (plan, deletion delay), back to the defaults afterwards."""
    defaults = sandbox.mailgun.settings({})
    yield sandbox.mailgun
    sandbox.mailgun.settings(defaults)
