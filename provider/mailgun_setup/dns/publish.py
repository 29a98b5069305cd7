"""Publish, withdraw or look for a subdomain's records: one read per record set, one batch write.

``wanted`` maps (name, type) to our values there; names are full names without the final dot.
"""
from __future__ import annotations

from typing import Mapping

from . import plan
from .backend import DnsBackend
from .types import Zone

Key = tuple[str, str]  # (name, type)
DEFAULT_TTL = 300


def sync(backend: DnsBackend, zone: Zone, old: Mapping[Key, list[str]], new: Mapping[Key, list[str]],
         keep: Mapping[Key, list[str]] = {}, ttl: int = DEFAULT_TTL) -> dict[Key, list[str]]:
    """Move the zone from serving our ``old`` values to serving ``new``: one read per record set, one batch.

    ``keep`` are values that were there before us: never removed. Returns, per record set of ``new``,
    the values found there that belong in ``keep`` (see :func:`plan.preexisting`).
    """
    already, changes = {}, []
    for name, rtype in list(dict.fromkeys([*old, *new])):
        before = backend.read(zone, name, rtype)
        ours = list(new.get((name, rtype), []))
        if ours:
            already[(name, rtype)] = plan.preexisting(before, ours, rtype)
        change = plan.sync(name, rtype, ttl, before, list(old.get((name, rtype), [])), ours,
                           tuple(keep.get((name, rtype), ())))
        if change:
            changes.append(change)
    if changes:
        backend.apply(zone, changes)
    return already


def publish(backend: DnsBackend, zone: Zone, wanted: Mapping[Key, list[str]],
            ttl: int = DEFAULT_TTL) -> dict[Key, list[str]]:
    """Write every missing value in one batch; returns, per record set, the values to keep on withdraw."""
    return sync(backend, zone, {}, wanted, ttl=ttl)


def withdraw(backend: DnsBackend, zone: Zone, wanted: Mapping[Key, list[str]],
             keep: Mapping[Key, list[str]] = {}) -> None:
    """Remove our values (not those in ``keep``: they were there before us) in one batch."""
    sync(backend, zone, wanted, {}, keep)


def present(backend: DnsBackend, zone: Zone, wanted: Mapping[Key, list[str]]) -> dict[Key, list[str]]:
    """Which of our values each record set serves right now (for refresh)."""
    return {(name, rtype): plan.present_values(backend.read(zone, name, rtype), ours, rtype)
            for (name, rtype), ours in wanted.items()}
