"""A small thread-safe memo for list calls that many resources of one run share."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable, Optional


class ListCache:
    """List results kept for a few seconds, so a refresh of N senders or routes makes one list call.

    The engine reads resources in parallel: the first reader of a key loads it while the others
    wait on that key's lock, instead of all missing at once and listing N times. ``forget`` (after
    a write) bumps the key's generation: a result loaded from before it is never handed out again.
    ``record`` (after a write of this process) edits the cached list instead, so N creates under
    one key make one list call, not N.
    """

    def __init__(self, ttl: float = 20.0):
        self._ttl, self._lock = ttl, threading.Lock()
        self._items: dict[tuple, tuple[float, int, list]] = {}  # key -> (loaded at, generation, value)
        self._generation: dict[tuple, int] = {}
        self._loading: dict[tuple, threading.Lock] = {}

    def _usable(self, key: tuple, generation: int) -> Optional[list]:
        hit = self._items.get(key)
        if hit and hit[1] >= generation and time.monotonic() - hit[0] < self._ttl:
            return hit[2]
        return None

    def get(self, key: tuple, load: Callable[[], list]) -> list:
        with self._lock:
            generation = self._generation.get(key, 0)
            found = self._usable(key, generation)
            if found is not None:
                return found
            key_lock = self._loading.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                found = self._usable(key, generation)
                generation = self._generation.get(key, 0)
            if found is not None:
                return found
            value = load()
            with self._lock:
                self._items[key] = (time.monotonic(), generation, value)
            return value

    def record(self, key: tuple, change: Callable[[list], list]) -> None:
        """This process wrote to what ``key`` lists: apply ``change`` to the cached list so the
        next reader sees the write without listing again. With no current list (none loaded,
        expired, or a load in flight that may predate the write) it is ``forget`` instead."""
        with self._lock:
            generation = self._generation.get(key, 0)
            found = self._usable(key, generation)
            if found is None:
                self._generation[key] = generation + 1
                self._items.pop(key, None)
                return
            loaded_at = self._items[key][0]
            self._items[key] = (loaded_at, generation, change(list(found)))

    def forget(self, key: tuple) -> None:
        with self._lock:
            self._generation[key] = self._generation.get(key, 0) + 1
            self._items.pop(key, None)


def remembered(memo: Optional[ListCache], key: tuple, load: Callable[[], Any]) -> Any:
    """``load()`` through ``memo`` when there is one, else straight."""
    return memo.get(key, load) if memo is not None else load()
