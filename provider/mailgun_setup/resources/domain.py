"""``Domain``: the Mailgun side of a subdomain — created, or adopted when it already exists.

Name, region and DKIM key length cannot change at Mailgun: a change is a replacement,
and preview says why. Retention (Mailgun's ``message_ttl``) and tracking are in-place updates.
Adoption is what lets UAT and Prod share one subdomain: the second stack finds the domain
in its region and takes it over instead of failing; destroy deletes the domain only when
no other stack still claims it (see :mod:`mailgun_setup.ownership`).
"""
from __future__ import annotations

from typing import Mapping, Optional

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, ReadResult, Resource, UpdateResult

from .. import records, rules
from ..dmarc import POLICIES as DMARC_POLICIES, Dmarc
from ..dns.backend import DEFAULT_DNS, DNS_MODES
from ..dns.names import ZONE_ID_FORMATS
from ..errors import ConfigError, MailgunApiError
from ..mailgun import domain_keys, domains
from ..mailgun.facts import (DEFAULT_DKIM_KEY_LENGTH, DEFAULT_DKIM_SELECTOR, DEFAULT_REGION, DKIM_KEY_LENGTHS,
                             MIN_DKIM_ROTATION_DAYS, SPAM_ACTIONS, WEB_SCHEMES, dkim_selector_for,
                             REGIONS, RETENTION_DAYS, SMTP_HOSTS)
from ..fields import HOSTNAME_PATTERN, SELECTOR_PATTERN, Field, boolean, choice, inputs_class, integer
from ..rules import Problem
from ..verify.service import DEFAULT_VERIFY_TIMEOUT, VERIFY_TIMEOUT_RANGE
from .common import BaseProvider, held_props, failures, known
from .inputs import Inputs, checked_inputs

REGION_REASON = "cannot be changed; a new subdomain is created (deleted in the old region, then created in the new one)"


def _zone(value, path, found, values):
    return rules.zone(value, path, values.get("name"), values.get("dns"), found)


def _rotation_days(value, path, found, values):
    days = rules.integer(value, path, found, MIN_DKIM_ROTATION_DAYS, 3650)
    if days is not None and values.get("automatic_sender_security") is False:
        found.append(Problem(path, "needs automatic sender security: Mailgun only rotates the keys it hosts"))
    return days


def _dmarc(value, path, found, _values):
    if isinstance(value, Dmarc):
        found += [p.under(path) for p in value.problems()]
        return value
    if isinstance(value, Mapping):
        return Dmarc.from_config(value, path, found)
    found.append(Problem(path, f"must be a mailgun_setup.Dmarc, got {type(value).__name__}"))
    return None


def key_bits(props: Mapping) -> int:
    """The declared DKIM key length as an int (the engine hands numbers over as floats); 0 when absent."""
    return int(float(props.get("dkim_key_length") or 0))


def _derived_selector(values):
    length = values.get("dkim_key_length")  # an Output or a failed value derives nothing
    return dkim_selector_for(key_bits(values)) if isinstance(length, (int, float)) and not isinstance(length, bool) \
        else None


_SETTING = "in place; left out, Mailgun's own value is kept"

