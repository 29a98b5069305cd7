"""A Route 53 public hosted zone as a small dynamic resource: the example's stand-in for
``pulumi_aws.route53.Zone`` (same role: its ``zone_id`` Output feeds ``MailgunDomain(zone=...)``).

The provider class is pickled into the state by reference to this module, which the dynamic
provider process imports from the program's folder.
"""
import uuid

import boto3
import pulumi
from pulumi.dynamic import CreateResult, ReadResult, Resource, ResourceProvider


class _HostedZoneProvider(ResourceProvider):
    def create(self, props):
        answer = boto3.client("route53").create_hosted_zone(Name=props["name"], CallerReference=str(uuid.uuid4()))
        zone_id = answer["HostedZone"]["Id"].split("/")[-1]
        return CreateResult(zone_id, {**props, "zone_id": zone_id})

    def read(self, id_, props):
        try:
            boto3.client("route53").get_hosted_zone(Id=id_)
        except boto3.client("route53").exceptions.NoSuchHostedZone:
            return ReadResult(None, {})
        return ReadResult(id_, props)

    def delete(self, id_, _props):
        boto3.client("route53").delete_hosted_zone(Id=id_)


class HostedZone(Resource, module="example", name="HostedZone"):
    zone_id: pulumi.Output[str]

    def __init__(self, resource_name, name, opts=None):
        super().__init__(_HostedZoneProvider(), resource_name, {"name": name, "zone_id": None}, opts)
