"""Create DNS zones in the sandbox through the same public APIs a user's zones come from."""
from __future__ import annotations

import uuid

import boto3
import requests

from .errors import SandboxError

PROVIDERS = ("route53", "cloudflare")


def parse_zone_spec(spec: str) -> tuple[str, str]:
    """``route53:company.com`` -> ("route53", "company.com")."""
    provider, sep, name = spec.partition(":")
    if not sep or provider not in PROVIDERS or not name.strip(". "):
        raise SandboxError(f"--zone {spec!r}: expected PROVIDER:NAME with PROVIDER one of {', '.join(PROVIDERS)}")
    return provider, name.strip().rstrip(".").lower()


def create_route53_zone(client, name: str) -> str:
    """Create a public hosted zone with a boto3 client; returns its id without the /hostedzone/ prefix."""
    zone = client.create_hosted_zone(Name=name, CallerReference=str(uuid.uuid4()))["HostedZone"]
    return zone["Id"].split("/")[-1]


def create_zone(env: dict[str, str], provider: str, name: str) -> str:
    """Create a public zone; returns its id."""
    if provider == "route53":
        client = boto3.client("route53", endpoint_url=env["AWS_ENDPOINT_URL_ROUTE_53"],
                              aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1")
        return create_route53_zone(client, name)
    response = requests.post(f"{env['CLOUDFLARE_BASE_URL']}/zones", json={"name": name}, timeout=10,
                             headers={"Authorization": f"Bearer {env['CLOUDFLARE_API_TOKEN']}"})
    body = response.json()
    if not body.get("success"):
        raise SandboxError(f"could not create Cloudflare zone {name}: {body.get('errors')}")
    return body["result"]["id"]
