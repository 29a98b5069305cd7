"""Ownership claims: what one stack publishes, and what another reads back from it."""
from mailgun_setup.ownership import Claim, claim_name, claim_value, claimed_route, claimed_sender, parse_claim


def test_a_claim_round_trips_with_senders_and_routes_by_local_part():
    value = claim_value("mailgun-setup/prod", ["Support@mail.x.com", "hr@mail.x.com"], ["support@mail.x.com"])
    assert value == "mailgun-setup owner=mailgun-setup/prod senders=hr,support routes=support"
    assert parse_claim(value) == Claim("mailgun-setup/prod", frozenset({"hr", "support"}), frozenset({"support"}))
    assert claim_name("mail.x.com") == "_mailgun-setup.mail.x.com"


def test_foreign_txt_values_are_not_claims():
    assert parse_claim("v=spf1 include:mailgun.org ~all") is None
    assert parse_claim("mailgun-setup senders=a") is None  # no owner: not ours to honour


def test_another_stack_keeps_what_it_declares():
    claims = [parse_claim(claim_value("p/uat", ["support@d"], ["support@d"]))]
    assert claimed_sender(claims, "SUPPORT@d") and not claimed_sender(claims, "hr@d")
    assert claimed_route(claims, "support@d") and not claimed_route(claims, "hr@d")
