"""pytest plugin (registered as ``pytest11``): test your own Pulumi program against the sandbox.

    def test_my_stack(mailgun_sandbox_env):        # variables set in os.environ for this test
        subprocess.run(["pulumi", "up", "--yes"], check=True)   # the engine's children inherit them

- ``mailgun_sandbox`` (session): the running :class:`~mailgun_sandbox.runner.Sandbox`
  (``.env()``, ``.services``, ``.write_calls()``, ``.clear_request_logs()``).
- ``mailgun_sandbox_env`` (per test): its variables set in ``os.environ``, request logs cleared,
  faults and rate limits reset before and after the test; yields the variables as a dict.
"""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def mailgun_sandbox():
    from .runner import Sandbox

    with Sandbox() as running:
        yield running


@pytest.fixture
def mailgun_sandbox_env(mailgun_sandbox, monkeypatch):
    for key, value in mailgun_sandbox.env().items():
        monkeypatch.setenv(key, value)
    mailgun_sandbox.clear_request_logs()
    for service in mailgun_sandbox.services.values():
        service.control.clear_faults()
    yield mailgun_sandbox.env()
    for service in mailgun_sandbox.services.values():
        service.control.clear_faults()
    for limit in mailgun_sandbox.rate_limits.values():
        limit.configure(None)  # rate limits are off unless a test switches them on