# MailgunDomain's inputs, declared once (see mailgun_setup.fields): the constructor, check(), the
# stack-config reader, DomainInputs, the JSON Schema and the docs' stack-config reference come from here.
# ``stored=False``: an input of the component only (it goes to the DNS and verification resources).
FIELDS: tuple[Field, ...] = (
    Field("name", key="name", required=True, plain=True, rule=lambda v, p, found, _: rules.domain_name(v, p, found),
          schema={"type": "string", "pattern": HOSTNAME_PATTERN},
          doc="The subdomain, e.g. `mail.company.com` (never a registrable root domain). A change replaces it."),
    Field("region", key="region", default=DEFAULT_REGION, **choice(REGIONS),
          doc="Mailgun region; fixed forever at Mailgun, so a change replaces the domain and what lives in it."),
    Field("dkim_key_length", key="dkimKeyLength", default=DEFAULT_DKIM_KEY_LENGTH, plain=True,
          **choice(DKIM_KEY_LENGTHS),
          doc="DKIM key bits; a change is a key rotation in place (to a new selector: see `dkimSelector`)."),
    Field("dkim_selector", key="dkimSelector", plain=True, derive=_derived_selector,
          default_doc=", ".join(f"`{dkim_selector_for(bits)}` ({bits} bits)" for bits in DKIM_KEY_LENGTHS),
          rule=lambda v, p, found, _: rules.selector(v, p, found), schema={"type": "string", "pattern": SELECTOR_PATTERN},
          doc="The DKIM selector (one DNS label); a change rotates the key in place. Left out, it follows the "
              "key length, so a length change alone rotates to a new selector too."),
    Field("retention_days", key="retentionDays", **choice(RETENTION_DAYS),
          doc="Message retention in days; left out, the account's plan default applies. In place."),
    Field("tracking", key="tracking", default=False, plain=True, **boolean(),
          doc="Write the click/open tracking CNAME `email.<name>` and register `email.<name>` defensively."),
    Field("receiving", key="receiving", default=False, plain=True, **boolean(),
          doc="Also write and verify the MX records (needed by routes)."),
    Field("dns", key="dns", default=DEFAULT_DNS, plain=True, stored=False, **choice(DNS_MODES),
          doc="Where the records go: route53, cloudflare, manual (a sheet) or auto; in a stack file, default: "
              "the stack's `dns`."),
    Field("zone", key="zone", stored=False, rule=_zone,
          schema={"anyOf": [{"type": "string", "pattern": HOSTNAME_PATTERN},
                            *({"type": "string", "pattern": rule.pattern} for rule, _ in ZONE_ID_FORMATS.values())]},
          doc="The zone to write into, by name (a parent of `name`) or id; default: the longest public zone "
              "holding `name`."),
    Field("verify_timeout", stored=False, default=DEFAULT_VERIFY_TIMEOUT, **integer(*VERIFY_TIMEOUT_RANGE),
          doc="Seconds `pulumi up` waits for verification (in a stack file: the stack's `verifyTimeout`)."),
    Field("dmarc", key="dmarc", stored=False, plain=True, rule=_dmarc,
          schema={"type": "object", "additionalProperties": False,
                  "properties": {"policy": {"enum": list(DMARC_POLICIES)}, "rua": {"type": "string"}}},
          doc="A DMARC policy published at `_dmarc.<name>` (`{policy: none|quarantine|reject, rua: mailto:…}`)."),
    Field("owner", default=""),
    Field("nameservers", factory=list),
    Field("automatic_sender_security", key="automaticSenderSecurity", default=False, plain=True, **boolean(),
          doc="DKIM as two CNAMEs to keys Mailgun hosts and rotates, instead of a TXT key. In place."),
    Field("dkim_rotation_days", key="dkimRotationDays", group="setting", rule=_rotation_days,
          schema={"type": "integer", "minimum": MIN_DKIM_ROTATION_DAYS, "maximum": 3650},
          doc="With automatic sender security, Mailgun rotates its keys every N days. In place."),
    Field("spam_action", key="spamAction", group="setting", **choice(SPAM_ACTIONS),
          doc=f"Inbound spam: disabled, block or tag; {_SETTING}."),
    Field("wildcard", key="wildcard", group="setting", **boolean(),
          doc=f"Accept mail for sub-subdomains; {_SETTING}."),
    Field("web_scheme", key="webScheme", group="setting", **choice(WEB_SCHEMES),
          doc=f"Tracking links over http or https; {_SETTING}."),
    Field("require_tls", key="requireTls", group="setting", **boolean(),
          doc=f"Only deliver over TLS; {_SETTING}."),
    Field("force_dkim_authority", key="forceDkimAuthority", default=True, group="setting", **boolean(),
          doc="Keep the DKIM key under this subdomain (so record names are the ones preview shows); "
              "Mailgun cannot change it later (a replacement)."),
    Field("mode", default="automatic"),  # manual: records go on the sheet (a DKIM rotation cannot finish itself)
)

