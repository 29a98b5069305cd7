"""One declaration per input (mailgun_setup.fields): the same broken rule gives the same words, at the
path each way in spells, from the stack file (YAML), from code (``MailgunDomain(...)``, ``SenderIdentity(...)``,
``ReceiverRoute``, ``Webhook``, ``ApiKey``, ``WebhookSigningKey``) and from the provider's ``check()``; and
every place that used to list the inputs again is derived from it."""
import dataclasses
import inspect
import re

import pulumi
import pytest

import mailgun_setup as mg
from mailgun_setup.config import DOMAIN_KEYS, parse_stack_config
from mailgun_setup.errors import ConfigError, UsageError
from mailgun_setup.fields import PLAIN_RULE
from mailgun_setup.resources.api_key import FIELDS as API_KEY_FIELDS, ApiKey, ApiKeyInputs, ApiKeyProvider
from mailgun_setup.resources.domain import FIELDS, DomainInputs, DomainProvider
from mailgun_setup.resources.mailgun_domain import MailgunDomain
from mailgun_setup.resources.route import FIELDS as ROUTE_FIELDS, ReceiverRouteProvider, RouteInputs
from mailgun_setup.resources.sender import FIELDS as SENDER_FIELDS, SenderIdentityProvider, SenderInputs
from mailgun_setup.resources.signing_key import (FIELDS as SIGNING_KEY_FIELDS, WebhookSigningKey,
                                                 WebhookSigningKeyInputs, WebhookSigningKeyProvider)
from mailgun_setup.resources.webhook import FIELDS as WEBHOOK_FIELDS, Webhook, WebhookInputs, WebhookProvider

from .resources.test_public_api import mocks  # noqa: F401 (fixture)

NAME = "mail.company.com"


@pytest.fixture
def mocked(mocks):  # noqa: F811
    """Pulumi's mocks for the code path, taken down afterwards (later tests read pulumi.log from stderr)."""
    yield mocks
    pulumi.runtime.settings.SETTINGS.engine = None
BY_NAME = {f.name: f for f in FIELDS}

# (field, a value that breaks its rule, a fragment of the rule's words); one case per rule.
CASES = [
    ("name", "company.com", "is a registrable root domain"),
    ("name", "co.uk", "is a public suffix"),
    ("name", "bad..name.company.com", "is not a valid hostname"),
    ("region", "ap", "must be one of us, eu, got 'ap'"),
    ("dkim_key_length", 4096, "must be one of 1024, 2048, got 4096"),
    ("dkim_selector", "a.b", "must be a single DNS label"),
    ("retention_days", 5, "must be one of 0, 1, 3, 7, got 5"),
    ("tracking", 2, "must be true or false, got 2"),
    ("receiving", "maybe", "must be true or false, got 'maybe'"),
    ("automatic_sender_security", "x", "must be true or false, got 'x'"),
    ("dkim_rotation_days", 3, "must be between 5 and 3650, got 3"),
    ("dkim_rotation_days", 30, "needs automatic sender security"),
    ("spam_action", "drop", "must be one of disabled, block, tag, got 'drop'"),
    ("wildcard", "x", "must be true or false, got 'x'"),
    ("web_scheme", "ftp", "must be one of http, https, got 'ftp'"),
    ("require_tls", 3, "must be true or false, got 3"),
    ("force_dkim_authority", "no", "must be true or false, got 'no'"),
    ("dns", "bind", "must be one of route53, cloudflare, manual, auto, got 'bind'"),
    ("zone", "other.com", "must be mail.company.com or one of its parent domains"),
    ("zone", "not_a_zone_id", "is neither a zone name"),
]


def _from_yaml(field: str, value) -> dict:
    key = BY_NAME[field].key
    entry = {"name": NAME, key: value}
    with pytest.raises(ConfigError) as caught:
        parse_stack_config({"dns": "manual", "domains": [entry]})
    return {p.path.removeprefix("domains[0]."): p.rule for p in caught.value.problems}


