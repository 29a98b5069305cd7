"""Authoritative DNS server of the sandbox (UDP and TCP, dnslib).

At query time it reads what Route 53 (moto's in-process backend) and the
Cloudflare emulator hold, so a record written through either API is visible
to DNS at once. Answers carry the AA flag; a name that exists without the
asked type is NODATA (NOERROR, SOA in authority), a missing name NXDOMAIN;
names outside every zone are REFUSED. TXT values come out as the character
strings they were written with (a 2048-bit DKIM key as several strings); an
unquoted Cloudflare TXT content is split at 255 bytes, as Cloudflare does.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Iterable, Protocol

import dns.rdata
import dns.rdataclass
import dns.rdatatype
from dnslib import QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from .cloudflare.models import CloudflareBackend

DEFAULT_TTL = 300
# A proxied (orange-cloud) Cloudflare record answers the edge's addresses, never its own CNAME or A
# value: that is why a proxied tracking CNAME fails Mailgun's check. Addresses from 104.16.0.0/13.
PROXY_ADDRESSES = ("104.16.132.229", "104.16.133.229")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServedRecord:
    name: str  # lower case, no trailing dot
    type: str
    ttl: int
    value: str  # zone-file presentation (TXT quoted strings, MX "10 host")


@dataclass
class ServedZone:
    name: str
    source: str
    records: list[ServedRecord] = field(default_factory=list)


class ZoneSource(Protocol):
    def zones(self) -> Iterable[ServedZone]: ...


def _bare(name: str) -> str:
    return name.lower().rstrip(".")


class Route53Source:
    """Public hosted zones of every account in moto's in-process Route 53 backend."""

    def zones(self) -> Iterable[ServedZone]:
        from moto.route53.models import route53_backends

        for account_id in list(route53_backends.keys()):
            for partition in list(route53_backends[account_id].keys()):
                backend = route53_backends[account_id][partition]
                for zone in list(backend.zones.values()):
                    if zone.private_zone:
                        continue
                    served = ServedZone(_bare(zone.name), "route53")
                    for rrset in list(zone.rrsets):
                        if rrset.alias_target:
                            continue
                        for value in rrset.records or []:
                            if isinstance(value, dict):  # moto keeps its own SOA as {"Value": …}
                                value = value.get("Value", "")
                            served.records.append(ServedRecord(_bare(rrset.name), rrset.type,
                                                               int(rrset.ttl or DEFAULT_TTL), value))
                    yield served


class CloudflareSource:
    def __init__(self, backend: CloudflareBackend):
        self.backend = backend

    def zones(self) -> Iterable[ServedZone]:
        for zone in self.backend.list_zones():
            served = ServedZone(zone.name, "cloudflare")
            primary = zone.name_servers[0]
            served.records.append(ServedRecord(zone.name, "SOA", 3600,
                                               f"{primary}. dns.cloudflare.com. 1 10000 2400 604800 1800"))
            served.records.extend(ServedRecord(zone.name, "NS", 86400, f"{ns}.") for ns in zone.name_servers)
            for record in list(zone.records.values()):
                ttl = DEFAULT_TTL if record.ttl == 1 else record.ttl
                if record.proxied:  # Cloudflare answers with its own edge addresses, never the CNAME
                    served.records.extend(ServedRecord(record.name, "A", ttl, ip) for ip in PROXY_ADDRESSES)
                    continue
                value = record.content
                if record.type == "MX":
                    value = f"{record.priority} {record.content}."
                elif record.type in ("CNAME", "NS"):
                    value = f"{record.content}."
                elif record.type == "TXT" and not value.startswith('"'):
                    value = " ".join(_quote(chunk) for chunk in _chunks(value.encode(), 255))
                served.records.append(ServedRecord(record.name, record.type, ttl, value))
            yield served


def _chunks(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)] or [b""]


def _quote(chunk: bytes) -> str:
    text = chunk.decode("utf-8", "replace").replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def to_rr(record: ServedRecord) -> RR:
    if record.type == "TXT":
        rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, record.value)
        return RR(record.name + ".", QTYPE.TXT, ttl=record.ttl, rdata=TXT(list(rdata.strings)))
    return RR.fromZone(f"{record.name}. {record.ttl} IN {record.type} {record.value}")[0]


class SandboxResolver(BaseResolver):
    def __init__(self, sources: list[ZoneSource]):
        self.sources = sources

    def _zone_for(self, qname: str) -> ServedZone | None:
        best = None
        for source in self.sources:
            for zone in source.zones():
                if (qname == zone.name or qname.endswith("." + zone.name)) and (
                        best is None or len(zone.name) > len(best.name)):
                    best = zone
        return best

    def resolve(self, request, handler):
        try:
            return self._resolve(request)
        except Exception:  # answer SERVFAIL rather than let the client time out
            log.exception("sandbox DNS failed to answer %s", request.q)
            reply = request.reply()
            reply.header.rcode = RCODE.SERVFAIL
            return reply

    def _resolve(self, request):
        reply = request.reply()
        qname = _bare(str(request.q.qname))
        qtype = QTYPE[request.q.qtype]
        zone = self._zone_for(qname)
        if zone is None:
            reply.header.rcode = RCODE.REFUSED
            return reply
        reply.header.aa = 1
        name, seen = qname, set()
        while True:
            here = [r for r in zone.records if r.name == name]
            wanted = [r for r in here if qtype == "ANY" or r.type == qtype]
            if wanted:
                for record in wanted:
                    reply.add_answer(to_rr(record))
                return reply
            cname = next((r for r in here if r.type == "CNAME"), None)
            if cname is None or name in seen:
                break
            reply.add_answer(to_rr(cname))
            seen.add(name)
            target = _bare(cname.value)
            if not (target == zone.name or target.endswith("." + zone.name)):
                return reply  # out of zone: the client follows it
            name = target
        exists = any(r.name == name or r.name.endswith("." + name) for r in zone.records)
        if not exists and not reply.rr:
            reply.header.rcode = RCODE.NXDOMAIN
        for soa in (r for r in zone.records if r.type == "SOA" and r.name == zone.name):
            reply.add_auth(to_rr(soa))
        return reply


class SandboxDnsServer:
    """UDP and TCP listeners on one loopback port."""

    def __init__(self, sources: list[ZoneSource], address: str, port: int):
        resolver = SandboxResolver(sources)
        logger = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
        self.address, self.port = address, port
        self._servers = [DNSServer(resolver, address=address, port=port, tcp=tcp, logger=logger)
                         for tcp in (False, True)]

    def start(self) -> None:
        for server in self._servers:
            server.start_thread()

    def stop(self) -> None:
        for server in self._servers:
            server.stop()
            server.server.server_close()
