"""mailgun-setup writing its records through the program's own DNS resources (mg.CustomDns)."""
import pulumi

import mailgun_setup as mg
from route53_value import Route53RecordSet

config = pulumi.Config()
zone, zone_id = config.require("zone"), config.require("zoneId")


record_sets: dict = {}


def writer(record: mg.RecordRequest, opts: pulumi.ResourceOptions):
    """One record set resource per name and type (both MX values in one), as Route 53's API wants."""
    key = (record.name, record.type)
    if key not in record_sets:
        record_sets[key] = Route53RecordSet(record.rrset_resource_name, zone_id=zone_id, name=record.fqdn,
                                            type=record.type, values=record.rrset, ttl=record.ttl, opts=opts)
    return record_sets[key]


mail = mg.MailgunDomain("mail", name=f"mail.{zone}", receiving=True, tracking=True,
                        dkim_key_length=config.get_int("dkimKeyLength") or 1024,
                        dmarc=mg.Dmarc(policy="none"), verify_timeout=60,
                        dns=mg.CustomDns(writer, zone=zone, spf_merged=config.get_bool("spfMerged") or False))
support = mg.SenderIdentity("support", domain=mail, username=f"support@mail.{zone}",
                            password=config.require_secret("supportPassword"))
mg.ReceiverRoute("support", sender=support, actions=['forward("http://127.0.0.1:9/in")'])
pulumi.export("status", pulumi.Output.all(mail.sender_status, mail.receiver_status))
pulumi.export("provider", mail.dns_provider)
