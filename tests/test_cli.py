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
