"""docs/reliability.md's Load row is counted from the recorded results, with the limits hit."""
import importlib.util

from ..conftest import REPO


def _report():
    spec = importlib.util.spec_from_file_location("reliability_report", REPO / "scripts" / "reliability_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_load_row_counts_runs_and_sums_the_rate_limit_answers():
    entries = [
        {"point": "load", "case": "rate-limited", "ok": True, "figures": {"mailgun_429": 12, "route53_throttling": 15,
                                                                         "wall_s": 45.2}},
        {"point": "load", "case": "s3", "ok": False, "figures": {"wall_s": 36.7}},
    ]
    page = _report().render({"finished": 0, "entries": entries})
    row = next(line for line in page.splitlines() if line.startswith("| Load |"))
    assert "**1 / 2**" in row
    assert "Mailgun 429 answers: **12**" in row and "Route 53 Throttling answers: **15**" in row
    assert "45.2 s, 36.7 s" in row


def test_load_not_measured_says_so():
    row = next(line for line in _report().render({"entries": []}).splitlines() if line.startswith("| Load |"))
    assert "not measured" in row
