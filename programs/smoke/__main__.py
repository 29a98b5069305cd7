"""Smallest program through the real engine: one TXT value in a Route 53 zone, merged with what is there."""
import pulumi

from mailgun_setup.resources.record_set import RecordSet

config = pulumi.Config()
record = RecordSet(
    "site-verification",
    name=config.require("recordName"),
    record_type="TXT",
    values=[config.require("recordValue")],
)
pulumi.export("zoneId", record.zone_id)
pulumi.export("values", record.values)
