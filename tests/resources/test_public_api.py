"""The public API as a program sees it (Pulumi's own mocks, no engine): the resource graph it
declares, and misuse stopped while the program runs, naming the argument and the rule."""
import pulumi
import pytest

import mailgun_setup as mg
from mailgun_setup.errors import UsageError


class Recorder(pulumi.runtime.Mocks):
    def __init__(self):
        self.resources = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources[args.name] = args
        return [f"{args.name}-id", args.inputs]

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


@pytest.fixture
def mocks(monkeypatch):
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN", raising=False)
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, project="mailgun-setup", stack="unit", preview=False)
    yield recorder


def _problems(error: UsageError) -> dict:
    return {p.path: p.rule for p in error.problems}


def test_the_domain_declares_its_records_verifications_and_dependants(mocks):
    domain = mg.MailgunDomain("mail", name="Mail.Company.COM", receiving=True, tracking=True, dns="route53",
                              dkim_selector="s1")
    support = mg.SenderIdentity("support", domain=domain, username="Support@mail.company.com",
                                password=pulumi.Output.secret("from-config-1"))
    route = mg.ReceiverRoute("support-route", sender=support, actions='forward("https://helpdesk.example/in")',
                             description="to the helpdesk")

    @pulumi.runtime.test
    def check():
        def verify(_):
            names = set(mocks.resources)
            assert {"mail", "mail records", "mail sender", "mail receiver", "support"} <= names
            lines = sorted(n for n in names if n.startswith(("TXT ", "MX ", "CNAME ")))
            assert lines == ["CNAME email.mail.company.com", "MX mail.company.com mxa", "MX mail.company.com mxb",
                             "TXT mail.company.com", "TXT s1._domainkey.mail.company.com"]
            sender_inputs = mocks.resources["support"].inputs
            assert sender_inputs["username"] == "support@mail.company.com"
            assert sender_inputs["domain"] == "mail.company.com" and sender_inputs["mode"] == "automatic"
            route_inputs = [r for n, r in mocks.resources.items() if r.typ.endswith("mailgun:ReceiverRoute")][0].inputs
            assert route_inputs["recipient"] == "support@mail.company.com"
            assert route_inputs["actions"] == ['forward("https://helpdesk.example/in")']
            claim = mocks.resources["mail records"].inputs["claim"]
            assert claim == "mailgun-setup owner=mailgun-setup/unit senders=support routes=support"
        return pulumi.Output.all(domain.smtp_host, support.urn, route.urn).apply(verify)
    check()


def test_domain_arguments_are_checked_all_at_once(mocks):
    with pytest.raises(UsageError) as caught:
        mg.MailgunDomain("bad", name="company.com", region="ap", dkim_key_length=4096, retention_days=5,
                         dns="godaddy", receiving="yes")
    problems = _problems(caught.value)
    assert "registrable root domain" in problems["MailgunDomain('bad').name"]
    for key in ("region", "dkim_key_length", "retention_days", "dns", "receiving"):
        assert f"MailgunDomain('bad').{key}" in problems, key


def test_structural_arguments_must_be_plain(mocks):
    with pytest.raises(UsageError) as caught:
        mg.MailgunDomain("x", name="mail.company.com", receiving=pulumi.Output.from_input(True))
    assert "plain value, not an Output" in _problems(caught.value)["MailgunDomain('x').receiving"]


def test_a_sender_outside_its_domain_fails_naming_username(mocks):
    domain = mg.MailgunDomain("mail", name="mail.company.com", dns="manual")
    with pytest.raises(UsageError) as caught:
        mg.SenderIdentity("hr", domain=domain, username="hr@company.com", password="abc")
    problems = _problems(caught.value)
    assert "must be an address at this domain, mail.company.com" in problems["SenderIdentity('hr').username"]
    assert "5 to 32" in problems["SenderIdentity('hr').password"]
    assert "abc" not in str(caught.value)


def test_a_sender_needs_a_mailgun_domain(mocks):
    with pytest.raises(UsageError) as caught:
        mg.SenderIdentity("hr", domain="mail.company.com", username="hr@mail.company.com")
    assert "must be a mailgun_setup.MailgunDomain" in str(caught.value)


def test_a_route_on_a_domain_without_receiving_fails_naming_sender(mocks):
    domain = mg.MailgunDomain("mail", name="mail.company.com", dns="manual")
    support = mg.SenderIdentity("support", domain=domain, username="support@mail.company.com")
    with pytest.raises(UsageError) as caught:
        mg.ReceiverRoute("support", sender=support, actions=["drop()"])
    problems = _problems(caught.value)
    assert "receiving=False" in problems["ReceiverRoute('support').sender"]
    assert "is not an action" in problems["ReceiverRoute('support').actions[0]"]


def test_per_domain_limits(mocks):
    domain = mg.MailgunDomain("mail", name="mail.company.com", dns="manual", receiving=True)
    senders = [mg.SenderIdentity(f"s{i}", domain=domain, username=f"s{i}@mail.company.com") for i in range(10)]
    with pytest.raises(UsageError, match="already has 10 senders"):
        mg.SenderIdentity("s10", domain=domain, username="s10@mail.company.com")
    with pytest.raises(UsageError, match="declared twice"):
        mg.SenderIdentity("again", domain=domain, username="s0@mail.company.com")
    for sender in senders:
        mg.ReceiverRoute(sender.address, sender=sender, actions="stop()")
    with pytest.raises(UsageError, match="already has 10 routes"):
        mg.ReceiverRoute("more", sender=senders[0], actions="stop()")


def test_manual_mode_senders_wait_instead_of_failing(mocks):
    domain = mg.MailgunDomain("mail", name="mail.company.com", dns="manual")
    support = mg.SenderIdentity("support", domain=domain, username="support@mail.company.com")

    @pulumi.runtime.test
    def check():
        def verify(values):
            assert values[0] == "manual"
            assert "mail records" not in mocks.resources  # nothing is written in manual mode
            assert mocks.resources["support"].inputs["mode"] == "manual"
        return pulumi.Output.all(domain.dns_provider, support.urn).apply(verify)
    check()
