"""The committed sandbox stack (what `make demo` runs) goes from empty to Verified and back."""
import base64
import json
import os
import shutil

import pytest

from ..conftest import REPO
from .harness import make_project, mailgun, new_zone, served

pytestmark = pytest.mark.engine


def test_sandbox_stack_from_empty_to_verified(tmp_path, sandbox_env, sandbox):
    new_zone(sandbox_env, "route53", "company.com")
    new_zone(sandbox_env, "cloudflare", "example.org")
    project = make_project(tmp_path, sandbox_env)
    shutil.copy(REPO / "stacks" / "Pulumi.sandbox.yaml", project.root / "stacks")
    project.pulumi("stack", "init", "sandbox")
    sandbox.clear_request_logs()
    preview = project.pulumi("preview", "--stack", "sandbox")
    # Preview finds the zones and reads each new domain once in its region (the API key's check):
    # no write, one Route 53 zone listing.
    assert sum(sandbox.write_calls().values()) == 0
    assert [r.path for r in sandbox.request_log("mailgun-us")] == ["/v4/domains/mail.company.com"]
    assert [r.path for r in sandbox.request_log("mailgun-eu")] == ["/v4/domains/mg.example.org"]
    assert [r.path for r in sandbox.request_log("route53")].count("/2013-04-01/hostedzone") == 1
    for line in ("dns:Record TXT mg2048._domainkey.mail.company.com", "dns:Record MX mail.company.com mxa",
                 "dns:Record CNAME email.mg.example.org", "dns:Record TXT mg.example.org"):
        assert line in preview.stdout  # each record on its own line, name and type known before apply
    sandbox.clear_request_logs()
    project.up("sandbox")
    writes = sandbox.write_calls()
    assert writes["route53"] == 1 and writes["cloudflare"] == 1  # one batch per subdomain
    domains = project.outputs("sandbox")["domains"]
    for name in ("mail.company.com", "mg.example.org"):
        assert domains[name]["senderStatus"] == "Verified"
    assert domains["mail.company.com"]["receiverStatus"] == "Verified"
    assert domains["mg.example.org"]["receiverStatus"] is None  # outbound only
    assert len(mailgun("us").list_credentials("mail.company.com")) == 3
    assert served("email.mg.example.org", "CNAME") == ("eu.mailgun.org",)
    project.pulumi("preview", "--expect-no-changes", "--stack", "sandbox")

    # Refresh reads with list calls: one credentials list for the 3 senders, one routes list.
    sandbox.clear_request_logs()
    project.pulumi("refresh", "--yes", "--skip-preview", "--stack", "sandbox")  # a preview would read once more
    reads = [r.path for r in sandbox.request_log("mailgun-us")]
    assert reads.count("/v3/domains/mail.company.com/credentials") == 1
    assert reads.count("/v3/routes") == 1, reads
    assert sum(sandbox.write_calls().values()) == 0

    # The pickled provider, stored with every resource, stays small (and holds no credentials).
    state = json.loads(project.pulumi("stack", "export", "--show-secrets", "--stack", "sandbox").stdout)
    pickled = [_plain(r["outputs"]["__provider"]) for r in state["deployment"]["resources"]
               if "__provider" in r["outputs"]]
    assert pickled and max(len(p) for p in pickled) < 4096
    assert not any(os.environ["MAILGUN_API_KEY"] in base64.b64decode(p).decode("latin-1") for p in pickled)
    project.pulumi("destroy", "--yes", "--stack", "sandbox")
    assert mailgun("us").get_domain("mail.company.com") is None


def _plain(value):
    """A state value, unwrapped from its secret envelope (`stack export --show-secrets`)."""
    return json.loads(value["plaintext"]) if isinstance(value, dict) else value
