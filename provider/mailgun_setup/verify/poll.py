"""One bounded backoff loop for everything that waits on DNS or Mailgun to catch up."""
from __future__ import annotations

import time
from typing import Callable, Tuple, TypeVar

T = TypeVar("T")


def poll(attempt: Callable[[], Tuple[bool, T]], timeout: float, first: float = 1.0, most: float = 30.0,
         factor: float = 1.6, sleep: Callable[[float], None] = time.sleep,
         clock: Callable[[], float] = time.monotonic) -> Tuple[bool, T]:
    """Call ``attempt()`` -> ``(done, value)`` until done, backing off from ``first`` to ``most``
    seconds between calls, never sleeping past ``timeout`` seconds from now. Returns the last
    ``(done, value)``: the caller decides what a timeout means. ``timeout`` 0 makes one call."""
    deadline, delay = clock() + timeout, first
    while True:
        done, value = attempt()
        if done or clock() + delay > deadline:
            return done, value
        sleep(delay)
        delay = min(delay * factor, most)