def _from_code(field: str, value) -> dict:
    arguments = {"name": NAME, "dns": "manual", field: value}
    with pytest.raises(UsageError) as caught:
        MailgunDomain("x", **arguments)
    return {p.path.removeprefix("MailgunDomain('x')."): p.rule for p in caught.value.problems}


def _from_check(field: str, value) -> dict:
    result = DomainProvider().check({}, {"name": NAME, field: value})
    return {f.property: f.reason for f in result.failures}


@pytest.mark.parametrize("field,value,words", CASES, ids=[f"{c[0]}={c[1]!r}" for c in CASES])
def test_one_rule_one_message_from_yaml_code_and_check(mocked, field, value, words):
    declared = BY_NAME[field]
    yaml, code = _from_yaml(field, value), _from_code(field, value)
    assert words in yaml[declared.key]
    assert code[field] == yaml[declared.key]
    if declared.stored:  # an input of the mailgun:Domain resource: its check() says it too
        assert _from_check(field, value)[field] == yaml[declared.key]
    else:  # dns, zone, dmarc go to the DNS and verification resources, whose checks see them resolved
        assert field not in DomainInputs.FIELDS or not declared.stored


def test_verify_timeout_is_the_stacks_in_yaml_with_the_same_words(mocked):
    with pytest.raises(ConfigError) as caught:
        parse_stack_config({"verifyTimeout": 5, "domains": [{"name": NAME}]})
    yaml = {p.path: p.rule for p in caught.value.problems}["verifyTimeout"]
    assert _from_code("verify_timeout", 5)["verify_timeout"] == yaml == "must be between 10 and 86400, got 5"


def test_dmarc_policy_same_words_from_a_mapping_and_a_dmarc(mocked):
    yaml = _from_yaml("dmarc", {"policy": "bogus"})
    code = _from_code("dmarc", mg.Dmarc(policy="bogus"))
    assert yaml == code and any(path.startswith("dmarc.") for path in code)


def test_an_output_where_a_plain_value_is_needed(mocked):
    for field in (f.name for f in FIELDS if f.plain):
        got = _from_code(field, pulumi.Output.from_input("x"))
        assert "must be a plain value, not an Output" in got[field], field


def test_the_constructor_signature_matches_the_declaration():
    """The signature is written out (IDEs, type checkers and the API reference read it statically);
    this keeps its keywords and defaults those of the declaration."""
    parameters = inspect.signature(MailgunDomain.__init__).parameters
    declared = {f.name: f.default for f in FIELDS if f.rule is not None}
    assert set(declared) <= set(parameters)
    assert set(parameters) - set(declared) == {"self", "resource_name", "opts"}
    for name, default in declared.items():
        expected = inspect.Parameter.empty if BY_NAME[name].required else default
        assert parameters[name].default == expected, name


def test_stack_keys_and_inputs_come_from_the_declaration():
    assert DOMAIN_KEYS[:len([f for f in FIELDS if f.key])] == tuple(f.key for f in FIELDS if f.key)
    defaults = DomainInputs(name=NAME)
    for f in FIELDS:
        if f.stored and not f.required:
            expected = f.derive(vars(defaults)) if f.derive else f.default_value()
            assert getattr(defaults, f.name) == expected, f.name


def test_outputs_are_declared_once_by_the_resources_annotations():
    """A resource registers a placeholder for each ``pulumi.Output`` annotation that is not an input."""
    from mailgun_setup.resources.domain import Domain
    from mailgun_setup.resources.inputs import outputs_of
    from mailgun_setup.resources.route import ReceiverRoute
    from mailgun_setup.resources.dns_records import DomainRecords
    props = DomainInputs(name=NAME).props(Domain)
    assert {"state", "sender_records", "smtp_login", "effective_retention_days"} <= set(props)
    assert props["name"] == NAME  # an output that is also an input keeps its value
    assert "waiting" in outputs_of(ReceiverRoute) and "keep" in outputs_of(DomainRecords)


# --- the resources hung on a domain, and the account's keys ------------------------------------------------
# Each case: the arguments given (by Python name, beside valid ones), the path (Python spelling) and a
# fragment of the words. The stack file spells the path with its keys (``action`` for ``actions``).

