import pytest


@pytest.fixture
def mailgun_account(sandbox, sandbox_env):
    """The emulator's account settings (plan, deletion delay), back to the defaults afterwards."""
    defaults = sandbox.mailgun.settings({})
    yield sandbox.mailgun
    sandbox.mailgun.settings(defaults)
