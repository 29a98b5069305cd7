"""The JSON Schema of stack files: generated from the declarations, committed, referenced by every
committed stack, and it rejects the bad-input catalogue's YAML mistakes (or says why it cannot)."""
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from mailgun_setup import schema

from .reliability.test_bad_input import PASSWORD_4, PASSWORD_33, _stack_members, _stack_shape

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "schema" / "stack-config.schema.json"
STACKS = sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))
REFERENCE = "# yaml-language-server: $schema=../schema/stack-config.schema.json"

# Catalogue cases a schema cannot judge, and why: each needs another value, a list or the public suffix list.
BEYOND_A_SCHEMA = {
    "a registrable root domain": "needs the Public Suffix List",
    "a public suffix": "needs the Public Suffix List",
    "the same subdomain twice (other case, trailing dot)": "compares two entries (JSON Schema's uniqueItems "
                                                           "is exact, not case- or dot-insensitive)",
    "a zone that does not hold the subdomain": "relates zone to name",
    "a Route 53 zone id with dns: cloudflare": "relates zone to dns",
    "a password of 4 characters": "the stack file holds it encrypted ({secure: …})",
    "a password of 33 characters": "the stack file holds it encrypted ({secure: …})",
    "a sender outside its subdomain": "relates username to the domain's name",
    "the same sender twice": "compares two entries",
    "a route recipient that is not a sender": "relates a route to the senders",
    "stop() before another action": "relates the items of one list",
    "a route on a domain without receiving": "relates routes to receiving",
}


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(COMMITTED.read_text()))


def test_the_committed_schema_is_the_generated_one():
    assert COMMITTED.read_text() == schema.render(), \
        "regenerate it: python -m mailgun_setup.schema > schema/stack-config.schema.json"


@pytest.mark.parametrize("stack", STACKS, ids=[s.name for s in STACKS])
def test_every_committed_stack_references_and_passes_the_schema(stack):
    text = stack.read_text()
    assert text.splitlines()[0] == REFERENCE
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(yaml.safe_load(text))]
    assert not errors, errors


def _path(error) -> str:
    path = ""
    for part in list(error.absolute_path)[2:]:  # under config / mailgun-setup:<key>
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    key = str(error.absolute_path[1]).removeprefix(schema.PREFIX) if len(error.absolute_path) > 1 else ""
    return key + path


def _named(error) -> set[str]:
    """The catalogue paths an error names: its own, or each unknown key of a mapping."""
    path = _path(error)
    if error.validator == "additionalProperties":
        return {f"{path}.{key}" for key in error.instance if key not in error.schema.get("properties", {})}
    return {path}


def _stack_file(raw: dict) -> dict:
    return {"config": {schema.PREFIX + key: value for key, value in raw.items()}}


def test_the_catalogues_yaml_mistakes_fail_the_schema():
    shape, shape_cases = _stack_shape("u")
    members, member_cases = _stack_members("u")
    senders = members["domains"][0]["senders"]
    senders[0]["password"], senders[1]["password"] = {"secure": PASSWORD_4}, {"secure": PASSWORD_33}
    named = set()
    for raw in (shape, members):
        for error in _validator().iter_errors(_stack_file(raw)):
            named |= _named(error)
    cases = shape_cases + member_cases
    assert set(BEYOND_A_SCHEMA) <= {c.name for c in cases}
    missed = [f"{c.name} ({c.path})" for c in cases if c.name not in BEYOND_A_SCHEMA and c.path not in named]
    assert not missed, f"not rejected by the schema: {missed}; the schema named {sorted(named)}"
    caught = [c.name for c in cases if c.name in BEYOND_A_SCHEMA and c.path in named]
    assert not caught, f"the schema does catch these now; take them out of BEYOND_A_SCHEMA: {caught}"
