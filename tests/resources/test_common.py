"""ListCache: one list call however many resources ask at once."""
import threading
import time

from mailgun_setup.resources.common import ListCache


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
