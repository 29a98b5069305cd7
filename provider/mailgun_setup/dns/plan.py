"""Plan the change to one record set (name + type) that publishes or withdraws our values.

Backends only execute plans (octodns style): the rules live here once. A plan never drops a
value it did not bring, merges our SPF into a foreign SPF record instead of adding a second
one, and refuses to put a CNAME where another value already sits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..dmarc import is_dmarc
from ..errors import RecordConflictError
from . import spf
from .types import RecordSet


@dataclass(frozen=True)
class RecordChange:
    name: str
    rtype: str
    ttl: int
    before: Optional[RecordSet]
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    replace: tuple[tuple[str, str], ...] = ()  # (old value, new value): an SPF merge or un-merge

    @property
    def after(self) -> list[str]:
        swapped = dict(self.replace)
        values = [swapped.get(v, v) for v in (self.before.values if self.before else ())]
        values = [v for v in values if v not in self.remove]
        return values + [v for v in self.add if v not in values]


def after_set(change: "RecordChange") -> Optional[RecordSet]:
    """The record set as ``change`` leaves it, each remaining value keeping its backend handle."""
    before = change.before or RecordSet(change.ttl, ())
    swapped = dict(change.replace)
    kept = [(swapped.get(v, v), w, o) for v, w, o in
            zip(before.values, before.wire or before.values, before.owned or (False,) * len(before.values))
            if v not in change.remove]
    if not kept and not change.add:
        return None
    return RecordSet(before.ttl if change.before else change.ttl,
                     tuple(v for v, _, _ in kept), tuple(w for _, w, _ in kept), tuple(o for _, _, o in kept))


def sync(name: str, rtype: str, ttl: int, before: Optional[RecordSet], old_ours: list[str], new_ours: list[str],
         keep: tuple[str, ...] = ()) -> Optional[RecordChange]:
    """One change taking the record set from serving ``old_ours`` to serving ``new_ours``."""
    dropped = [v for v in old_ours if v not in new_ours]
    out = withdraw(name, rtype, before, dropped, keep) or RecordChange(name, rtype, ttl, before)
    into = publish(name, rtype, ttl, after_set(out) if out.remove or out.replace else before, new_ours) \
        if new_ours else None
    if into is None:
        return out if out.remove or out.replace else None
    first = dict(out.replace)
    chained = {old: dict(into.replace).get(mid, mid) for old, mid in first.items()}
    chained.update({old: new for old, new in into.replace if old not in first.values()})
    return RecordChange(name, rtype, ttl, before, into.add, tuple(dict.fromkeys(out.remove + into.remove)),
                        tuple(chained.items()))


def covers(present: str, ours: str, rtype: str) -> bool:
    """Whether a value found in the zone already serves as our value. A DMARC record that is there
    already counts as ours: one name holds one DMARC policy, and a foreign one is never replaced."""
    if rtype == "TXT" and spf.is_spf(ours):
        return spf.contains(present, ours)
    if rtype == "TXT" and is_dmarc(ours):
        return is_dmarc(present)
    return present == ours


def present_values(before: Optional[RecordSet], ours: list[str], rtype: str, name: str = "") -> list[str]:
    """Those of our values the record set already serves (a proxied record serves nothing). At a DKIM
    selector, our key beside another one does not count: receivers may pick the other."""
    values = before.served() if before else ()
    if is_dkim_key(name, rtype) and any(v not in ours for v in values):
        return []
    return [v for v in ours if any(covers(p, v, rtype) for p in values)]


def _merge_target(before: Optional[RecordSet], value: str, rtype: str) -> Optional[str]:
    """The foreign SPF record our SPF ``value`` would be merged into, if any."""
    if rtype != "TXT" or not spf.is_spf(value) or before is None:
        return None
    return next((v for v in before.values if spf.is_spf(v)), None)


def preexisting(before: Optional[RecordSet], ours: list[str], rtype: str) -> list[str]:
    """Values that were there before us and must still be there after we withdraw: those of ours
    already served, a foreign SPF record we are about to merge into (restored as it was), and a
    foreign DMARC record that stands in for ours."""
    done = present_values(before, ours, rtype)
    targets = [_merge_target(before, v, rtype) for v in ours if v not in done]
    foreign_dmarc = [v for v in (before.values if before else ()) if rtype == "TXT" and is_dmarc(v) and v not in ours]
    done = [v for v in done if not (foreign_dmarc and is_dmarc(v))] + foreign_dmarc  # kept in our place
    return done + [t for t in dict.fromkeys(targets) if t is not None]


def is_dkim_key(name: str, rtype: str) -> bool:
    """A TXT record at a DKIM selector's name (``<selector>._domainkey.<domain>``)."""
    return rtype == "TXT" and "._domainkey." in name


def publish(name: str, rtype: str, ttl: int, before: Optional[RecordSet], ours: list[str]) -> Optional[RecordChange]:
    values = list(before.values) if before else []
    if rtype == "CNAME" and values and values != list(ours):
        raise RecordConflictError(f"{name} already has a CNAME to {values[0]}; Mailgun needs it to point to "
                                  f"{ours[0]}: remove the existing CNAME or turn tracking off")
    done = set(present_values(before, ours, rtype, name))
    add, replace = [], []
    for value in ours:
        if value in done:
            continue
        if before is not None and value in before.values:  # there, but proxied: written again unproxied
            replace.append((value, value))
            continue
        foreign_spf = _merge_target(before, value, rtype)
        if foreign_spf is not None:
            replace.append((foreign_spf, spf.merge(foreign_spf, value)))
        else:
            add.append(value)
    # A DKIM selector holds one key: another key there (typed in out of band, or left by a bad copy) makes
    # receivers pick either (RFC 6376 §3.6.2.2: the result is undefined), so it goes.
    strays = tuple(v for v in values if is_dkim_key(name, rtype) and v not in ours) if ours else ()
    if not add and not replace and not strays:
        return None
    return RecordChange(name, rtype, ttl, before, tuple(add), strays, tuple(replace))


def _merged_into(before: RecordSet, value: str, rtype: str, keep: tuple[str, ...]) -> Optional[tuple[str, str]]:
    """(value in the zone, kept original) when our SPF ``value`` was merged into a kept foreign SPF."""
    if rtype != "TXT" or not spf.is_spf(value):
        return None
    for original in (k for k in keep if spf.is_spf(k)):
        merged = spf.merge(original, value)
        if merged != original and merged in before.values:
            return merged, original
    return None


def withdraw(name: str, rtype: str, before: Optional[RecordSet], ours: list[str],
             keep: tuple[str, ...] = ()) -> Optional[RecordChange]:
    """Take our values out again; ``keep`` are values that were there before we came.

    An SPF record we merged into goes back to its kept original, even when the merge made it
    identical to our own SPF (a foreign ``v=spf1 ~all`` becomes exactly Mailgun's value)."""
    if before is None:
        return None
    remove, replace = [], []
    for value in ours:
        if value in keep:
            continue
        restore = _merged_into(before, value, rtype, keep)
        if restore is not None:
            replace.append(restore)
        elif value in before.values:
            remove.append(value)
        elif rtype == "TXT" and spf.is_spf(value):
            merged = next((v for v in before.values if spf.contains(v, value)), None)
            if merged is not None:
                replace.append((merged, spf.unmerge(merged, value)))
    if not remove and not replace:
        return None
    return RecordChange(name, rtype, before.ttl, before, (), tuple(remove), tuple(replace))
