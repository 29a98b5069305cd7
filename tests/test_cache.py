"""ListCache: one list call however many readers ask at once, and never a stale one after forget."""
import threading
import time

import pytest

from mailgun_setup.cache import ListCache


def test_parallel_readers_share_one_load():
    cache, calls, barrier = ListCache(), [], threading.Barrier(8)

    def slow_list():
        calls.append(1)
        time.sleep(0.2)
        return ["a@mail.x.com", "b@mail.x.com"]

    results = []

    def reader():
        barrier.wait()
        results.append(cache.get(("us", "mail.x.com"), slow_list))

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and results == [["a@mail.x.com", "b@mail.x.com"]] * 8


def test_forget_makes_the_next_reader_list_again():
    cache, calls = ListCache(), []
    cache.get(("k",), lambda: calls.append(1) or [1])
    cache.forget(("k",))
    cache.get(("k",), lambda: calls.append(1) or [2])
    assert len(calls) == 2


@pytest.mark.parametrize("after_write", [
    lambda cache: cache.forget(("k",)),  # its author asks for a fresh list
    lambda cache: cache.record(("k",), lambda items: [i for i in items if i != "X"]),  # or notes its own write
], ids=["forget", "record"])
def test_a_write_during_a_load_is_not_answered_by_that_load(after_write):
    cache, started, release = ListCache(), threading.Event(), threading.Event()
    listing = ["X"]

    def slow_list():
        snapshot = list(listing)  # read before the delete below
        started.set()
        release.wait(5)
        return snapshot

    early = threading.Thread(target=lambda: cache.get(("k",), slow_list))
    early.start()
    started.wait(5)
    listing.remove("X")  # a write lands while that load is in flight...
    after_write(cache)
    release.set()
    early.join()
    assert cache.get(("k",), lambda: list(listing)) == []


def test_record_edits_the_cached_list_without_listing_again():
    cache, calls = ListCache(), []
    cache.get(("k",), lambda: calls.append(1) or ["a"])
    cache.record(("k",), lambda items: items + ["b"])
    assert cache.get(("k",), lambda: calls.append(1) or ["never"]) == ["a", "b"] and len(calls) == 1


def test_record_with_nothing_cached_makes_the_next_reader_list():
    cache, calls = ListCache(), []
    cache.record(("k",), lambda items: items + ["b"])
    assert cache.get(("k",), lambda: calls.append(1) or ["a", "b"]) == ["a", "b"] and len(calls) == 1



def test_record_after_expiry_lists_again():
    cache, calls = ListCache(ttl=0.05), []
    cache.get(("k",), lambda: calls.append(1) or ["a"])
    time.sleep(0.1)
    cache.record(("k",), lambda items: items + ["b"])
    assert cache.get(("k",), lambda: calls.append(1) or ["a", "b"]) == ["a", "b"] and len(calls) == 2
