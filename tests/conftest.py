import os
from pathlib import Path

import pytest


# The sandbox comes from the `mailgun_sandbox` pytest plugin (the `mailgun-setup-sandbox`
# distribution's `pytest11` entry point), as a platform team's own tests get it; these names
# are the ones this suite has always used.
@pytest.fixture(scope="session")
def sandbox(mailgun_sandbox):
    return mailgun_sandbox


@pytest.fixture
def sandbox_env(mailgun_sandbox_env):
    """The sandbox variables in this process's environment (as `sandbox run` sets them for a child)."""
    return mailgun_sandbox_env


@pytest.fixture
def unique(request):
    """A DNS-safe token unique to this test, for zone and domain names."""
    import hashlib
    return "t" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:10]


REPO = Path(__file__).resolve().parents[1]