ADDRESS = f"a@{NAME}"


def _yaml_problems(fields: tuple, given: dict, stack, prefix: str) -> dict:
    """The stack file's problems under ``prefix``, their paths spelt with Python names."""
    key_of = {f.name: f.key for f in fields if f.key}
    name_of = {key: name for name, key in key_of.items()}
    with pytest.raises(ConfigError) as caught:
        parse_stack_config(stack({key_of[k]: v for k, v in given.items()}))
    found = {}
    for problem in caught.value.problems:
        if problem.path.startswith(prefix):
            tail = problem.path.removeprefix(prefix)
            key = re.match(r"\w+", tail)[0]
            found[name_of.get(key, key) + tail[len(key):]] = problem.rule
    return found


def _code_problems(declare, where: str) -> dict:
    with pytest.raises(UsageError) as caught:
        declare()
    return {p.path.removeprefix(f"{where}."): p.rule for p in caught.value.problems}


def _check_problems(provider, news: dict) -> dict:
    return {f.property: f.reason for f in provider.check({}, news).failures}


def _sender_ways(given: dict) -> tuple:
    entry = {"username": ADDRESS, **given}
    yaml = _yaml_problems(SENDER_FIELDS, given, lambda e: {"domains": [{"name": NAME, "senders": [
        {"username": ADDRESS, **e}]}]}, "domains[0].senders[0].")
    code = _code_problems(lambda: mg.SenderIdentity("x", domain=MailgunDomain("d", name=NAME, dns="manual"), **entry),
                          "SenderIdentity('x')")
    check = _check_problems(SenderIdentityProvider(), {"domain": NAME, "region": "us", **entry})
    return yaml, code, check


def _route_ways(given: dict) -> tuple:
    yaml = _yaml_problems(ROUTE_FIELDS, given, lambda e: {"domains": [{
        "name": NAME, "receiving": True, "senders": [{"username": ADDRESS}],
        "routes": [{"recipient": ADDRESS, "action": "stop()", **e}]}]}, "domains[0].routes[0].")

    def declare():
        sender = mg.SenderIdentity("s", domain=MailgunDomain("d", name=NAME, dns="manual", receiving=True),
                                   username=ADDRESS)
        mg.ReceiverRoute("x", sender=sender, **{"actions": "stop()", **given})
    code = _code_problems(declare, "ReceiverRoute('x')")
    check = _check_problems(ReceiverRouteProvider(), {"domain": NAME, "region": "us", "recipient": ADDRESS,
                                                      "actions": ["stop()"], **given})
    return yaml, code, check


def _webhook_ways(given: dict) -> tuple:
    entry = {"kind": "delivered", "urls": ["https://hooks.example/in"], **given}
    yaml = _yaml_problems(WEBHOOK_FIELDS, given, lambda e: {"domains": [{"name": NAME, "webhooks": [
        {"kind": "delivered", "urls": ["https://hooks.example/in"], **e}]}]}, "domains[0].webhooks[0].")
    code = _code_problems(lambda: Webhook("x", domain=MailgunDomain("d", name=NAME, dns="manual"), **entry),
                          "Webhook('x')")
    check = _check_problems(WebhookProvider(), {"domain": NAME, "region": "us", **entry})
    return yaml, code, check


def _api_key_ways(given: dict) -> tuple:
    entry = {"role": "basic", **given}
    yaml = _yaml_problems(API_KEY_FIELDS, given, lambda e: {"domains": [{"name": NAME}], "apiKeys": [
        {"name": "k", **e}]}, "apiKeys[0].")
    code = _code_problems(lambda: ApiKey("x", **entry), "ApiKey('x')")
    check = _check_problems(ApiKeyProvider(), entry)
    return yaml, code, check


def _signing_key_ways(given: dict) -> tuple:
    yaml = _yaml_problems(SIGNING_KEY_FIELDS, given, lambda e: {"domains": [{"name": NAME}],
                                                                "webhookSigningKey": e}, "webhookSigningKey.")
    code = _code_problems(lambda: WebhookSigningKey("x", **given), "WebhookSigningKey('x')")
    check = _check_problems(WebhookSigningKeyProvider(), given)
    return yaml, code, check


