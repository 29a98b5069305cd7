"""Each dynamic provider's check() and diff(), as the engine calls them (no engine; a new
Domain's check() asks the sandbox's Mailgun, see tests/resources/test_domain.py)."""
from pulumi.output import Unknown

from mailgun_setup.resources.common import known
from mailgun_setup.resources.domain import DomainInputs, DomainProvider
from mailgun_setup.resources.route import ReceiverRouteProvider
from mailgun_setup.resources.sender import SenderIdentityProvider
from mailgun_setup.resources.verification import VerificationProvider


def _failures(result) -> dict:
    return {f.property: f.reason for f in result.failures}


def test_domain_check_fills_declared_defaults_and_names_every_broken_rule(sandbox_env):
    ok = DomainProvider().check({}, {"name": "mail.company.com", "region": None})
    assert not ok.failures
    assert ok.inputs == {**DomainInputs.defaults(), "name": "mail.company.com", "dkim_selector": "mg"}
    assert ok.inputs["retention_days"] is None  # not set: Mailgun's plan default applies

    bad = DomainProvider().check({}, {"name": "company.com", "region": "ap", "dkim_key_length": 4096,
                                      "dkim_selector": "a.b", "retention_days": 5})
    reasons = _failures(bad)
    assert set(reasons) == {"name", "region", "dkim_key_length", "dkim_selector", "retention_days"}
    assert "registrable root domain" in reasons["name"] and "us, eu" in reasons["region"]


def test_domain_check_leaves_unknown_inputs_for_apply(sandbox_env):
    result = DomainProvider().check({}, {"name": "mail.company.com", "region": Unknown(),
                                         "dkim_key_length": 2048.0})
    assert not result.failures  # JSON numbers arrive as floats; unknowns are checked at apply


def test_domain_diff_names_replacements_and_updates_in_place():
    olds = {**DomainInputs.defaults(), "name": "mail.company.com"}
    provider = DomainProvider()
    assert provider.diff("d", olds, {**olds, "region": "eu"}).replaces == ["region"]
    rotation = provider.diff("d", olds, {**olds, "dkim_key_length": 2048, "dkim_selector": "mg2048"})
    assert rotation.changes and rotation.replaces == []  # a DKIM key rotation in place
    assert provider.diff("d", olds, {**olds, "force_dkim_authority": False}).replaces == ["force_dkim_authority"]
    assert provider.diff("d", olds, {**olds, "spam_action": "block", "web_scheme": "https"}).replaces == []
    update = provider.diff("d", olds, {**olds, "retention_days": 7})
    assert update.changes and update.replaces == []
    assert not provider.diff("d", olds, {**olds, "owner": "other/stack", "__provider": "x"}).changes


def test_sender_check_and_the_generated_password_kept_without_diff():
    provider = SenderIdentityProvider()
    bad = provider.check({}, {"domain": "mail.company.com", "username": "x@company.com", "password": "abc"})
    assert set(_failures(bad)) == {"username", "password"} and "abc" not in str(_failures(bad))
    olds = {"domain": "mail.company.com", "region": "us", "username": "a@mail.company.com",
            "password": "generated-by-mailgun", "waiting": None}
    assert not provider.diff("id", olds, {**olds, "password": None}).changes  # no password given: keep it
    assert provider.diff("id", olds, {**olds, "password": "new-one-123"}).changes


def test_a_waiting_sender_changes_once_its_records_are_verified_or_may_be():
    provider = SenderIdentityProvider()
    olds = {"domain": "mail.company.com", "region": "us", "username": "a@mail.company.com", "password": None,
            "waiting": "a@mail.company.com: the sender records ... are Unverified"}
    assert not provider.diff("id", olds, {**olds, "sender_status": "Unverified"}).changes
    assert provider.diff("id", olds, {**olds, "sender_status": "Verified"}).changes
    assert provider.diff("id", olds, {**olds, "sender_status": Unknown()}).changes  # preview: may be created


def test_route_check_normalises_actions_and_names_every_field():
    provider = ReceiverRouteProvider()
    good = provider.check({}, {"domain": "mail.company.com", "recipient": "a@mail.company.com",
                               "actions": [' forward( "https://h.example/in" ) ', "stop( )"]})
    assert not good.failures
    assert good.inputs["actions"] == ['forward("https://h.example/in")', "stop()"]
    assert (good.inputs["priority"], good.inputs["description"]) == (0, "")
    bad = provider.check({}, {"domain": "mail.company.com", "recipient": "a@other.com", "actions": ["drop()"],
                              "priority": 40000, "description": "x" * 300})
    assert set(_failures(bad)) == {"recipient", "actions[0]", "priority", "description"}


def test_route_region_change_is_a_named_replacement():
    olds = {"region": "us", "recipient": "a@mail.company.com", "actions": ["stop()"], "description": "",
            "priority": 0}
    assert ReceiverRouteProvider().diff("r", olds, {**olds, "region": "eu"}).replaces == ["region"]


def test_manual_verification_is_checked_again_on_every_up_until_verified():
    olds = {"domain": "d", "region": "us", "group": "sender", "records": [], "mode": "manual", "requires": None,
            "status": "Unverified"}
    assert VerificationProvider().diff("v", olds, dict(olds)).changes
    assert not VerificationProvider().diff("v", {**olds, "status": "Verified"}, dict(olds)).changes


def test_known_sees_unknowns_nested_in_lists_and_dicts():
    assert known("x") and known([1, {"a": "b"}])
    assert not known(Unknown()) and not known([1, Unknown()]) and not known({"a": [Unknown()]})
