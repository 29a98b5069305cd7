import os
from pathlib import Path

import pytest

from mailgun_setup.sandbox.runner import Sandbox


@pytest.fixture(scope="session")
def sandbox():
    with Sandbox() as running:
        yield running


@pytest.fixture
def sandbox_env(sandbox, monkeypatch):
    """The sandbox variables in this process's environment (as `sandbox run` sets them for a child)."""
    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    sandbox.clear_request_logs()
    for service in sandbox.services.values():
        service.control.clear_faults()
    yield sandbox.env()
    for service in sandbox.services.values():
        service.control.clear_faults()
    for limit in sandbox.rate_limits.values():
        limit.configure(None)  # rate limits are off unless a test switches them on


@pytest.fixture
def unique(request):
    """A DNS-safe token unique to this test, for zone and domain names."""
    import hashlib
    return "t" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:10]


REPO = Path(__file__).resolve().parents[1]