DomainInputs = inputs_class("DomainInputs", FIELDS, Inputs, __name__)
DomainInputs.__doc__ = "The ``mailgun:Domain`` resource's inputs (declared in ``FIELDS``)."

# Settings changed in place through PUT /v4/domains/{name}, read back by refresh when declared.
SETTINGS = domains.SETTINGS


def problems(props: dict) -> list[Problem]:
    """Every rule the known inputs break (unknown ones are checked again at apply)."""
    return checked_inputs(FIELDS, props)[1]


def _upgrade_note(olds: dict, news: dict) -> str:
    """Why a domain rotates with no length change, when the reason is the upgrade: up to 0.2.0 a key of
    any length left without a selector was at ``mg``; now the selector follows the length."""
    bits = key_bits(news)
    if key_bits(olds) != bits or olds.get("dkim_selector") != DEFAULT_DKIM_SELECTOR \
            or news.get("dkim_selector") != dkim_selector_for(bits):
        return ""
    return (f" (a {bits}-bit key declared without a selector is at {dkim_selector_for(bits)} since mailgun-setup "
            f"0.3.0; set dkim_selector to {DEFAULT_DKIM_SELECTOR!r} to keep the current key)")


def rotation_problems(olds: dict, news: dict) -> list[Problem]:
    """A key length or selector change of an existing domain is a key rotation; what it needs."""
    if not olds or news.get("automatic_sender_security") or not all(
            known(news.get(k)) for k in ("dkim_key_length", "dkim_selector")):
        return []
    bits = key_bits(news)
    selector_changed = olds.get("dkim_selector") != news.get("dkim_selector")
    if key_bits(olds) != bits and not selector_changed:
        derived = dkim_selector_for(bits)
        way_out = f"leave dkim_selector out (it is then {derived})" if derived != news["dkim_selector"] else \
            f"set dkim_selector to a new name, e.g. {news['dkim_selector']}{bits}"
        return [Problem("dkim_selector", f"a new DKIM key length needs a new selector (Mailgun keeps the old and the "
                                         f"new key side by side while it rotates, and receivers find a key by its "
                                         f"selector): {way_out}")]
    if selector_changed and news.get("mode") == "manual":
        return [Problem("dkim_selector", "a DKIM key rotation publishes the new key before it signs, which needs the "
                                         "records written in the same `up` (route53, cloudflare, auto with "
                                         "credentials, or a CustomDns writer); with dns manual, keep the selector "
                                         f"and key length{_upgrade_note(olds, news)}")]
    return []


_selector_of = domains.own_selector


