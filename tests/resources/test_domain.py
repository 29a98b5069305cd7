"""The Domain provider against the Mailgun emulator: plan-limited retention, DKIM authority,
automatic sender security, and what the user is told."""
import pytest

from mailgun_setup import records
from mailgun_setup.errors import ConfigError
from mailgun_setup.mailgun.client import MailgunClient, api_key_from_env
from mailgun_setup.resources.domain import DomainProvider


@pytest.fixture
def account(sandbox, sandbox_env):
    defaults = sandbox.mailgun.settings({})
    yield sandbox.mailgun
    sandbox.mailgun.settings(defaults)


@pytest.fixture
def mailgun(sandbox_env):
    return MailgunClient(api_key_from_env(), "us")


def _inputs(name, **extra):
    """What check() makes of the inputs a program declares (None = not declared)."""
    checked = DomainProvider().check({}, {"name": name, **extra})
    assert not checked.failures
    return checked.inputs


def _dkim(outputs):
    return [r for r in outputs["sender_records"] if r["purpose"] == "DKIM"]


# --- retention ----------------------------------------------------------------------------------
def test_retention_not_declared_is_left_to_the_plan(account, unique):
    account.settings({"plan": "free", "over_plan": "refuse"})  # any message_ttl above 0 is refused
    props = _inputs(f"mail.{unique}.com")
    assert props["retention_days"] is None
    outputs = DomainProvider().create(props).outs
    assert outputs["retention_days"] is None and outputs["effective_retention_days"] == 0


def test_retention_capped_by_the_plan_is_said_once_and_never_diffs(account, unique, capsys):
    account.settings({"plan": "foundation"})  # caps at 1 day
    provider = DomainProvider()
    props = _inputs(f"mail.{unique}.com", retention_days=7)
    outputs = provider.create(props).outs
    said = capsys.readouterr().err
    assert "keeps messages for 1 day(s), not the 7 asked for" in said and "plan" in said
    assert outputs["retention_days"] == 7 and outputs["effective_retention_days"] == 1
    again = provider.diff(f"mail.{unique}.com", outputs, _inputs(f"mail.{unique}.com", retention_days=7))
    assert again.changes is False  # the next `pulumi up` re-applies nothing
    refreshed = provider.read(f"mail.{unique}.com", outputs).outs
    assert provider.diff(f"mail.{unique}.com", refreshed, props).changes is False
    assert "keeps messages" not in capsys.readouterr().err


def test_retention_refused_by_the_plan_names_the_limit(account, unique):
    account.settings({"plan": "free", "over_plan": "refuse"})
    with pytest.raises(ConfigError, match=r"retention_days: Mailgun refused 3 days .* plan limits retention"):
        DomainProvider().create(_inputs(f"mail.{unique}.com", retention_days=3))


# --- DKIM authority -----------------------------------------------------------------------------
def test_a_subdomain_of_a_root_on_the_account_keeps_its_own_dkim_record(mailgun, unique):
    mailgun.create_domain(f"{unique}.com", 1024, dkim_selector="krs")  # the root, on the same account
    outputs = DomainProvider().create(_inputs(f"mail.{unique}.com")).outs
    assert [r["name"] for r in _dkim(outputs)] == [f"mg._domainkey.mail.{unique}.com"]  # as preview said


def test_adopting_a_domain_whose_dkim_lives_under_its_root_says_so(mailgun, unique, capsys):
    mailgun.create_domain(f"{unique}.com", 1024, dkim_selector="krs")
    mailgun.create_domain(f"mail.{unique}.com", 1024, dkim_selector="mg")  # by hand: shares the root's key
    outputs = DomainProvider().create(_inputs(f"mail.{unique}.com")).outs
    assert outputs["adopted"] is True
    assert [r["name"] for r in _dkim(outputs)] == [f"krs._domainkey.{unique}.com"]  # Mailgun's name, not ours
    said = capsys.readouterr().err
    assert f"Mailgun asks for DKIM at krs._domainkey.{unique}.com, not mg._domainkey.mail.{unique}.com" in said
    assert "shared DKIM authority" in said


# --- automatic sender security ------------------------------------------------------------------
def test_adopting_a_domain_with_automatic_sender_security_keeps_its_dkim_cnames(mailgun, unique, capsys):
    name = f"mail.{unique}.com"
    mailgun.create_domain(name, 1024, use_automatic_sender_security="true")
    outputs = DomainProvider().create(_inputs(name, tracking=False)).outs
    assert sorted((r["type"], r["name"]) for r in _dkim(outputs)) == [
        ("CNAME", f"pdk1._domainkey.{name}"), ("CNAME", f"pdk2._domainkey.{name}")]
    assert not [r for r in outputs["sender_records"] if r["purpose"] == "tracking"]  # tracking is off
    assert "automatic sender security" in capsys.readouterr().err


def test_automatic_sender_security_as_an_input(mailgun, unique):
    name = f"mail.{unique}.com"
    outputs = DomainProvider().create(_inputs(name, automatic_sender_security=True)).outs
    assert mailgun.get_domain(name)["domain"]["use_automatic_sender_security"] is True
    assert {r["name"] for r in _dkim(outputs)} == {f"pdk1._domainkey.{name}", f"pdk2._domainkey.{name}"}


