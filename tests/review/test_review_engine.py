"""The review comment for real `pulumi preview --json` output of the YAML program: create, no
change, update, replace (a Verified domain) and delete, each compared with the expected Markdown."""
import json
import subprocess
import sys

import pytest

from mailgun_setup.review import changes_of, dangers_of, render_comment

from ..e2e.harness import make_project, new_zone

pytestmark = pytest.mark.engine

PASSWORD = "Sup3r-secret-pw"
MARKER = "<!-- mailgun-setup review -->\n"


def _config(domain, **changes):
    spec = {"name": domain, "region": "us", "receiving": True,
            "senders": [{"username": f"support@{domain}"}, {"username": f"hr@{domain}"}],
            "routes": [{"recipient": f"support@{domain}", "action": 'forward("http://helpdesk.example/in/")',
                        "description": "support to helpdesk"}]}
    spec.update(changes)
    return {"dns": "route53", "verifyTimeout": 30, "domains": [spec]}


def _comment(project, stack="dev"):
    preview = json.loads(project.pulumi("preview", "--json", "--stack", stack).stdout)
    changes = changes_of(preview)
    return render_comment(changes, dangers_of(changes), [stack])


def _set(project, config):
    project.write_stack("dev", config)
    project.set_secret("dev", "domains[0].senders[0].password", PASSWORD)