class DomainProvider(BaseProvider):
    kind = "Mailgun domain"
    fields = ("name", "region", "dkim_key_length", "dkim_selector", "retention_days", "tracking", "receiving",
              "automatic_sender_security", "dkim_rotation_days", *SETTINGS, "force_dkim_authority")
    added_later = (*BaseProvider.added_later, "dkim_rotation_days", *SETTINGS, "force_dkim_authority")
    replace_on = {
        "name": "cannot be changed; a new subdomain is created",
        "region": REGION_REASON,
        "force_dkim_authority": "cannot be changed on an existing Mailgun domain; the domain is created again",
    }

    def object_key(self, props: dict) -> tuple:
        return ("domain", props["name"], props["region"])

    def check(self, olds: dict, news: dict) -> CheckResult:
        news = DomainInputs.completed(news)
        self.declare(news)
        found = problems(news) + rotation_problems(olds, news)
        if not olds and not found and known(news.get("name")) and known(news.get("region")):
            found += self.api_key_problems(news)
        return CheckResult(news, failures(found))

    def api_key_problems(self, props: dict) -> list[Problem]:
        """For a domain not in state yet, whether Mailgun takes the API key: one read of the domain,
        so a wrong or missing key fails preview instead of the first write. Only the key is judged
        here: the engine checks a replacement with no olds too, so "the domain exists" (in the other
        region, say) is no error at check; create() tells those apart. Any other failure (Mailgun
        unreachable) is left to the apply, which retries and names it."""
        try:
            self.mailgun(props["region"]).get_domain(props["name"])
        except ConfigError as exc:
            return list(exc.problems)
        except MailgunApiError as exc:
            if exc.status in (401, 403):
                return [Problem("apiKey", f"Mailgun refused the API key ({exc.status}) for {props['name']} in the "
                                          f"{props['region'].upper()} region: set mailgun-setup:apiKey (pulumi config "
                                          f"set --secret) or MAILGUN_API_KEY to a private API key of the account")]
        return []

    def outputs(self, props: dict, body: dict, adopted: bool) -> dict:
        """The resource's outputs: ``props`` completed from Mailgun's answer ``body``. During a DKIM key
        rotation the records carry the declared (new) key's record, not the one that still signs."""
        sender, receiver = records.from_mailgun(body, bool(props.get("tracking")))
        domain = body["domain"]
        selector, declared = _selector_of(body), props.get("dkim_selector")
        if selector and declared and selector != declared and not props.get("automatic_sender_security"):
            key = domain_keys.find_key(self.mailgun(props["region"]), domain["name"], declared)
            if key is not None:
                sender = [domain_keys.txt_record(key) if r["purpose"] == "DKIM" else r for r in sender]
                selector = declared
        settings = {k: domain.get(k) for k in SETTINGS if props.get(k) is not None and k in domain}
        return {**props, **settings, "name": domain["name"], "state": domain.get("state"),
                "effective_retention_days": domains.effective_days(body),
                "dkim_selector": selector or declared,
                "sender_records": sender, "receiver_records": receiver if props.get("receiving") else [],
                "smtp_host": SMTP_HOSTS[props["region"]], "smtp_login": domain.get("smtp_login"),
                "adopted": adopted}

    def existing(self, props: dict) -> Optional[dict]:
        """Mailgun's answer for a domain that already exists and can be taken over as declared;
        None when it does not exist. Raises when it lives in the other region or has another
        DKIM selector: taking it over would replace it."""
        name, region = props["name"], props["region"]
        body = self.mailgun(region).get_domain(name)
        if body is None:
            for other in REGIONS:
                if other != region and self.mailgun(other).get_domain(name) is not None:
                    raise ConfigError(Problem("region", f"{name} already exists in Mailgun's {other.upper()} region, "
                                              f"not {region.upper()}; the region of a domain is fixed forever: "
                                              f"use region {other}, or a new subdomain"))
            return None
        selector = _selector_of(body)
        if selector and selector != props["dkim_selector"]:
            raise ConfigError(Problem("dkim_selector", f"{name} already exists in Mailgun with DKIM selector "
                                                       f"{selector!r}; set dkimSelector: {selector} to adopt it"))
        return body

    def create(self, props: dict) -> CreateResult:
        name = props["name"]
        client = self.mailgun(props["region"])
        body = self.existing(props)
        if body is None:
            try:
                body = domains.create(client, props)
            except MailgunApiError as exc:
                # Another stack of the account created it since we looked (UAT and Prod started by one
                # merge): take it over exactly as if it had been there before.
                if exc.status != 400 or (body := self.existing(props)) is None:
                    raise
                pulumi.log.info(f"{name}: created by another stack a moment ago; taken over")
            else:
                return self._created(props, body, adopted=False)
        return self._created(props, domains.adopt(client, props, body), adopted=True)

    def _created(self, props: dict, body: dict, adopted: bool) -> CreateResult:
        name = props["name"]
        if props.get("automatic_sender_security") and props.get("dkim_rotation_days"):
            domains.set_rotation(self.mailgun(props["region"]), name, props["dkim_rotation_days"])
        for note in domains.notes(props, body, adopted):
            pulumi.log.warn(note)
        return CreateResult(name, self.outputs(props, body, adopted))

    def read(self, id_: str, props: dict) -> ReadResult:
        """Refresh, and the state `mailgun-setup import` builds: gone from Mailgun means gone from state."""
        body = self.mailgun(props["region"]).get_domain(id_)
        if body is None:
            return ReadResult(None, {})
        return ReadResult(id_, self.outputs({"name": id_, **props}, body, bool(props.get("adopted"))))

    def diff(self, id_: str, olds: dict, news: dict):
        result = super().diff(id_, olds, news)
        if olds.get("dkim_selector") != news.get("dkim_selector") and not news.get("automatic_sender_security") \
                and known(news.get("dkim_selector")):
            pulumi.log.warn(f"{news.get('name')}: DKIM key rotation {olds.get('dkim_selector')} ({key_bits(olds)}) → "
                            f"{news.get('dkim_selector')} ({key_bits(news)}): in place; the new key's record "
                            f"{news.get('dkim_selector')}._domainkey.{news.get('name')} is published beside the old "
                            f"one, and the old key signs until the new one is valid{_upgrade_note(olds, news)}")
        return result

    def update(self, _id: str, olds: dict, news: dict) -> UpdateResult:
        client = self.mailgun(news["region"])
        if olds.get("retention_days") != news.get("retention_days"):
            domains.set_retention(client, news["name"], news.get("retention_days"))
        if bool(olds.get("automatic_sender_security")) != bool(news.get("automatic_sender_security")):
            domains.update(client, news["name"], {"use_automatic_sender_security":
                                                  "true" if news.get("automatic_sender_security") else "false"})
        changed = {k: news[k] for k in SETTINGS if news.get(k) is not None and olds.get(k) != news.get(k)}
        if changed:
            domains.update(client, news["name"], domains.settings_form(changed))
        if olds.get("dkim_rotation_days") != news.get("dkim_rotation_days") and news.get("automatic_sender_security"):
            domains.set_rotation(client, news["name"], news.get("dkim_rotation_days"))
        if olds.get("dkim_selector") != news.get("dkim_selector") and not news.get("automatic_sender_security"):
            # a key rotation: the new key now, beside the old one; DomainRecords publishes it and swaps them
            domain_keys.create_domain_key(client, news["name"], news["dkim_selector"],
                                          key_bits(news))
        body = client.get_domain(news["name"])
        for note in domains.update_notes(olds, news, body):
            pulumi.log.warn(note)
        return UpdateResult(self.outputs(news, body, bool(olds.get("adopted"))))

    def delete(self, id_: str, props: dict) -> None:
        if self.held_elsewhere(id_, props):
            return
        others = self.other_stacks(id_, props)
        if others:
            pulumi.log.info(f"{id_}: kept in Mailgun, still used by {', '.join(c.owner for c in others)}")
            return
        self.mailgun(props["region"]).delete_domain(id_, progress=pulumi.log.info)


