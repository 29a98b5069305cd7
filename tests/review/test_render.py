"""Rules the YAML program cannot produce in one preview (its config check forbids them) or that
need resource kinds not built yet, on steps shaped like the engine's `pulumi preview --json`."""
import json
import subprocess
import sys

from mailgun_setup.review import changes_of, dangers_of, render_comment
from mailgun_setup.review.render import GITHUB_LIMIT
from mailgun_setup.review.secrets import SECRET_SIG, SECRET_VALUE, UNKNOWN

from ..conftest import REPO

BASE = "urn:pulumi:prod::mailgun-setup::mailgun-setup:index:MailgunDomain$pulumi-python:dynamic/"
PARENT = "urn:pulumi:prod::mailgun-setup::mailgun-setup:index:MailgunDomain::{d}"


def step(op, token, name, old=None, new=None, old_outputs=None, domain="mail.company.com", **extra):
    rtype = f"pulumi-python:dynamic/{token}"
    state = lambda inputs, outputs: inputs is not None and {  # noqa: E731
        "type": rtype, "inputs": inputs, "outputs": outputs, "parent": PARENT.format(d=domain)} or None
    return {"op": op, "urn": f"{BASE}{token}::{name}", "oldState": state(old, old_outputs or old),
            "newState": state(new, None), **extra}


def verified(domain="mail.company.com"):
    inputs = {"domain": domain, "group": "sender", "region": "us"}
    return step("same", "mailgun:Verification", f"{domain} sender", inputs, inputs,
                {**inputs, "status": "Verified"}, domain)


def comment(*steps):
    changes = changes_of({"steps": list(steps)})
    return render_comment(changes, dangers_of(changes), ["prod"])


def signed(plaintext):
    return {SECRET_SIG: SECRET_VALUE, "plaintext": json.dumps(plaintext)}


def test_signed_secret_plaintext_never_reaches_the_comment():
    old = {"domain": "mail.company.com", "username": "support@mail.company.com", "password": signed("old-Pass-1")}
    new = {**old, "password": signed("new-Pass-2")}
    text = comment(step("update", "mailgun:SenderIdentity", "support@mail.company.com", old, new,
                        diffReasons=["password"]))
    assert "old-Pass-1" not in text and "new-Pass-2" not in text and "plaintext" not in text
    assert "| update | sender `support@mail.company.com` | password: changed (secret, not shown) |" in text


def test_region_change_of_a_verified_domain_is_dangerous_with_both_reasons():
    old = {"name": "mail.company.com", "region": "us", "dkim_key_length": 1024}
    text = comment(verified(), step("replace", "mailgun:Domain", "mail.company.com", old, {**old, "region": "eu"},
                                    replaceReasons=["region"]))
    dangers = text[text.index("### ⚠️ Dangerous changes"):text.index("### Stack")]
    assert "replaces the Verified domain (region changed): it is deleted and created again" in dangers
    assert "region us → eu: a domain's region is fixed" in dangers
    assert text.splitlines()[0] == ("**mailgun-setup preview** (stack `prod`): ⚠️ **2 dangerous changes**; "
                                    "1 to replace.")


def test_an_unverified_domain_replacement_is_not_flagged_as_stopping_mail():
    old = {"name": "mail.company.com", "region": "us", "retention_days": 3}
    text = comment(step("replace", "mailgun:Domain", "mail.company.com", old, {**old, "name": "mail.company.com"},
                        replaceReasons=["name"]))
    assert "no dangerous changes" in text.splitlines()[0]


def test_removing_a_sender_that_a_kept_route_still_uses():
    sender = {"domain": "mail.company.com", "username": "support@mail.company.com", "password": "[secret]"}
    route = {"domain": "mail.company.com", "recipient": "support@mail.company.com", "actions": ["stop()"]}
    text = comment(step("delete", "mailgun:SenderIdentity", "support@mail.company.com", sender),
                   step("same", "mailgun:ReceiverRoute", "support@mail.company.com route", route, route))
    assert ("- **prod / mail.company.com**: sender support@mail.company.com: sender removed while the route for "
            "support@mail.company.com stays") in text
    both = comment(step("delete", "mailgun:SenderIdentity", "support@mail.company.com", sender),
                   step("delete", "mailgun:ReceiverRoute", "support@mail.company.com route", route))
    assert "no dangerous changes" in both.splitlines()[0]


def test_webhooks_and_api_keys_are_shown_from_their_properties_with_secrets_hidden():
    hook = {"domain": "mail.company.com", "kind": "permanent_fail", "urls": ["https://hooks.example/fail"]}
    key = {"domain": "mail.company.com", "role": "sending", "description": "bot", "key": "key-abc123secret"}
    text = comment(step("create", "mailgun:Webhook", "permanent_fail", None, hook),
                   step("create", "mailgun:ApiKey", "bot key", None, {**key, "key": UNKNOWN}),
                   step("update", "mailgun:ApiKey", "old key", key, {**key, "description": "old bot"}))
    assert "| create | webhook `permanent_fail` | kind: `permanent_fail`<br>urls: `['https://hooks.example/fail']` |" \
        in text
    assert "| create | API key `bot key` | description: `bot`<br>key: _[secret]_<br>role: `sending` |" in text
    assert "| update | API key `old key` | description: `bot` → `old bot` |" in text
    assert "key-abc123secret" not in text


