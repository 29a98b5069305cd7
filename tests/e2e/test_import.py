"""`mailgun-setup import DOMAIN --stack S`: Pulumi's import, made to reach our dynamic provider.

The happy path, followed by `up`, refresh and destroy, is part of `test_lifecycle.py`.
"""
import json
import os

import pytest

from .harness import hand_made_domain, mailgun, make_project

pytestmark = pytest.mark.engine


@pytest.fixture
def legacy(tmp_path, sandbox_env, unique):
    """A project whose stack declares a domain somebody made by hand in Mailgun (US, selector mg)."""
    domain, _zone_id, _body = hand_made_domain(sandbox_env, unique)
    project = make_project(tmp_path, sandbox_env)
    project.init("prod", {"dns": "route53", "domains": [{"name": domain, "retentionDays": 1}]})
    yield project, domain
    for region in ("us", "eu"):
        if mailgun(region).get_domain(domain) is not None:
            mailgun(region).delete_domain(domain)


def test_preview_only_shows_the_import_and_changes_nothing(legacy):
    project, domain = legacy
    shown = project.mailgun_setup("import", domain, "--stack", "prod", "--preview-only")
    assert shown.returncode == 0, shown.stderr
    assert "2 to import" in shown.stdout
    assert project.urns("prod") == []


def test_imported_state_carries_no_credentials(legacy):
    project, domain = legacy
    assert project.mailgun_setup("import", domain, "--stack", "prod").returncode == 0
    state = project.pulumi("stack", "export", "--stack", "prod").stdout
    assert os.environ["MAILGUN_API_KEY"] not in state
    assert domain in state


def test_a_qualified_stack_name_imports_once_with_the_short_owner(legacy):
    project, domain = legacy
    first = project.mailgun_setup("import", domain, "--stack", "organization/mailgun-setup/prod")
    assert first.returncode == 0, first.stderr
    state = json.loads(project.pulumi("stack", "export", "--stack", "prod").stdout)
    (imported,) = [r for r in state["deployment"]["resources"] if r["urn"].endswith(f"mailgun:Domain::{domain}")]
    assert imported["outputs"]["owner"] == "mailgun-setup/prod"  # the claim other stacks compare against
    again = project.mailgun_setup("import", domain, "--stack", "prod")
    assert again.returncode == 2 and f"{domain} is already managed by stack prod" in again.stderr


def test_after_a_failed_up_the_import_joins_the_existing_component(legacy):
    project, domain = legacy
    project.pulumi("config", "set", "--path", "mailgun-setup:domains[0].dkimSelector", "pic", "--stack", "prod")
    failed = project.pulumi("up", "--yes", "--stack", "prod", check=False)
    assert failed.returncode != 0 and "set dkimSelector: mg to adopt it" in failed.stdout
    assert any(u.endswith(f"MailgunDomain::{domain}") for u in project.urns("prod"))  # the component is in state
    project.pulumi("config", "set", "--path", "mailgun-setup:domains[0].dkimSelector", "mg", "--stack", "prod")
    imported = project.mailgun_setup("import", domain, "--stack", "prod")
    assert imported.returncode == 0, imported.stderr
    assert "1 imported" in imported.stdout
    project.up("prod")
    project.pulumi("preview", "--expect-no-changes", "--stack", "prod")
    assert project.outputs("prod")["domains"][domain]["senderStatus"] == "Verified"


def test_an_undeclared_domain_is_refused_before_anything_is_read(legacy):
    project, domain = legacy
    other = f"other.{domain.split('.', 1)[1]}"
    refused = project.mailgun_setup("import", other, "--stack", "prod")
    assert refused.returncode == 2
    assert f"domains: {other} is not declared in stack prod" in refused.stderr


def test_a_domain_missing_from_mailgun_is_a_clear_error(legacy):
    project, domain = legacy
    mailgun("us").delete_domain(domain)
    refused = project.mailgun_setup("import", domain, "--stack", "prod")
    assert refused.returncode == 2 and "does not exist in Mailgun's US region" in refused.stderr
    assert project.urns("prod") == []


def test_the_wrong_region_and_selector_are_named(legacy):
    project, domain = legacy
    project.pulumi("config", "set", "--path", "mailgun-setup:domains[0].region", "eu", "--stack", "prod")
    wrong_region = project.mailgun_setup("import", domain, "--stack", "prod")
    assert wrong_region.returncode == 2 and "region: " in wrong_region.stderr
    assert "Mailgun's US region, not EU" in wrong_region.stderr

    project.pulumi("config", "set", "--path", "mailgun-setup:domains[0].region", "us", "--stack", "prod")
    project.pulumi("config", "set", "--path", "mailgun-setup:domains[0].dkimSelector", "pic", "--stack", "prod")
    wrong_selector = project.mailgun_setup("import", domain, "--stack", "prod")
    assert wrong_selector.returncode == 2 and "dkimSelector: " in wrong_selector.stderr
    assert "selector 'mg'" in wrong_selector.stderr
    assert project.urns("prod") == []