IDENTITY_FIELDS = tuple(DomainProvider.replace_on)


def identity(inputs: DomainInputs) -> pulumi.Output[str]:
    """What names one Mailgun domain for the objects that live in it (SMTP logins, webhooks, tracking,
    domain keys): the inputs whose change replaces the domain. Those objects carry it as their
    ``domain_identity`` input, so a replacement of the domain replaces them in the same ``up``, and
    preview shows it on their lines. Known at preview whenever those inputs are."""
    return pulumi.Output.all(*[getattr(inputs, f) for f in IDENTITY_FIELDS]).apply(
        lambda values: "/".join(str(v) for v in values))


class Domain(Resource, module="mailgun", name="Domain"):
    """The Mailgun side of one subdomain; part of :class:`mailgun_setup.MailgunDomain`."""

    name: pulumi.Output[str]
    region: pulumi.Output[str]
    state: pulumi.Output[str]
    sender_records: pulumi.Output[list]
    receiver_records: pulumi.Output[list]
    smtp_host: pulumi.Output[str]
    smtp_login: pulumi.Output[str]
    adopted: pulumi.Output[bool]
    effective_retention_days: pulumi.Output[Optional[int]]

    def __init__(self, resource_name: str, inputs: DomainInputs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(DomainProvider(), resource_name, held_props(Domain, resource_name, inputs, opts), opts)

