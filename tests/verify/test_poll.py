"""The one backoff loop: bounded by its timeout, backing off, returning the last answer."""
from mailgun_setup.verify.poll import poll


def test_stops_when_done_and_backs_off_between_tries():
    slept, answers = [], iter([(False, 1), (False, 2), (True, 3)])
    assert poll(lambda: next(answers), timeout=100, first=1, most=30, factor=2, sleep=slept.append) == (True, 3)
    assert slept == [1, 2]


def test_never_sleeps_past_the_timeout_and_returns_the_last_answer():
    slept = []
    done, value = poll(lambda: (False, "still missing"), timeout=0, sleep=slept.append)
    assert (done, value, slept) == (False, "still missing", [])
    now = [0.0]
    slept.clear()

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds
    done, _ = poll(lambda: (False, None), timeout=10, first=1, most=4, factor=2, sleep=sleep, clock=lambda: now[0])
    assert not done and slept == [1, 2, 4] and sum(slept) <= 10  # a 4th sleep of 4 would pass the deadline