def test_review_comments_for_each_kind_of_change(tmp_path, sandbox_env, unique):
    zone = f"{unique}.com"
    d = f"mail.{zone}"
    zone_id = new_zone(sandbox_env, "route53", zone)
    project = make_project(tmp_path, sandbox_env)
    project.init("dev", _config(d))
    project.set_secret("dev", "domains[0].senders[0].password", PASSWORD)
    claim = f"mailgun-setup owner=mailgun-setup/dev senders=hr,support routes=support"

    assert _comment(project) == f"""**mailgun-setup preview** (stack `dev`): no dangerous changes; 11 to create.

### Stack `dev`

#### `{d}`

| Change | Resource | Detail |
| --- | --- | --- |
| create | domain `{d}` | automatic_sender_security: `false`<br>dkim_key_length: `1024`<br>dkim_selector: `mg`<br>force_dkim_authority: `true`<br>name: `{d}`<br>receiving: `true`<br>region: `us`<br>tracking: `false` |
| create | DNS batch `{d} records` | claim: `{claim}`<br>dns: `route53`<br>provider: `route53`<br>region: `us`<br>zone_id: `{zone_id}`<br>zone_name: `{zone}` |
| create | DNS record `MX {d} mxa` | name: `{d}`<br>priority: `10`<br>type: `MX`<br>value: _(known after apply)_ |
| create | DNS record `MX {d} mxb` | name: `{d}`<br>priority: `10`<br>type: `MX`<br>value: _(known after apply)_ |
| create | DNS record `TXT {d}` | name: `{d}`<br>type: `TXT`<br>value: _(known after apply)_ |
| create | DNS record `TXT mg._domainkey.{d}` | name: `mg._domainkey.{d}`<br>type: `TXT`<br>value: _(known after apply)_ |
| create | verification `{d} receiver` | region: `us` |
| create | verification `{d} sender` | region: `us` |
| create | sender `hr@{d}` | region: `us`<br>username: `hr@{d}` |
| create | sender `support@{d}` | password: _[secret]_<br>region: `us`<br>username: `support@{d}` |
| create | route `support@{d} route` | actions: `['forward("http://helpdesk.example/in/")']`<br>description: `support to helpdesk`<br>priority: `0`<br>recipient: `support@{d}`<br>region: `us` |

{MARKER}"""

    project.up("dev")
    assert _comment(project) == f"**mailgun-setup preview** (stack `dev`): no changes.\n\n{MARKER}"
    dkim = next(r["value"] for r in project.outputs("dev")["domains"][d]["senderRecords"] if r["purpose"] == "DKIM")

    # A domain change leaves the values derived from it unknown until apply: the rows say so.
    recomputed = f"""| update | DNS batch `{d} records` | re-evaluated on apply (inputs known after apply) |
| update | DNS record `MX {d} mxa` | value: `mxa.mailgun.org` → _(known after apply)_ |
| update | DNS record `MX {d} mxb` | value: `mxb.mailgun.org` → _(known after apply)_ |
| update | DNS record `TXT {d}` | value: `v=spf1 include:mailgun.org ~all` → _(known after apply)_ |
| update | DNS record `TXT mg._domainkey.{d}` | value: `{dkim}` → _(known after apply)_ |
| update | verification `{d} receiver` | re-evaluated on apply (inputs known after apply) |
| update | verification `{d} sender` | re-evaluated on apply (inputs known after apply) |
"""
    _set(project, _config(d, retentionDays=7))
    assert _comment(project) == f"""**mailgun-setup preview** (stack `dev`): no dangerous changes; 8 to update.

### Stack `dev`

#### `{d}`

| Change | Resource | Detail |
| --- | --- | --- |
| update | domain `{d}` | retention_days: – → `7` |
{recomputed}
{MARKER}"""

    _set(project, _config(d, dkimKeyLength=2048, dkimSelector="mg2048"))
    rotation = _comment(project)
    assert rotation.startswith("**mailgun-setup preview** (stack `dev`): no dangerous changes; ")
    assert (f"| update | domain `{d}` | DKIM key rotation in place (safe): mg (1024) → mg2048 (2048); the new key is "
            f"published beside the old one, which signs until the new one is valid") in rotation

    _set(project, _config(d, region="eu"))
    replace = _comment(project)
    assert replace.startswith("**mailgun-setup preview** (stack `dev`): ⚠️ **4 dangerous changes**; ")
    assert f"""### ⚠️ Dangerous changes

- **dev / {d}**: domain {d}: replaces the Verified domain (region changed): it is deleted and created again, so mail from it stops until the new records are published and verified.
- **dev / {d}**: domain {d}: region us → eu: a domain's region is fixed, so it is deleted and created in the new region with new records; senders and routes go with it.
- **dev / {d}**: sender hr@{d}: goes with the replaced domain: SMTP login hr@{d}: deleted with the domain and created again on the new one; its password changes (Mailgun generates a new one).
- **dev / {d}**: sender support@{d}: goes with the replaced domain: SMTP login support@{d}: deleted with the domain and created again on the new one.
""" in replace
    assert f"| replace | sender `hr@{d}` | replaced with its Mailgun domain (it lives inside it)" in replace
    # The command line runs the same preview itself, and --fail-on-danger turns the dangers into exit 1.
    cli = project.mailgun_setup("review", "--stack", "dev", "--fail-on-danger")
    assert (cli.returncode, cli.stdout) == (1, replace), cli.stderr

    _set(project, _config(d, receiving=False, routes=[], senders=[{"username": f"hr@{d}"}]))
    project.set_secret("dev", "domains[0].senders[0].password", PASSWORD)
    delete = _comment(project)
    assert delete.startswith("**mailgun-setup preview** (stack `dev`): ⚠️ **2 dangerous changes**; ")
    assert f"""### ⚠️ Dangerous changes

- **dev / {d}**: DNS record MX {d} mxa: DNS record deleted: inbound mail for {d} stops reaching Mailgun.
- **dev / {d}**: DNS record MX {d} mxb: DNS record deleted: inbound mail for {d} stops reaching Mailgun.
""" in delete
    assert f"""| delete | DNS record `MX {d} mxa` | name: `{d}`<br>priority: `10`<br>type: `MX`<br>value: `mxa.mailgun.org` |
| delete | DNS record `MX {d} mxb` | name: `{d}`<br>priority: `10`<br>type: `MX`<br>value: `mxb.mailgun.org` |
| delete | verification `{d} receiver` | region: `us` |
| delete | sender `support@{d}` | password: _[secret]_<br>region: `us`<br>username: `support@{d}` |
| delete | route `support@{d} route` | actions: `['forward("http://helpdesk.example/in/")']`<br>description: `support to helpdesk`<br>priority: `0`<br>recipient: `support@{d}`<br>region: `us` |
""" in delete
    assert f"| update | domain `{d}` | receiving: `true` → `false` |" in delete


def test_no_secret_in_the_comment_even_from_show_secrets_output(tmp_path, sandbox_env, unique):
    zone = f"{unique}.com"
    d = f"mail.{zone}"
    new_zone(sandbox_env, "route53", zone)
    project = make_project(tmp_path, sandbox_env)
    project.init("dev", _config(d))
    project.set_secret("dev", "domains[0].senders[0].password", PASSWORD)
    project.up("dev")
    project.set_secret("dev", "domains[0].senders[0].password", PASSWORD + "-new")
    shown = project.cli.run("preview", "--json", "--show-secrets", "--stack", "dev", secret_output=True).stdout
    assert PASSWORD not in shown  # the engine keeps it out of preview JSON; unit tests cover signed plaintext
    result = subprocess.run([sys.executable, "-m", "mailgun_setup.cli", "review", "--from-json", "-"],
                            input=shown, capture_output=True, text=True, timeout=120, env=project.env)
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout and "4dabf18193072939515e22adb298388d" not in result.stdout
    assert f"| update | sender `support@{d}` | password: changed (secret, not shown) |" in result.stdout
