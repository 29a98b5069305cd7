"""A sandbox of its own for the doctor, with a ``mailgun.org`` zone so that SPF includes of
Mailgun resolve (receivers and checkdmarc follow them); the record values there are test data."""
import os

import pytest

from mailgun_sandbox.runner import Sandbox
from mailgun_sandbox.seed import create_zone

from ..sandbox.helpers import route53, upsert


@pytest.fixture(scope="session")
def doctor_sandbox():
    with Sandbox() as running:
        env = running.env()
        zone = create_zone(env, "cloudflare", "mailgun.org")
        from cloudflare import Cloudflare
        cf = Cloudflare(api_token=env["CLOUDFLARE_API_TOKEN"], base_url=env["CLOUDFLARE_BASE_URL"])
        for name, value in [("mailgun.org", "v=spf1 include:_spf.mailgun.org ~all"),
                            ("eu.mailgun.org", "v=spf1 include:_spf.mailgun.org ~all"),
                            ("_spf.mailgun.org", "v=spf1 ip4:198.61.254.0/23 ip4:209.61.151.0/24 ~all")]:
            cf.dns.records.create(zone_id=zone, type="TXT", name=name, content=value, ttl=1)
        yield running


@pytest.fixture
def env(doctor_sandbox, monkeypatch):
    for key, value in doctor_sandbox.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("MAILGUN_SETUP_RESOLVER", raising=False)
    return dict(os.environ)


def r53():
    return route53(os.environ)


__all__ = ["upsert", "r53"]
