"""Mailgun's dates, in either of the forms its APIs answer with.

Domain answers carry RFC 2822 dates (``Wed, 02 Dec 2026 03:30:18 GMT``); the keys API gives
``2026-01-23T10:16:00`` (UTC, no offset: API 3.0.0's KeyInfoResp pattern). Both are read here,
so a change of form on either side does not break the product.
"""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Optional


def parse(value: Optional[str]) -> Optional[datetime]:
    """An aware UTC datetime, or None for a missing or unreadable value."""
    if not value or not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            found = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return found.replace(tzinfo=timezone.utc) if found.tzinfo is None else found.astimezone(timezone.utc)


def iso(value: Optional[str]) -> Optional[str]:
    """``value`` as ``YYYY-MM-DDTHH:MM:SSZ`` (None stays None; an unreadable value is kept as it is)."""
    found = parse(value)
    return found.strftime("%Y-%m-%dT%H:%M:%SZ") if found else value


def timestamp(value: Optional[str]) -> float:
    """Seconds since the epoch, 0 for a missing or unreadable value (for ordering)."""
    found = parse(value)
    return found.timestamp() if found else 0.0
