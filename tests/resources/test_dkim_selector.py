"""The DKIM selector left out follows the key length (``mailgun.facts.dkim_selector_for``), the same from
a stack file, from code and from the Domain's check(); so a length change alone is a rotation whose new
record name preview knows. A declared selector stays as declared."""
import pytest

from mailgun_setup.config import parse_stack_config
from mailgun_setup.mailgun.facts import dkim_selector_for
from mailgun_setup.resources.domain import DomainInputs, DomainProvider, rotation_problems
from mailgun_setup.resources.mailgun_domain import MailgunDomain

from ..test_fields import mocked  # noqa: F401 (fixture)
from .test_public_api import mocks  # noqa: F401 (fixture)

NAME = "mail.company.com"


def test_the_rule():
    assert (dkim_selector_for(1024), dkim_selector_for(2048)) == ("mg", "mg2048")


@pytest.mark.parametrize("bits,selector", [(None, "mg"), (1024, "mg"), (2048, "mg2048")])
def test_left_out_it_follows_the_length_from_yaml_code_and_check(mocked, sandbox_env, bits, selector):  # noqa: F811
    length = {} if bits is None else {"dkimKeyLength": bits}
    (domain,) = parse_stack_config({"dns": "manual", "domains": [{"name": NAME, **length}]}).domains
    assert domain.dkim_selector == selector
    in_code = MailgunDomain("x", name=NAME, dns="manual", **({} if bits is None else {"dkim_key_length": bits}))
    assert in_code.dkim_selector == selector
    # the engine sends numbers as floats
    checked = DomainProvider().check({}, {"name": NAME, **({} if bits is None else {"dkim_key_length": float(bits)})})
    assert not checked.failures and checked.inputs["dkim_selector"] == selector
    assert DomainInputs(name=NAME, **({} if bits is None else {"dkim_key_length": bits})).dkim_selector == selector


def test_a_declared_selector_is_kept_whatever_the_length(mocked):  # noqa: F811
    (domain,) = parse_stack_config({"dns": "manual", "domains": [
        {"name": NAME, "dkimKeyLength": 2048, "dkimSelector": "s1"}]}).domains
    assert domain.dkim_selector == "s1"
    assert MailgunDomain("x", name=NAME, dns="manual", dkim_key_length=2048, dkim_selector="s1").dkim_selector == "s1"


def _domain(**changes) -> dict:
    return {**DomainInputs.completed({"name": NAME}), **changes}


def test_a_length_change_alone_under_a_declared_selector_says_the_way_out():
    olds = _domain()
    (problem,) = rotation_problems(olds, _domain(dkim_key_length=2048, dkim_selector="mg"))
    assert problem.path == "dkim_selector" and "leave dkim_selector out (it is then mg2048)" in problem.rule
    olds = _domain(dkim_key_length=2048, dkim_selector="mg2048")
    (problem,) = rotation_problems(olds, _domain(dkim_key_length=1024, dkim_selector="mg2048"))
    assert "leave dkim_selector out (it is then mg)" in problem.rule
    olds = _domain(dkim_selector="s1")
    (problem,) = rotation_problems(olds, _domain(dkim_key_length=2048, dkim_selector="s1"))
    assert "leave dkim_selector out (it is then mg2048)" in problem.rule
    olds = _domain(dkim_selector="mg2048")  # declared, and already the name the new length implies
    (problem,) = rotation_problems(olds, _domain(dkim_key_length=2048, dkim_selector="mg2048"))
    assert "set dkim_selector to a new name, e.g. mg20482048" in problem.rule
    assert rotation_problems(_domain(), _domain(dkim_key_length=2048, dkim_selector="mg2048")) == []


def test_preview_says_when_the_rotation_comes_from_the_upgrade(capsys):
    """A 2048-bit domain deployed by 0.2.0 without a selector is at ``mg``; now its selector is mg2048."""
    provider = DomainProvider()
    olds = _domain(dkim_key_length=2048.0, dkim_selector="mg")
    assert provider.diff(NAME, olds, _domain(dkim_key_length=2048, dkim_selector="mg2048")).changes
    said = capsys.readouterr().err
    assert "DKIM key rotation mg (2048) → mg2048 (2048): in place" in said
    assert "set dkim_selector to 'mg' to keep the current key" in said
    provider.diff(NAME, _domain(), _domain(dkim_key_length=2048, dkim_selector="mg2048"))
    said = capsys.readouterr().err
    assert "DKIM key rotation mg (1024) → mg2048 (2048)" in said and "to keep the current key" not in said


def test_a_rotation_needs_the_record_written_within_the_up():
    """Our own writes and a CustomDns writer publish the new key in the same `up`; a sheet does not."""
    change = dict(dkim_key_length=2048, dkim_selector="mg2048")
    (problem,) = rotation_problems(_domain(mode="manual"), _domain(mode="manual", **change))
    assert problem.path == "dkim_selector" and "with dns manual, keep the selector and key length" in problem.rule
    assert rotation_problems(_domain(mode="custom"), _domain(mode="custom", **change)) == []
    # a 2048-bit domain of 0.2.0 on a sheet: the way to keep its key is said
    upgraded = rotation_problems(_domain(mode="manual", dkim_key_length=2048.0, dkim_selector="mg"),
                                 _domain(mode="manual", **change))
    assert "set dkim_selector to 'mg' to keep the current key" in upgraded[0].rule
    assert rotation_problems(_domain(), _domain(**change)) == []
