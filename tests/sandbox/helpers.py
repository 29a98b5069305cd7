import boto3
from botocore.config import Config

from mailgun_setup.dns.route53 import to_wire_value
from mailgun_sandbox.seed import create_route53_zone
from mailgun_setup.verify.lookup import DnsLookup, parse_nameservers


def route53(env, retries="standard", attempts=5):
    return boto3.client("route53", endpoint_url=env["AWS_ENDPOINT_URL_ROUTE_53"],
                        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                        region_name="us-east-1",
                        config=Config(retries={"mode": retries, "max_attempts": attempts}))


new_r53_zone = create_route53_zone


def upsert(client, zone_id, name, rtype, values, ttl=300):
    client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {
            "Name": name, "Type": rtype, "TTL": ttl,
            "ResourceRecords": [{"Value": to_wire_value(rtype, v)} for v in values]}}]})


def lookup(env):
    return DnsLookup(parse_nameservers(env["MAILGUN_SETUP_NAMESERVERS"]), lifetime=3)