WAYS = {"SenderIdentity": _sender_ways, "ReceiverRoute": _route_ways, "Webhook": _webhook_ways,
        "ApiKey": _api_key_ways, "WebhookSigningKey": _signing_key_ways}

# (resource, arguments that break one rule, the path it names, a fragment of its words); one case per rule.
RESOURCE_CASES = [
    ("SenderIdentity", {"username": "alice"}, "username", "'alice' must be a full address <local>@<domain>"),
    ("SenderIdentity", {"username": "hr@company.com"}, "username",
     f"hr@company.com must be an address at this domain, {NAME}"),
    ("SenderIdentity", {"username": 42}, "username", "must be a string, got int"),
    ("SenderIdentity", {"password": "abcd"}, "password", "must be 5 to 32 characters long"),
    ("SenderIdentity", {"password": 123456}, "password", "must be a string, got int"),
    ("ReceiverRoute", {"actions": "drop()"}, "actions", "'drop()' is not an action; use"),
    ("ReceiverRoute", {"actions": []}, "actions", "must be a string or a non-empty list of strings, got list"),
    ("ReceiverRoute", {"actions": ["stop()", "store()"]}, "actions[0]", "stop() must be the last action"),
    ("ReceiverRoute", {"actions": ["store()", 7]}, "actions[1]", "must be a string, got int"),
    ("ReceiverRoute", {"actions": 'forward("ftp://x/y")'}, "actions",
     "forward target 'ftp://x/y' must be an http(s) URL or an e-mail address"),
    ("ReceiverRoute", {"actions": 'store(notify="x")'}, "actions", "store notify 'x' must be an http(s) URL"),
    ("ReceiverRoute", {"description": "x" * 256}, "description", "must be at most 255 characters"),
    ("ReceiverRoute", {"description": ["x"]}, "description", "must be a string, got list"),
    ("ReceiverRoute", {"priority": 40000}, "priority", "must be between 0 and 32767, got 40000"),
    ("ReceiverRoute", {"priority": "soon"}, "priority", "must be an integer, got 'soon'"),
    ("Webhook", {"kind": "bounced"}, "kind", "must be one of accepted, delivered, opened, clicked, unsubscribed, "
                                             "complained, permanent_fail, temporary_fail, got 'bounced'"),
    ("Webhook", {"urls": [f"https://h/{i}" for i in range(4)]}, "urls", "at most 3 URLs per kind, got 4"),
    ("Webhook", {"urls": []}, "urls", "at least one URL is required (at most 3)"),
    ("Webhook", {"urls": {"a": "https://h/a"}}, "urls", "must be a list, got dict"),
    ("Webhook", {"urls": ["https://h/a", "ftp://h/b"]}, "urls[1]", "must be an http:// or https:// URL with a host"),
    ("Webhook", {"urls": ["https://h/a", "https://h/a"]}, "urls[1]", "appears twice"),
    ("ApiKey", {"role": "owner"}, "role", "must be one of admin, basic, sending, developer, got 'owner'"),
    ("ApiKey", {"role": "sending"}, "domain",
     "is required for the sending role (Mailgun's sending keys belong to one domain)"),
    ("ApiKey", {"role": "basic", "domain": NAME}, "role",
     "must be sending when domain is given (a domain key can only send), got 'basic'"),
    ("ApiKey", {"role": "sending", "domain": "company.com"}, "domain", "company.com is a registrable root domain"),
    ("ApiKey", {"description": "x" * 256}, "description", "must be at most 255 characters"),
    ("ApiKey", {"expiration": -5}, "expiration", "must be between 1 and 315360000, got -5"),
    ("ApiKey", {"expiration": "soon"}, "expiration", "must be an integer, got 'soon'"),
    ("WebhookSigningKey", {"rotate": 3}, "rotate", "must be a string, got int"),
]


@pytest.mark.parametrize("resource,given,path,words", RESOURCE_CASES,
                         ids=[f"{c[0]}:{c[2]}={c[1]!r:.40}" for c in RESOURCE_CASES])
