"""`make demo`'s mail step: one mail sent over the sandbox's SMTP with a sender's stack outputs, its
DKIM signature checked with dkimpy against the sandbox DNS, its events; then one mail received
through the MX and forwarded by a route to a helpdesk app on loopback.

Reads the stack's senderPasswords (JSON) on stdin; the domain is the first argument.
"""
import json
import os
import smtplib
import sys
import threading
import time
from email.message import EmailMessage
from urllib.parse import parse_qsl

import dkim
import requests
from werkzeug.serving import make_server

from mailgun_setup.verify.lookup import DnsLookup, parse_nameservers

domain = sys.argv[1]
passwords = json.load(sys.stdin)
login = f"support@{domain}"
api, auth = os.environ["MAILGUN_API_URL_US"], ("api", os.environ["MAILGUN_API_KEY"])


def mail(sender, to, subject):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(f"{subject}\n")
    return message


host, port = os.environ["MAILGUN_SETUP_SMTP_US"].split(":")
with smtplib.SMTP(host, int(port)) as smtp:
    print("SMTP login as", login, "->", smtp.login(login, passwords[login])[1].decode())
    smtp.send_message(mail(login, "customer@example.com", "Your order has shipped"))
    print("sent to customer@example.com ->", smtp.noop()[0], "(queued)")
time.sleep(0.3)
events = requests.get(f"{api}/v3/{domain}/events", auth=auth, timeout=10).json()["items"]
for event in events:
    print(f"  event {event['event']:<9} {event['recipient']}")
raw = requests.get(events[0]["storage"]["url"], auth=auth, headers={"Accept": "message/rfc2822"},
                   timeout=10).json()["body-mime"].encode()
lookup = DnsLookup(parse_nameservers(os.environ["MAILGUN_SETUP_NAMESERVERS"]), lifetime=3)
verified = dkim.verify(raw, dnsfunc=lambda name, timeout=5: lookup.query(name.decode().rstrip("."), "TXT")
                       .values[0].encode())
print("  DKIM signature of the stored mail, checked by dkimpy against the DNS:", "pass" if verified else "FAIL")

received = []


def helpdesk(environ, start_response):
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
    received.append(dict(parse_qsl(body)))
    start_response("200 OK", [("Content-Length", "0")])
    return [b""]


server = make_server("127.0.0.1", 0, helpdesk)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_port}/tickets"
# the stack's route forwards to helpdesk.company.com, which the sandbox never calls (loopback only):
# a demo route at a higher priority sends support@ to the local helpdesk instead
route = requests.post(f"{api}/v3/routes", auth=auth, timeout=10, data={
    "priority": 0, "expression": f'match_recipient("{login}")', "action": [f'forward("{url}")', "stop()"],
    "description": "demo: local helpdesk"}).json()["route"]["id"]
try:
    mx_host, mx_port = os.environ["MAILGUN_SETUP_MX"].split(":")
    with smtplib.SMTP(mx_host, int(mx_port)) as mx:
        mx.send_message(mail("customer@example.org", login, "Where is my parcel?"))
    deadline = time.monotonic() + 10
    while not received and time.monotonic() < deadline:
        time.sleep(0.05)
    ticket = received[0]
    print(f"MX: mail to {login} -> route -> helpdesk got from={ticket['from']!r} subject={ticket['subject']!r}")
finally:
    requests.delete(f"{api}/v3/routes/{route}", auth=auth, timeout=10)
    server.shutdown()
