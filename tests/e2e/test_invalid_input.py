"""Bad input stops `pulumi preview` with every problem named, before any service sees a write."""
import pytest

from .harness import make_project

pytestmark = pytest.mark.engine


def test_config_errors_are_all_reported_at_preview_with_zero_writes(tmp_path, sandbox_env, sandbox, unique):
    project = make_project(tmp_path, sandbox_env)
    project.init("bad", {"dns": "route53", "domains": [
        {"name": f"{unique}.com"},
        {"name": f"mail.{unique}.com", "region": "ap", "retentionDays": 5,
         "senders": [{"username": f"support@{unique}.com"}, {"username": f"it@mail.{unique}.com"}],
         "routes": [{"recipient": f"nobody@mail.{unique}.com", "action": "drop()"}]}]})
    project.set_secret("bad", "domains[1].senders[1].password", "abc")
    sandbox.clear_request_logs()
    preview = project.pulumi("preview", "--stack", "bad", check=False)
    assert preview.returncode != 0
    text = preview.stdout + preview.stderr
    for expected in ("domains[0].name", "registrable root domain", "domains[1].region", "domains[1].retentionDays",
                     "domains[1].senders[0].username", "domains[1].senders[1].password", "domains[1].routes",
                     "domains[1].routes[0].recipient", "domains[1].routes[0].action"):
        assert expected in text, expected
    assert "abc" not in text.replace("abc123", "")
    assert sum(sandbox.write_calls().values()) == 0
    assert all(not sandbox.request_log(s) for s in ("mailgun-us", "mailgun-eu", "route53", "cloudflare"))


def test_a_missing_zone_fails_preview_before_any_write(tmp_path, sandbox_env, sandbox, unique):
    project = make_project(tmp_path, sandbox_env)
    project.init("nozone", {"dns": "route53", "domains": [{"name": f"mail.{unique}-nozone.com"}]})
    sandbox.clear_request_logs()
    preview = project.pulumi("preview", "--stack", "nozone", check=False)
    assert preview.returncode != 0
    assert f"no public Route 53 hosted zone holds mail.{unique}-nozone.com" in preview.stdout
    assert "dns: manual" in preview.stdout
    assert sum(sandbox.write_calls().values()) == 0
