"""One declaration per input (mailgun_setup.fields): the same broken rule gives the same words, at the
path each way in spells, from the stack file (YAML), from code (``MailgunDomain(...)``) and from the
provider's ``check()``; and every place that used to list the inputs again is derived from it."""
import inspect

import pulumi
import pytest

import mailgun_setup as mg
from mailgun_setup.config import DOMAIN_KEYS, parse_stack_config
from mailgun_setup.errors import ConfigError, UsageError
from mailgun_setup.resources.domain import FIELDS, DomainInputs, DomainProvider
from mailgun_setup.resources.mailgun_domain import MailgunDomain

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