def test_record_purposes_come_from_name_and_value():
    body = {"domain": {"name": "mail.example.com"}, "receiving_dns_records": [], "sending_dns_records": [
        {"record_type": "CNAME", "name": "pdk1._domainkey.mail.example.com",
         "value": "pdk1._domainkey.abc.dkim1.mailgun.com"},
        {"record_type": "CNAME", "name": "email.mail.example.com", "value": "mailgun.org"},
        {"record_type": "TXT", "name": "mail.example.com", "value": "v=spf1 include:mailgun.org ~all"}]}
    with_tracking, _ = records.from_mailgun(body, tracking=True)
    assert [r["purpose"] for r in with_tracking] == ["DKIM", "tracking", "SPF"]
    without, _ = records.from_mailgun(body, tracking=False)
    assert [r["purpose"] for r in without] == ["DKIM", "SPF"]


# --- what Mailgun already says at preview ---------------------------------------------------------
def _check_failures(olds, name, **extra):
    return {f.property: f.reason for f in DomainProvider().check(olds, {"name": name, **extra}).failures}


def test_a_refused_api_key_fails_check_naming_apikey_without_the_key(sandbox, sandbox_env, monkeypatch, unique):
    monkeypatch.setenv("MAILGUN_API_KEY", "key-not-of-this-account")
    reasons = _check_failures({}, f"mail.{unique}.com")
    assert list(reasons) == ["apiKey"] and "Mailgun refused the API key (401)" in reasons["apiKey"]
    assert "key-not-of-this-account" not in reasons["apiKey"]


def test_a_replacement_into_the_other_region_passes_check(sandbox, sandbox_env, mailgun, unique):
    """The engine checks a replacement with no olds: the domain it replaces is no error there."""
    name = f"mail.{unique}.com"
    MailgunClient(api_key_from_env(), "eu").create_domain(name, 1024, 0, dkim_selector="mg")
    assert _check_failures({}, name, region="us") == {}


def test_a_domain_already_in_state_asks_mailgun_nothing_at_check(sandbox, sandbox_env, unique):
    props = _inputs(f"mail.{unique}.com")
    sandbox.clear_request_logs()
    assert _check_failures(props, props["name"]) == {}
    assert not sandbox.request_log("mailgun-us") and not sandbox.request_log("mailgun-eu")


# --- domain settings and automatic sender security rotation ----------------------------------------
def test_declared_settings_are_sent_read_back_by_refresh_and_repaired_in_place(account, mailgun, unique):
    provider = DomainProvider()
    name = f"mail.{unique}.com"
    props = _inputs(name, spam_action="block", wildcard=True, web_scheme="https", require_tls=True)
    outputs = provider.create(props).outs
    domain = mailgun.get_domain(name)["domain"]
    assert (domain["spam_action"], domain["wildcard"], domain["web_scheme"], domain["require_tls"]) == (
        "block", True, "https", True)
    mailgun.update_domain(name, spam_action="tag", web_scheme="http")  # changed in the dashboard
    refreshed = provider.read(name, outputs).outs
    assert (refreshed["spam_action"], refreshed["web_scheme"]) == ("tag", "http")
    diff = provider.diff(name, refreshed, props)
    assert diff.changes and not diff.replaces  # shown by refresh, repaired in place
    provider.update(name, refreshed, props)
    domain = mailgun.get_domain(name)["domain"]
    assert (domain["spam_action"], domain["web_scheme"]) == ("block", "https")


def test_undeclared_settings_are_left_to_mailgun_and_never_diff(account, mailgun, unique):
    provider = DomainProvider()
    name = f"mail.{unique}.com"
    props = _inputs(name)
    outputs = provider.create(props).outs
    mailgun.update_domain(name, spam_action="tag")
    refreshed = provider.read(name, outputs).outs
    assert refreshed["spam_action"] is None and not provider.diff(name, refreshed, props).changes


def test_settings_are_checked_at_preview_naming_the_field_and_the_rule():
    failures = DomainProvider().check({}, {"name": "mail.company.com", "spam_action": "maybe", "web_scheme": "ftp",
                                           "wildcard": "yes", "dkim_rotation_days": 3}).failures
    reasons = {f.property: f.reason for f in failures}
    assert reasons["spam_action"] == "must be one of disabled, block, tag, got 'maybe'"
    assert reasons["web_scheme"] == "must be one of http, https, got 'ftp'"
    assert reasons["wildcard"].startswith("must be true or false")
    assert reasons["dkim_rotation_days"].startswith("must be")


def test_automatic_rotation_interval_in_place_both_ways(account, sandbox, unique):
    from mailgun_sandbox.mailgun.domain_keys import key_store
    provider = DomainProvider()
    name = f"mail.{unique}.com"
    props = _inputs(name, automatic_sender_security=True, dkim_rotation_days=30)
    outputs = provider.create(props).outs
    assert key_store(sandbox.mailgun).rotation[name] == {"rotation_enabled": "true", "rotation_interval": "30d"}
    shorter = {**props, "dkim_rotation_days": 7}
    assert not provider.diff(name, outputs, shorter).replaces
    outputs = provider.update(name, outputs, shorter).outs
    assert key_store(sandbox.mailgun).rotation[name]["rotation_interval"] == "7d"
    off = {**props, "dkim_rotation_days": None}
    provider.update(name, outputs, off)
    assert key_store(sandbox.mailgun).rotation[name]["rotation_enabled"] == "false"
    needs_ass = DomainProvider().check({}, {"name": name, "dkim_rotation_days": 7}).failures
    assert [(f.property, f.reason) for f in needs_ass] == [
        ("dkim_rotation_days", "needs automatic sender security: Mailgun only rotates the keys it hosts")]
