"""State that emulator features keep beside the core model, without editing ``MailgunBackend``.

Each feature module (keys, messages) keeps its own store; :func:`attached` hangs one per
backend, created on first use, so the US and EU apps of one sandbox share it.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from .models import MailgunBackend

T = TypeVar("T")


def attached(backend: MailgunBackend, name: str, factory: Callable[[], T]) -> T:
    store = backend.__dict__.get(name)
    if store is None:
        with backend._lock:
            store = backend.__dict__.setdefault(name, factory())
    return store
