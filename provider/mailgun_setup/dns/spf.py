"""Merging our SPF include into someone else's SPF record, and taking it out again.

A name may hold only one ``v=spf1`` record (RFC 7208 §3.2: two are a permanent error), so
when a foreign SPF record already exists we add Mailgun's ``include:`` to it instead of
publishing a second one, and on removal take back exactly the terms we added.
"""
from __future__ import annotations

from typing import Optional


def is_spf(value: str) -> bool:
    return value.lower() == "v=spf1" or value.lower().startswith("v=spf1 ")


def our_terms(spf: str) -> list[str]:
    """The mechanisms of our SPF value worth carrying into another one: its includes."""
    return [t for t in spf.split()[1:] if t.lower().startswith("include:")]


def _is_all(term: str) -> bool:
    return term.lower().lstrip("+-~?") == "all"


def evaluated(value: str) -> list[str]:
    """The terms of an SPF record a receiver evaluates: those up to the first ``all``. Mechanisms after
    ``all`` are never tested (RFC 7208 §5.1), so an include there authorises nothing."""
    terms = value.split()[1:]
    end = next((i + 1 for i, t in enumerate(terms) if _is_all(t)), len(terms))
    return terms[:end]


def misplaced(value: str) -> list[str]:
    """Mechanisms that stand after ``all`` in ``value``: receivers never evaluate them."""
    terms = value.split()[1:]
    return terms[len(evaluated(value)):] if is_spf(value) else []


def reordered(value: str) -> str:
    """``value`` with the terms that stood after ``all`` moved before it (what the author meant)."""
    done, late = evaluated(value), misplaced(value)
    return " ".join(["v=spf1", *done[:-1], *late, *done[-1:]])


def contains(value: str, spf: str) -> bool:
    """Whether ``value`` authorises what ``spf`` does, as a receiver evaluates it (equal, or carries its
    includes before any ``all``)."""
    if value == spf:
        return True
    terms = {t.lower() for t in evaluated(value)}
    wanted = our_terms(spf)
    return is_spf(value) and bool(wanted) and all(t.lower() in terms for t in wanted)


def merge(foreign: str, spf: str) -> str:
    """``foreign`` with our includes placed before its final ``all``/``redirect=`` term. An include of ours
    that stands after ``all`` (never evaluated) moves before it; every foreign term is kept."""
    ours = {t.lower() for t in our_terms(spf)}
    late = {t.lower() for t in misplaced(foreign)} & ours
    terms = [t for i, t in enumerate(foreign.split()) if not (t.lower() in late and i > len(evaluated(foreign)))]
    missing = [t for t in our_terms(spf) if t.lower() not in {x.lower() for x in terms}]
    tail = next((i for i, t in enumerate(terms) if _is_all(t) or t.lower().startswith("redirect=")), len(terms))
    return " ".join(terms[:tail] + missing + terms[tail:])


def unmerge(value: str, spf: str) -> Optional[str]:
    """``value`` without our includes; None when nothing but our own record would remain."""
    if value == spf:
        return None
    ours = {t.lower() for t in our_terms(spf)}
    return " ".join(t for t in value.split() if t.lower() not in ours)
