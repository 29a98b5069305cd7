"""A program written as a platform engineer writes one, driven by the stack config ``spec`` (JSON),
so a test can change one input, rename a resource, move it under another parent or remove it,
and run ``pulumi up`` on exactly that change.

    spec = {"domains": [{"resource": "mail", "parent": null | "<component name>", "name": ..., <inputs>,
                         "senders": [{"resource", "parent", "username", "password"}],
                         "routes": [{"resource", "parent", "sender": <sender resource>, "actions", ...}],
                         "webhooks": [{"resource", "parent", "kind", "urls"}],
                         "keys": [{"resource", "parent", "description"}]}]}
"""
import json

import pulumi

import mailgun_setup as mg

config = pulumi.Config()
spec = json.loads(config.require("spec"))
components: dict[str, pulumi.ComponentResource] = {}


class Bot(pulumi.ComponentResource):
    """A user's own component that resources can be moved into."""

    def __init__(self, name: str):
        super().__init__("changes:index:Bot", name, None)


def opts(entry: dict) -> pulumi.ResourceOptions:
    parent = entry.get("parent")
    if not parent:
        return pulumi.ResourceOptions()
    if parent not in components:
        components[parent] = Bot(parent)
    return pulumi.ResourceOptions(parent=components[parent])


DOMAIN_INPUTS = ("name", "region", "dkim_key_length", "dkim_selector", "retention_days", "receiving", "tracking",
                 "dns", "zone", "verify_timeout", "spam_action", "wildcard", "web_scheme", "require_tls",
                 "force_dkim_authority")
for entry in spec["domains"]:
    domain = mg.MailgunDomain(entry["resource"], **{k: entry[k] for k in DOMAIN_INPUTS if k in entry},
                              opts=opts(entry))
    senders = {}
    for sender in entry.get("senders", []):
        password = config.get_secret(sender["password"]) if sender.get("password") else None
        senders[sender["resource"]] = mg.SenderIdentity(sender["resource"], domain=domain,
                                                        username=sender["username"], password=password,
                                                        opts=opts(sender))
        pulumi.export(f"password {sender['username']}", senders[sender["resource"]].password)
    for route in entry.get("routes", []):
        mg.ReceiverRoute(route["resource"], sender=senders[route["sender"]], actions=route["actions"],
                         description=route.get("description", ""), priority=route.get("priority", 0),
                         opts=opts(route))
    for hook in entry.get("webhooks", []):
        mg.Webhook(hook["resource"], domain=domain, kind=hook["kind"], urls=hook["urls"], opts=opts(hook))
    for key in entry.get("keys", []):
        made = mg.ApiKey(key["resource"], role="sending", domain=domain, description=key.get("description", ""),
                         opts=opts(key))
        pulumi.export(f"key {key['resource']}", made.key_id)