def test_the_comment_stays_under_githubs_limit_keeping_summary_and_dangers():
    steps = []
    for i in range(60):
        d = f"mail{i}.company.com"
        for n in range(4):
            record = {"domain": d, "purpose": "DKIM", "type": "TXT", "name": f"s{n}._domainkey.{d}",
                      "value": "k=rsa; p=" + "A" * 400}
            steps.append(step("update", "dns:Record", f"TXT s{n}._domainkey.{d}", record,
                              {**record, "value": "k=rsa; p=" + "B" * 400}, domain=d))
        mx = {"domain": d, "purpose": "MX", "type": "MX", "name": d, "value": "mxa.mailgun.org"}
        steps.append(step("delete", "dns:Record", f"MX {d} mxa", mx, domain=d))
    text = comment(*steps)
    assert len(text) <= GITHUB_LIMIT
    assert text.splitlines()[0] == ("**mailgun-setup preview** (stack `prod`): ⚠️ **60 dangerous changes**; "
                                    "240 to update, 60 to delete.")
    for i in range(60):  # every danger, whole
        assert (f"- **prod / mail{i}.company.com**: DNS record MX mail{i}.company.com mxa: DNS record deleted: "
                f"inbound mail for mail{i}.company.com stops reaching Mailgun.") in text
    assert "_Detail trimmed to stay under GitHub's comment size limit" in text
    assert "`k=rsa; p=AAAAAAAAAAA…AAAAAAAAAAAAAAAAAAA` → `k=rsa; p=BBBBBBBBBBB…BBBBBBBBBBBBBBBBBBB`" \
        in text  # values shortened first, rows kept
    small = comment(*steps[:5])
    assert "Detail trimmed" not in small and "A" * 400 in small  # whole values when they fit
    many = [step("update", "dns:Record", f"TXT mg._domainkey.m{i}.company.com",
                 {"domain": f"m{i}.company.com", "value": "a"}, {"domain": f"m{i}.company.com", "value": "b"},
                 domain=f"m{i}.company.com") for i in range(2000)]
    huge = comment(*many)
    assert len(huge) <= GITHUB_LIMIT and huge.splitlines()[0].endswith("no dangerous changes; 2000 to update.")
    assert "1 to update (detail trimmed)" in huge and "more subdomains with changes not shown." in huge


def _cli(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "mailgun_setup.cli", "review", *args], input=stdin,
                          capture_output=True, text=True, timeout=60, cwd=REPO)


def test_cli_fail_on_danger_and_bad_input():
    sender = {"domain": "mail.company.com", "type": "MX", "purpose": "MX", "name": "mail.company.com", "value": "mxa.mailgun.org"}
    preview = json.dumps({"steps": [step("delete", "dns:Record", "MX mail.company.com mxa", sender)]})
    assert _cli("--from-json", "-", stdin=preview).returncode == 0
    failed = _cli("--from-json", "-", "--fail-on-danger", stdin=preview)
    assert failed.returncode == 1 and "inbound mail for mail.company.com stops reaching Mailgun" in failed.stdout
    bad = _cli("--from-json", "-", stdin="Previewing update (dev):")
    assert bad.returncode == 2 and "stdin is not `pulumi preview --json` output" in bad.stderr
    assert _cli().returncode == 2


def test_a_domain_replacement_lists_every_login_webhook_and_setting_that_goes_with_it():
    old = {"name": "mail.company.com", "region": "us", "dkim_key_length": 1024}
    sender = {"domain": "mail.company.com", "region": "us", "username": "support@mail.company.com",
              "password": None, "domain_identity": "mail.company.com/us"}
    hook = {"domain": "mail.company.com", "region": "us", "kind": "permanent_fail", "urls": ["https://h/f"],
            "domain_identity": "mail.company.com/us"}
    moved = lambda inputs: {**inputs, "region": "eu", "domain_identity": "mail.company.com/eu"}  # noqa: E731
    text = comment(verified(),
                   step("replace", "mailgun:Domain", "mail.company.com", old, {**old, "region": "eu"},
                        replaceReasons=["region"]),
                   step("replace", "mailgun:SenderIdentity", "support", sender, moved(sender),
                        replaceReasons=["region", "domain_identity"]),
                   step("replace", "mailgun:Webhook", "failures", hook, moved(hook),
                        replaceReasons=["region", "domain_identity"]),
                   step("replace", "mailgun:Tracking", "mail tracking", {"domain": "mail.company.com", "region": "us"},
                        {"domain": "mail.company.com", "region": "eu"}, replaceReasons=["domain_identity"]))
    dangers = text[text.index("### ⚠️ Dangerous changes"):text.index("### Stack")]
    assert ("SMTP login support@mail.company.com: deleted with the domain and created again on the new one; its "
            "password changes (Mailgun generates a new one)") in dangers
    assert "webhook permanent_fail: deleted with the domain and registered again on the new one" in dangers
    assert "tracking settings: turned off with the domain and on again on the new one" in dangers


def test_a_rename_is_shown_as_a_takeover_not_as_a_deletion():
    inputs = {"domain": "mail.company.com", "region": "us", "username": "support@mail.company.com"}
    domain = {"name": "mail.company.com", "region": "us", "dkim_key_length": 1024}
    text = comment(verified(),
                   step("delete", "mailgun:SenderIdentity", "support", inputs, None),
                   step("create", "mailgun:SenderIdentity", "support2", None, inputs),
                   step("delete", "mailgun:Domain", "mail", domain, None),
                   step("create", "mailgun:Domain", "mail2", None, domain))
    assert "Dangerous" not in text and "| delete |" not in text
    assert "| takeover | sender `support2` | renamed or moved from `support`: takes the object over" in text
    assert "| takeover | domain `mail2` | renamed or moved from `mail`" in text
    assert "2 renamed or moved (taken over, nothing deleted)" in text.splitlines()[0]
