"""DNS name helpers: one place for bare/absolute names, zones, relative hosts and zone ids."""
import pytest
from hypothesis import given, strategies as st

from mailgun_setup.dns import names

LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


def test_bare_and_fqdn():
    assert names.bare(" Mail.Company.COM. ") == "mail.company.com"
    assert names.fqdn("mail.company.com") == names.fqdn("MAIL.company.com.") == "mail.company.com."


def test_relative_hosts_and_the_apex():
    assert names.relative("mg._domainkey.mail.company.com", "company.com") == "mg._domainkey.mail"
    assert names.relative("company.com.", "Company.com") == "@"
    with pytest.raises(ValueError):
        names.relative("mail.other.com", "company.com")
    assert not names.in_zone("mail.notcompany.com", "company.com")  # a label boundary, not a suffix


def test_registrable_domain_from_the_public_suffix_list():
    assert names.zone_for("mail.company.co.uk", None) == "company.co.uk"
    assert names.zone_for("mail.eu.company.com", "eu.company.com") == "eu.company.com"
    assert names.registrable("co.uk") is None


def test_zone_id_formats():
    assert names.zone_id_backend("Z0123456789ABC") == "route53"
    assert names.zone_id_backend("/hostedzone/Z0123456789ABC") == "route53"
    assert names.zone_id_backend("0123456789abcdef0123456789abcdef") == "cloudflare"
    assert names.zone_id_backend("company.com") is None


@given(st.lists(LABEL, min_size=1, max_size=4), st.lists(LABEL, min_size=1, max_size=3))
def test_relative_then_joined_gives_the_name_back(host_labels, zone_labels):
    zone, name = ".".join(zone_labels), ".".join(host_labels + zone_labels)
    assert names.in_zone(name, zone)
    assert f"{names.relative(name, zone)}.{zone}" == name
