"""The committed stack files are valid stack config (they are examples users copy)."""
import pytest
import yaml

from mailgun_setup.config import parse_stack_config

from .conftest import REPO


@pytest.mark.parametrize("stack", ["sandbox", "uat", "prod"])
def test_committed_stack_config_is_valid(stack):
    path = REPO / "stacks" / f"Pulumi.{stack}.yaml"
    document = yaml.safe_load(path.read_text())
    assert "encryptionsalt" not in document, "a local passphrase salt was committed"
    raw = {key.split(":", 1)[1]: value for key, value in document["config"].items()}
    config = parse_stack_config(raw)
    assert 1 <= len(config.domains) <= 5
    assert "secure" not in path.read_text() or stack != "sandbox"  # the sandbox needs no secrets
