"""Publish, withdraw or look for a subdomain's records: one read per record set, one batch write.

``wanted`` maps (name, type) to our values there; names are full names without the final dot.
"""
from __future__ import annotations

import random
import time
from typing import Mapping

from . import plan
from .interface import DnsBackend
from .types import Zone

Key = tuple[str, str]  # (name, type)
DEFAULT_TTL = 300


def sync(backend: DnsBackend, zone: Zone, old: Mapping[Key, list[str]], new: Mapping[Key, list[str]],
         keep: Mapping[Key, list[str]] = {}, ttl: int = DEFAULT_TTL) -> dict[Key, list[str]]:
    """Move the zone from serving our ``old`` values to serving ``new``: one read per record set, one batch.

    ``keep`` are values that were there before us: never removed. Returns, per record set of ``new``,
    the values found there that belong in ``keep`` (see :func:`plan.preexisting`).
    """
    return _sync(backend, zone, old, new, keep, ttl)[0]


def _sync(backend: DnsBackend, zone: Zone, old: Mapping[Key, list[str]], new: Mapping[Key, list[str]],
          keep: Mapping[Key, list[str]], ttl: int) -> tuple[dict[Key, list[str]], bool]:
    """:func:`sync`, also saying whether a batch was written."""
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
    return already, bool(changes)


def publish(backend: DnsBackend, zone: Zone, wanted: Mapping[Key, list[str]], ttl: int = DEFAULT_TTL,
            old: Mapping[Key, list[str]] = {}, attempts: int = 4) -> dict[Key, list[str]]:
    """Write every missing value in one batch (taking back ``old`` values of ours that ``wanted`` no longer
    holds); returns, per record set, the values to keep on withdraw.

    Then read the record sets back: another writer that read a set before our batch and wrote it after
    (two stacks sharing a subdomain deploying at once: a Route 53 UPSERT replaces the whole set) may have
    dropped our values. Those are written again, a bounded number of times, with a short random pause."""
    already, written = _sync(backend, zone, old, wanted, {}, ttl)
    for attempt in range(attempts):
        if not written:
            break
        time.sleep(random.uniform(0.02, 0.2) * attempt)
        _, written = _sync(backend, zone, {}, wanted, {}, ttl)  # writes only what is missing now
    return already


def withdraw(backend: DnsBackend, zone: Zone, wanted: Mapping[Key, list[str]],
             keep: Mapping[Key, list[str]] = {}) -> None:
    """Remove our values (not those in ``keep``: they were there before us) in one batch."""
    sync(backend, zone, wanted, {}, keep)


def present(backend: DnsBackend, zone: Zone, wanted: Mapping[Key, list[str]]) -> dict[Key, list[str]]:
    """Which of our values each record set serves right now (for refresh)."""
    return {(name, rtype): plan.present_values(backend.read(zone, name, rtype), ours, rtype, name)
            for (name, rtype), ours in wanted.items()}
