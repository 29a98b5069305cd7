"""Webhook and ApiKey declared in code, through the real engine against the sandbox.

The program is written here, in a throw-away project: a MailgunDomain, a permanent_fail Webhook on
it, a sending key for it and a basic (read-only) key for a metrics exporter.
"""
import json
import textwrap

import pytest
import requests

from mailgun_setup.mailgun import keys, webhooks

from .harness import Project, code_project, mailgun, new_zone

pytestmark = pytest.mark.engine

PROGRAM = textwrap.dedent('''
    import pulumi
    import mailgun_setup as mg

    config = pulumi.Config()
    domain = mg.MailgunDomain("domain", name=config.require("domain"), region="us", retention_days=0, dns="route53",
                              verify_timeout=60)
    hook = mg.Webhook("failures", domain=domain, kind=config.require("kind"), urls=config.require_object("urls"))
    sender = mg.ApiKey("sender", role="sending", domain=domain, description="app sender")
    exporter = mg.ApiKey("exporter", role=config.get("exporterRole") or "basic", description="metrics exporter")
    pulumi.export("sender_key", sender.secret)
    pulumi.export("sender_id", sender.key_id)
    pulumi.export("exporter_key", exporter.secret)
    pulumi.export("exporter_id", exporter.key_id)
''')


def _project(tmp_path, sandbox_env) -> Project:
    return code_project(tmp_path, sandbox_env, PROGRAM)


def _config(domain, urls, kind="permanent_fail", **extra):
    return {"domain": domain, "kind": kind, "urls": urls, **extra}


def _status(base, method, path, key, **kwargs):
    return requests.request(method, base + path, auth=("api", key), **kwargs).status_code


def test_webhook_and_keys_up_noop_refresh_and_destroy(tmp_path, sandbox_env, unique):
    zone = f"{unique}.com"
    domain = f"mail.{zone}"
    new_zone(sandbox_env, "route53", zone)  # where the ownership claims are looked up on destroy
    project = _project(tmp_path, sandbox_env)
    urls = ["https://hooks.example.com/mailgun/failures"]
    project.init("dev", _config(domain, urls))

    up = project.up("dev")
    out = project.outputs("dev", show_secrets=True)
    sender, exporter = out["sender_key"], out["exporter_key"]
    for secret in (sender, exporter):
        assert secret not in up.stdout + up.stderr
    assert webhooks.get_webhook(mailgun("us"), domain, "permanent_fail") == urls

    # the keys authenticate exactly as far as their roles allow
    base = sandbox_env["MAILGUN_API_URL_US"]
    message = {"from": f"bot@{domain}", "to": "someone@example.com", "subject": "s", "text": "t"}
    assert _status(base, "POST", f"/v3/{domain}/messages", sender, data=message) == 200
    assert _status(base, "GET", "/v4/domains", sender) == 403
    assert _status(base, "GET", f"/v3/domains/{domain}/webhooks", exporter) == 200
    assert _status(base, "POST", f"/v3/{domain}/messages", exporter, data=message) == 403
    assert _status(base, "DELETE", f"/v3/domains/{domain}/webhooks/permanent_fail", exporter) == 403

    # secrets are encrypted in state and masked in plain outputs
    exported = project.pulumi("stack", "export", "--stack", "dev").stdout
    assert sender not in exported and exporter not in exported
    assert json.loads(exported)["deployment"]["resources"]
    assert project.outputs("dev")["sender_key"] == "[secret]"

    project.pulumi("preview", "--stack", "dev", "--expect-no-changes")

    # somebody edits the webhook in the dashboard: refresh sees it, up puts ours back
    webhooks.update_webhook(mailgun("us"), domain, "permanent_fail", ["https://attacker.example/x"])
    drifted = project.pulumi("preview", "--refresh", "--stack", "dev", "--expect-no-changes", check=False)
    assert drifted.returncode != 0 and "mailgun:Webhook failures update" in drifted.stdout, drifted.stdout
    assert "1 to update" in drifted.stdout  # only the webhook: domain and keys unchanged
    project.up("dev", "--refresh")
    assert webhooks.get_webhook(mailgun("us"), domain, "permanent_fail") == urls

    # URLs are an in-place update; the keys are untouched by it
    two = urls + ["https://backup.example.com/mailgun"]
    project.write_stack("dev", _config(domain, two))
    project.up("dev")
    assert webhooks.get_webhook(mailgun("us"), domain, "permanent_fail") == two
    assert project.outputs("dev", show_secrets=True)["sender_key"] == sender

    # a role change is a replacement: the new key (a new secret) first, then the old one revoked
    project.write_stack("dev", _config(domain, two, exporterRole="admin"))
    assert "mailgun:ApiKey exporter replace" in project.pulumi("preview", "--stack", "dev").stdout
    project.up("dev")
    renewed = project.outputs("dev", show_secrets=True)
    assert renewed["exporter_key"] != exporter and renewed["sender_key"] == sender
    assert _status(base, "GET", "/v4/domains", exporter) == 401
    assert _status(base, "GET", "/v1/keys", renewed["exporter_key"]) == 200  # admin may manage keys

    project.pulumi("destroy", "--yes", "--stack", "dev")
    assert _status(base, "POST", f"/v3/{domain}/messages", sender, data=message) == 401  # revoked
    assert _status(base, "GET", "/v4/domains", renewed["exporter_key"]) == 401
    ids = {k["id"] for k in keys.list_keys(mailgun("us"))}
    assert not ids & {out["sender_id"], out["exporter_id"], renewed["exporter_id"]}
    assert mailgun("us").get_domain(domain) is None  # webhook gone with it, in dependency order


def test_bad_inputs_fail_preview_naming_each_field_and_rule(tmp_path, sandbox_env, unique):
    domain = f"mail.{unique}.com"
    new_zone(sandbox_env, "route53", f"{unique}.com")
    project = _project(tmp_path, sandbox_env)
    project.init("dev", _config(domain, [f"https://h/{i}" for i in range(4)], kind="bounced"))
    preview = project.pulumi("preview", "--stack", "dev", check=False)
    assert preview.returncode != 0
    text = preview.stdout + preview.stderr
    assert "Webhook('failures').kind: must be one of" in text and "permanent_fail" in text  # at preview, by
    assert "Webhook('failures').urls: at most 3 URLs per kind, got 4" in text  # the program, before any write
    assert mailgun("us").get_domain(domain) is None
