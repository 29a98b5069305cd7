"""What a resource hung on a domain needs from the ``domain`` argument it was given.

A :class:`MailgunDomain` of the same program (preferred: the name comes as its Domain's
output, so the resource waits for the domain; region and parent come with it), or the plain
name of a domain managed elsewhere, with its region.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import pulumi

from .. import rules
from ..errors import UsageError
from ..mailgun.facts import DEFAULT_REGION
from ..rules import Problem


@dataclass
class DomainRef:
    name: pulumi.Input[str]
    region: pulumi.Input[str]
    parent: Optional[pulumi.Resource]
    identity: Optional[pulumi.Input[str]] = None  # the MailgunDomain's identity: replaced with it


def domain_ref(domain: Any, region: Optional[pulumi.Input[str]], where: str, required: bool = True) -> Optional[DomainRef]:
    from .mailgun_domain import MailgunDomain
    if isinstance(domain, MailgunDomain):
        return DomainRef(domain.domain.name, domain.region, domain, domain.identity)
    if domain is None and not required:
        return None
    if isinstance(domain, pulumi.Output):
        return DomainRef(domain, region or DEFAULT_REGION, None)
    found: list[Problem] = []
    name = rules.domain_name(domain, "domain", found)
    if found:
        raise UsageError([p.under(where) for p in found])
    return DomainRef(name, region or DEFAULT_REGION, None)


def with_parent(ref: Optional[DomainRef], opts: Optional[pulumi.ResourceOptions]) -> Optional[pulumi.ResourceOptions]:
    """``opts`` with the domain as default parent."""
    if ref is None or ref.parent is None:
        return opts
    return pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=ref.parent), opts)
