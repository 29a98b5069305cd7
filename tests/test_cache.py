"""ListCache: one list call however many readers ask at once, and never a stale one after forget."""
import threading
import time

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


def test_forget_during_a_load_is_not_answered_by_that_load():
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
    cache.forget(("k",))  # ...and its author asks for a fresh list
    release.set()
    assert cache.get(("k",), lambda: list(listing)) == []
    early.join()