def test_one_rule_of_a_resource_one_message_from_yaml_code_and_check(mocked, resource, given, path, words):
    yaml, code, check = WAYS[resource](given)
    assert words in yaml[path], yaml
    assert code == {path: yaml[path]}, code
    assert check == {path: yaml[path]}, check


# Inputs a stack file does not spell (filled in from the domain, or code only): code and check() agree.
CODE_ONLY = [
    ("Webhook", lambda: Webhook("x", domain=NAME, region="asia", kind="opened", urls=["https://h/a"]),
     WebhookProvider(), {"domain": NAME, "region": "asia", "kind": "opened", "urls": ["https://h/a"]},
     "region", "must be one of us, eu, got 'asia'"),
    ("Webhook", lambda: Webhook("x", domain="company.com", kind="opened", urls=["https://h/a"]),
     WebhookProvider(), {"domain": "company.com", "kind": "opened", "urls": ["https://h/a"]},
     "domain", "company.com is a registrable root domain"),
    ("ApiKey", lambda: ApiKey("x", role="basic", region="asia"), ApiKeyProvider(),
     {"role": "basic", "region": "asia"}, "region", "must be one of us, eu, got 'asia'"),
    ("WebhookSigningKey", lambda: WebhookSigningKey("x", region="asia"), WebhookSigningKeyProvider(),
     {"region": "asia"}, "region", "must be one of us, eu, got 'asia'"),
]


@pytest.mark.parametrize("resource,declare,provider,news,path,words", CODE_ONLY,
                         ids=[f"{c[0]}:{c[4]}" for c in CODE_ONLY])
def test_an_input_only_code_gives_has_the_same_words_from_code_and_check(mocked, resource, declare, provider,
                                                                         news, path, words):
    code = _code_problems(declare, f"{resource}('x')")
    assert words in code[path] and _check_problems(provider, news) == code


def test_a_route_recipient_same_words_from_yaml_and_check():
    """In code the recipient is a SenderIdentity's address (``sender=``), so it has no words of its own there."""
    yaml = _yaml_problems(ROUTE_FIELDS, {"recipient": "alice"}, lambda e: {"domains": [{
        "name": NAME, "receiving": True, "senders": [{"username": ADDRESS}],
        "routes": [{"action": "stop()", **e}]}]}, "domains[0].routes[0].")
    check = _check_problems(ReceiverRouteProvider(), {"domain": NAME, "region": "us", "recipient": "alice",
                                                      "actions": ["stop()"]})
    assert yaml == check == {"recipient": "'alice' must be a full address <local>@<domain> whose local part is "
                                          "1-64 characters A-Z, a-z, 0-9 and . _ % + -"}


@pytest.mark.parametrize("inputs", [SenderInputs, RouteInputs, WebhookInputs, ApiKeyInputs, WebhookSigningKeyInputs],
                         ids=lambda cls: cls.__name__)
def test_a_resources_inputs_class_comes_from_its_declaration(inputs):
    """The stored fields, in their order, with their defaults (the property names and defaults in state)."""
    stored = [f for f in inputs.FIELDS if f.stored]
    assert [f.name for f in dataclasses.fields(inputs) if f.name != "holder"] == [f.name for f in stored]
    defaults = inputs.defaults()
    assert all(defaults[f.name] == f.default_value() for f in stored if not f.required)


def test_an_output_is_judged_at_apply_even_inside_a_list(mocked):
    sender = mg.SenderIdentity("s", domain=MailgunDomain("d", name=NAME, dns="manual", receiving=True),
                               username=ADDRESS, password=pulumi.Output.secret("from-config-1"))
    mg.ReceiverRoute("r", sender=sender, actions=[pulumi.Output.from_input("stop()")],
                     priority=pulumi.Output.from_input(3))
    got = _code_problems(lambda: mg.SenderIdentity("x", domain=sender.mailgun_domain,
                                                   username=pulumi.Output.from_input(f"b@{NAME}")),
                         "SenderIdentity('x')")
    assert got == {"username": PLAIN_RULE}  # the login names the object the domain's claim lists
