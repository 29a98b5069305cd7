"""Which record changes are a DKIM key rotation of the domain."""
from mailgun_setup.rotation import rotation_between


def _dkim(name: str) -> dict:
    return {"purpose": "DKIM", "type": "TXT", "name": name, "value": "k=rsa; p=x"}


SPF = {"purpose": "SPF", "type": "TXT", "name": "mail.company.com", "value": "v=spf1 include:mailgun.org ~all"}


def test_a_new_selector_of_the_same_domain_is_a_rotation():
    found = rotation_between("mail.company.com", [SPF, _dkim("mg._domainkey.mail.company.com")],
                             [SPF, _dkim("mg2048._domainkey.mail.company.com")])
    assert (found.old_selector, found.new_selector) == ("mg", "mg2048")


def test_the_same_record_or_another_subdomain_is_not():
    same = [SPF, _dkim("mg._domainkey.mail.company.com")]
    assert rotation_between("mail.company.com", same, same) is None
    assert rotation_between("post.company.com", same, [_dkim("mg._domainkey.post.company.com")]) is None
    assert rotation_between("mail.company.com", [SPF], [SPF, _dkim("mg._domainkey.mail.company.com")]) is None
