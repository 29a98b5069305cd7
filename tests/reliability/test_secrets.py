"""Point 4, secrets: after a whole lifecycle (failed runs included) no credential and no SMTP
password appears, plain or base64, anywhere a user or a CI log would see it.

The lifecycle runs against a sandbox of its own, started with random credentials, so every
secret searched for is a value that exists nowhere but where it was put: the Mailgun API key and
the Cloudflare token as secret stack config (the path through the provider's ``configure()``),
the AWS secret key in the environment, two sender passwords as secret config, one of them
changed, the passwords Mailgun generated, and the secret of an API key the stack creates. Every
engine command runs with ``-v=9 --logtostderr --logflow``, the most the engine logs, except the
password change and the refresh, which run at ``-v=8``, below the engine's RPC dumps. One kind of
upstream line is set apart and counted (see below); everything else must hold no secret.
"""
from __future__ import annotations

import base64
import json
import os
import re
import secrets
from pathlib import Path

import pytest

from mailgun_setup.mailgun.client import MailgunClient
from mailgun_sandbox.runner import Sandbox
from mailgun_sandbox.seed import create_zone

from ..e2e.harness import make_project

pytestmark = pytest.mark.engine

POINT = "secrets"


def verbose(level: int) -> tuple[str, ...]:
    return (f"-v={level}", "--logtostderr", "--logflow")


# The one kind of line that is not this package's and prints property values, secret ones
# included, counted apart (see README, "Secrets and verbose engine logs"): the engine's RPC dumps,
# `logging.V(9)` lines of sdk/go/common/resource/plugin/rpc.go (v3.260.0: "Marshaling property for
# RPC[%s]: %s=%v"), which print every value of every provider's Configure/Check/Create/Read, a
# secret's too (`PropertyValue.String()` prints the element of a secret). No provider can keep its
# secrets out of them. The SDK's registration debug lines, which printed secret stack outputs
# from -v=3 on up to SDK 3.259.0, are no longer set apart: since 3.260.0 (pulumi/pulumi#24479)
# a secret there is a leak like any other.
ENGINE_RPC_DUMP = re.compile(r'"msg":"(eventSink::Debug\(<\{%reset%\}>)?(Marshaling|Unmarshaling) property for RPC')


def _plain(value) -> str:
    """A state value as text: a secret decrypted by `stack export --show-secrets` carries it JSON-encoded."""
    if isinstance(value, dict) and "plaintext" in value:
        return json.loads(value["plaintext"])
    return value


def _token(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(10)}"


@pytest.fixture
def private(tmp_path):
    """A sandbox of this test's own, with credentials nobody else uses."""
    keys = {"mailgun": _token("mgkey"), "cloudflare": _token("cftoken"), "aws": _token("awssecret")}
    with Sandbox(mailgun_api_key=keys["mailgun"], cloudflare_token=keys["cloudflare"]) as sandbox:
        env = {**sandbox.env(), "AWS_SECRET_ACCESS_KEY": keys["aws"]}
        yield sandbox, env, keys


