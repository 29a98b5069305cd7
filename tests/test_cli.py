"""`mailgun-setup sandbox run` as a user runs it: a real subprocess."""
import socket
import subprocess
import sys

from .conftest import REPO

CLI = [sys.executable, "-m", "mailgun_setup.cli"]


def test_run_sets_variables_returns_exit_code_and_stops(tmp_path):
    script = ("import os,sys,boto3,urllib.request;"
              "z=boto3.client('route53').list_hosted_zones()['HostedZones'];"
              "print(os.environ['MAILGUN_SETUP_NAMESERVERS']);print(os.environ['MAILGUN_API_URL_US']);"
              "print([x['Name'] for x in z]);sys.exit(3)")
    result = subprocess.run([*CLI, "sandbox", "run", "--zone", "route53:company.com", "--", sys.executable, "-c",
                             script], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 3, result.stderr
    nameservers, mailgun_url, zones = result.stdout.strip().splitlines()[-3:]
    assert zones == "['company.com.']"
    host, port = nameservers.split(":")
    with socket.socket() as probe:  # the servers are gone once the command ended
        assert probe.connect_ex((host, int(mailgun_url.rsplit(":", 1)[1]))) != 0


def test_run_without_command_is_a_clear_error():
    result = subprocess.run([*CLI, "sandbox", "run"], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 2 and "give the command after '--'" in result.stderr


def test_bad_zone_spec_names_the_rule():
    result = subprocess.run([*CLI, "sandbox", "run", "--zone", "gandi:x.com", "--", "true"], capture_output=True,
                            text=True, timeout=60, cwd=REPO)
    assert result.returncode == 2 and "PROVIDER:NAME" in result.stderr


def _port_closed(url):
    host, port = url.rsplit("/", 1)[-1].split(":")
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) != 0


def test_ctrl_c_stops_the_command_and_the_sandbox():
    import os
    import signal
    import time

    child = subprocess.Popen([*CLI, "sandbox", "run", "--", sys.executable, "-c",
                              "import os,time;print(os.environ['MAILGUN_API_URL_EU'],flush=True);time.sleep(60)"],
                             stdout=subprocess.PIPE, text=True, cwd=REPO, start_new_session=True)
    url = child.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:")
    started = time.monotonic()
    os.killpg(child.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    assert child.wait(timeout=30) == 128 + signal.SIGINT  # the child died of Ctrl-C, reported as a shell does
    assert time.monotonic() - started < 30
    assert _port_closed(url)


def test_up_prints_exports_and_serves_until_interrupted():
    import requests
    import signal

    child = subprocess.Popen([*CLI, "sandbox", "up", "--zone", "cloudflare:example.org"], stdout=subprocess.PIPE,
                             text=True, cwd=REPO)
    exports = {}
    for line in child.stdout:
        if line.startswith("# sandbox running"):
            break
        key, _, value = line.removeprefix("export ").strip().partition("=")
        exports[key] = value
    assert set(exports) >= {"AWS_ENDPOINT_URL_ROUTE_53", "CLOUDFLARE_BASE_URL", "MAILGUN_API_URL_US",
                            "MAILGUN_API_URL_EU", "MAILGUN_SETUP_NAMESERVERS"}
    zones = requests.get(f"{exports['CLOUDFLARE_BASE_URL']}/zones",
                         headers={"Authorization": f"Bearer {exports['CLOUDFLARE_API_TOKEN']}"}).json()
    assert [z["name"] for z in zones["result"]] == ["example.org"]
    child.send_signal(signal.SIGINT)
    assert child.wait(timeout=30) == 0
    assert _port_closed(exports["MAILGUN_API_URL_US"])
