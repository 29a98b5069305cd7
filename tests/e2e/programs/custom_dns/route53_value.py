"""A Route 53 record set as a small dynamic resource: the test's stand-in for a DNS provider's record
resource that owns the whole set (``pulumi_aws.route53.Record``, ``pulumi_gcp.dns.RecordSet``…).

Refresh reads the set back, so a value deleted out of band shows as a change that ``up`` repairs.
"""
import boto3
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult


def _values(zone_id: str, name: str, rtype: str) -> list[str]:
    found = boto3.client("route53").list_resource_record_sets(HostedZoneId=zone_id, StartRecordName=name,
                                                              StartRecordType=rtype, MaxItems="1")
    return next(([r["Value"] for r in s["ResourceRecords"]] for s in found["ResourceRecordSets"]
                 if s["Name"] == name and s["Type"] == rtype), [])


def _change(props: dict, action: str, values: list[str]) -> None:
    boto3.client("route53").change_resource_record_sets(HostedZoneId=props["zone_id"], ChangeBatch={"Changes": [{
        "Action": action, "ResourceRecordSet": {"Name": props["name"], "Type": props["type"], "TTL": int(props["ttl"]),
                                                "ResourceRecords": [{"Value": v} for v in values]}}]})


class _RecordSetProvider(ResourceProvider):
    def create(self, props):
        _change(props, "UPSERT", list(props["values"]))
        return CreateResult(f"{props['name']}|{props['type']}", props)

    def diff(self, _id, olds, news):
        replaces = [k for k in ("zone_id", "name", "type") if olds.get(k) != news.get(k)]
        changed = replaces + [k for k in ("values", "ttl") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=True)

    def read(self, id_, props):
        found = _values(props["zone_id"], props["name"], props["type"])
        return ReadResult(id_, {**props, "values": found}) if found else ReadResult(None, {})

    def update(self, _id, _olds, news):
        _change(news, "UPSERT", list(news["values"]))
        return UpdateResult(news)

    def delete(self, _id, props):
        found = _values(props["zone_id"], props["name"], props["type"])
        if found:
            _change({**props, "ttl": props["ttl"]}, "DELETE", found)


class Route53RecordSet(Resource, module="test", name="Route53RecordSet"):
    def __init__(self, resource_name, *, zone_id, name, type, values, ttl, opts=None):
        super().__init__(_RecordSetProvider(), resource_name, {"zone_id": zone_id, "name": name, "type": type,
                                                               "values": values, "ttl": ttl}, opts)