def _base64_at_any_offset(raw: bytes) -> dict[int, str]:
    """The base64 text ``raw`` turns into wherever it sits in an encoded blob, by alignment (its
    offset modulo 3): only the characters that depend on ``raw`` alone, so a search finds it at any
    offset, not only at the start of a value."""
    found = {}
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + raw).decode()
        found[pad] = encoded[-(-8 * pad // 6):(8 * (pad + len(raw))) // 6]
    return found


def _forms(value: str) -> dict[str, str]:
    """The value as it could leak: plain, base64 at each of the three alignments, and in an HTTP Basic
    header for the API key."""
    forms = {"plain": value}
    for pad, text in _base64_at_any_offset(value.encode()).items():
        forms[f"base64, offset {pad} mod 3"] = text
    forms["basic-auth"] = base64.b64encode(f"api:{value}".encode()).decode().rstrip("=")
    return forms


def test_the_base64_search_finds_a_secret_at_any_offset():
    secret = "PwSupport-0123456789abcdef"
    for offset in range(7):
        blob = base64.b64encode(b"x" * offset + secret.encode() + b"tail").decode()
        assert any(shape in blob for shape in _forms(secret).values()), offset
    assert not any(shape in base64.b64encode(b"x" * 40).decode() for shape in _forms(secret).values())


def _where(text: str, shape: str) -> str:
    """The start of the first line holding ``shape``, the secret itself masked, to say where it leaked."""
    line = next(line for line in text.splitlines() if shape in line)
    return line.replace(shape, "<SECRET>")[:300]


class Places:
    """Everything a user or CI could see, by place, to be searched once the lifecycle is over."""

    def __init__(self):
        self.text: dict[str, list[str]] = {}

    def add(self, place: str, text: str) -> None:
        self.text.setdefault(place, []).append(text)


DUMP_ROW = "-v=9: engine RPC dump lines holding a secret (upstream, counted apart; see README)"
# The engine runs of the lifecycle below (place, verbosity), and the other places searched.
RUNS = (("preview", 9), ("up refused by Route 53 and Cloudflare", 9), ("up refused by Mailgun", 9), ("up", 9),
        ("password change refused", 9), ("password change", 8), ("refresh", 8), ("destroy", 9))
OTHER_PLACES = ("stack export (state)", "stack output without --show-secrets", "our own command line (handoff)",
                "every file of the backend, PULUMI_HOME and the project", "pickled providers in the state")


def test_no_secret_leaks_through_a_whole_lifecycle(tmp_path, private, unique, ledger):
    ledger.expect(POINT, [f"engine output and -v={level} logs: {place}" for place, level in RUNS]
                  + list(OTHER_PLACES) + [DUMP_ROW])
    sandbox, env, keys = private
    zone_r53, zone_cf = f"{unique}.com", f"{unique}.org"
    create_zone(env, "route53", zone_r53)
    create_zone(env, "cloudflare", zone_cf)
    us, eu = f"mail.{zone_r53}", f"mail.{zone_cf}"
    project = make_project(tmp_path, env)
    for name in ("MAILGUN_API_KEY", "CLOUDFLARE_API_TOKEN"):  # only through secret stack config
        project.env.pop(name, None)
    places = Places()

    def run(place: str, *args: str, check: bool = True, level: int = 9):
        result = project.pulumi(*args, *verbose(level), check=check)
        where = f"engine output and -v={level} logs"
        places.add(f"{where}: {place}", result.stdout + result.stderr)
        return result

    def export(when: str) -> dict:
        text = project.pulumi("stack", "export", "--stack", "dev").stdout
        places.add("stack export (state)", text)
        return json.loads(text)

    given = {"support": _token("PwSupport")[:24], "support-new": _token("PwNew")[:24], "eu": _token("PwEu")[:24]}
    project.init("dev", {"verifyTimeout": 30, "domains": [
        {"name": us, "dns": "route53", "receiving": True,
         "senders": [{"username": f"support@{us}"}, {"username": f"bot@{us}"}],
         "routes": [{"recipient": f"support@{us}", "action": "stop()"}]},
        {"name": eu, "region": "eu", "dns": "cloudflare", "senders": [{"username": f"news@{eu}"}]}],
        "apiKeys": [{"name": "exporter", "role": "basic", "description": "metrics exporter"}]})
    project.pulumi("config", "set", "--secret", "mailgun-setup:apiKey", keys["mailgun"], "--stack", "dev")
    project.pulumi("config", "set", "--secret", "mailgun-setup:cloudflareApiToken", keys["cloudflare"],
                   "--stack", "dev")
    project.set_secret("dev", "domains[0].senders[0].password", given["support"])
    project.set_secret("dev", "domains[1].senders[0].password", given["eu"])

    # Failed runs first: the error messages of refused writes (Mailgun, Route 53, Cloudflare).
    run("preview", "preview", "--stack", "dev")
    sandbox.control("cloudflare").add_fault(path=r"/dns_records/batch$", method="POST", status=403, count=None)
    sandbox.control("route53").add_fault(path=r"/rrset/?$", method="POST", status=400, code="InvalidChangeBatch",
                                         count=None)
    failed = run("up refused by Route 53 and Cloudflare", "up", "--yes", "--stack", "dev", check=False)
    assert failed.returncode != 0
    sandbox.control("cloudflare").clear_faults()
    sandbox.control("route53").clear_faults()
    sandbox.control("mailgun-us").add_fault(path=r"/credentials$", method="POST", status=400, count=None)
    failed = run("up refused by Mailgun", "up", "--yes", "--stack", "dev", check=False)
    assert failed.returncode != 0 and "credentials failed with 400" in failed.stdout
    sandbox.control("mailgun-us").clear_faults()

    run("up", "up", "--yes", "--stack", "dev")
    state = export("after up")
    shown = project.pulumi("stack", "output", "--json", "--show-secrets", "--stack", "dev").stdout
    generated = [p for login, p in json.loads(shown)["senderPasswords"].items() if login == f"bot@{us}"]
    assert len(generated) == 1 and generated[0]  # Mailgun's generated password, known only from here
    api_key = json.loads(shown)["apiKeys"]["exporter"]["secret"]  # shown by Mailgun once, known only from here
    assert api_key and api_key not in (generated[0], keys["mailgun"])
    decrypted = json.loads(project.pulumi("stack", "export", "--show-secrets", "--stack", "dev").stdout)
    pickles = [_plain(r["outputs"]["__provider"]) for r in decrypted["deployment"]["resources"]
               if "__provider" in (r.get("outputs") or {})]

    # The password changes (an in-place update), with the change refused once, then accepted.
    project.set_secret("dev", "domains[0].senders[0].password", given["support-new"])
    sandbox.control("mailgun-us").add_fault(path=r"/credentials/", method="PUT", status=400, count=None)
    failed = run("password change refused", "up", "--yes", "--stack", "dev", check=False)
    assert failed.returncode != 0
    sandbox.control("mailgun-us").clear_faults()
    run("password change", "up", "--yes", "--stack", "dev", level=8)
    creds = MailgunClient(keys["mailgun"], "us", base_url=env["MAILGUN_API_URL_US"])
    assert {c["login"] for c in creds.list_credentials(us)} == {f"support@{us}", f"bot@{us}"}
    run("refresh", "refresh", "--yes", "--stack", "dev", level=8)
    export("after refresh")
    for args in (("stack", "output", "--stack", "dev"), ("stack", "output", "--json", "--stack", "dev")):
        places.add("stack output without --show-secrets", project.pulumi(*args).stdout)
    ours = project.mailgun_setup("handoff", "--stack", "dev")
    places.add("our own command line (handoff)", ours.stdout + ours.stderr)
    run("destroy", "destroy", "--yes", "--stack", "dev")
    export("after destroy")
    for root in (tmp_path / "state", tmp_path / "home", project.root):  # backups, history, logs, stack files
        for path in Path(root).rglob("*"):
            if path.is_file() and path.suffix not in (".pyc",) and "plugins" not in path.parts:
                places.add("every file of the backend, PULUMI_HOME and the project", path.read_text(errors="replace"))

    searched = {"Mailgun API key": keys["mailgun"], "Cloudflare token": keys["cloudflare"],
                "AWS secret key": keys["aws"], "SMTP password (given)": given["support"],
                "SMTP password (changed to)": given["support-new"], "SMTP password (EU, given)": given["eu"],
                "SMTP password (generated by Mailgun)": generated[0], "API key created by the stack": api_key}
    total = 0
    dump_lines = 0  # engine RPC dump lines holding a secret, counted apart
    for place, texts in places.text.items():
        text = "\n".join(texts)
        if place.startswith("engine output and -v=9"):  # a V(9) line: at -v=8 it must not be there at all
            lines = text.splitlines()
            dump_lines += sum(1 for line in lines if ENGINE_RPC_DUMP.search(line)
                              and any(shape in line for v in searched.values() for shape in _forms(v).values()))
            text = "\n".join(line for line in lines if not ENGINE_RPC_DUMP.search(line))
        leaks = [f"{what} ({form}) in: {_where(text, shape)}" for what, value in searched.items()
                 for form, shape in _forms(value).items() if shape in text]
        total += len(leaks)
        ledger.record(POINT, place, not leaks, "; ".join(leaks), secrets=len(searched), runs=len(texts), leaks=len(leaks))

    assert pickles, "no pickled provider in the state"
    for index, blob in enumerate(pickles):
        raw = base64.b64decode(blob)
        assert b"Provider" in raw  # it is the provider object, so the search below can find a key in it
    raw = b"".join(base64.b64decode(b) for b in pickles)
    leaks = [what for what, value in searched.items() if value.encode() in raw]
    total += len(leaks)
    ledger.record(POINT, "pickled providers in the state", not leaks, "; ".join(leaks),
                  secrets=len(searched), resources=len(pickles), leaks=len(leaks))
    # Not a clean place: the lines set apart above, searched like every other place and counted on
    # their own row. They must be there: the engine prints every Configure/Create value at -v=9, so
    # none found would mean the search (or the -v=9 runs) saw nothing, and every "clean" row with it.
    ledger.record(POINT, DUMP_ROW, dump_lines > 0,
                  f"{dump_lines} engine RPC dump lines hold a secret (upstream, set apart from the places above)"
                  if dump_lines else "no RPC dump line holds a secret: the search or the -v=9 runs saw nothing",
                  rpc_dump_lines=dump_lines)
    assert total == 0 and dump_lines > 0, ledger.failed(POINT)
