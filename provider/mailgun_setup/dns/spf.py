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


def contains(value: str, spf: str) -> bool:
    """Whether ``value`` already authorises what ``spf`` does (equal, or carries its includes)."""
    if value == spf:
        return True
    terms = {t.lower() for t in value.split()}
    wanted = our_terms(spf)
    return is_spf(value) and bool(wanted) and all(t.lower() in terms for t in wanted)


def merge(foreign: str, spf: str) -> str:
    """``foreign`` with our includes placed before its final ``all``/``redirect=`` term."""
    terms = foreign.split()
    missing = [t for t in our_terms(spf) if t.lower() not in {x.lower() for x in terms}]
    tail = next((i for i, t in enumerate(terms) if t.lower().lstrip("+-~?") == "all"
                 or t.lower().startswith("redirect=")), len(terms))
    return " ".join(terms[:tail] + missing + terms[tail:])


def unmerge(value: str, spf: str) -> Optional[str]:
    """``value`` without our includes; None when nothing but our own record would remain."""
    if value == spf:
        return None
    ours = {t.lower() for t in our_terms(spf)}
    return " ".join(t for t in value.split() if t.lower() not in ours)
