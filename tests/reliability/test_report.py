"""docs/reliability.md counts `passed / expected` from the results file, with the commit measured and
pytest's outcome; a case that left no result is a failure, not a smaller total."""
import importlib.util
import json
import os
import subprocess
import sys
import textwrap

from ..conftest import REPO


def _report():
    spec = importlib.util.spec_from_file_location("reliability_report", REPO / "scripts" / "reliability_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(page: str, title: str) -> str:
    return next(line for line in page.splitlines() if line.startswith(f"| {title} |"))


def test_load_row_counts_runs_and_sums_the_rate_limit_answers():
    entries = [
        {"point": "load", "case": "rate-limited", "ok": True, "figures": {"mailgun_429": 12, "route53_throttling": 15,
                                                                         "wall_s": 45.2}},
        {"point": "load", "case": "s3", "ok": False, "figures": {"wall_s": 36.7}},
    ]
    expected = [{"point": "load", "cases": ["rate-limited", "s3"], "test": "t"}]
    page = _report().render({"finished": 0, "entries": entries, "expected": expected,
                             "pytest": {"exitstatus": 1, "tests": {}}})
    row = _row(page, "Load")
    assert "**1 / 2** — **FAILED**" in row
    assert "Mailgun 429 answers: **12**" in row and "Route 53 Throttling answers: **15**" in row
    assert "45.2 s, 36.7 s" in row


def test_load_not_measured_says_so():
    assert "not measured" in _row(_report().render({"entries": []}), "Load")


def test_a_case_recorded_but_never_declared_is_not_counted_as_passed():
    page = _report().render({"entries": [{"point": "drift", "case": "x", "ok": True}],
                             "expected": [{"point": "drift", "cases": ["y"], "test": "t"}],
                             "pytest": {"exitstatus": 0, "tests": {}}})
    assert "**0 / 2** — **FAILED**" in _row(page, "Drift")
    assert "| x | **FAIL** (recorded but never declared)" in page


# A reliability test written the way the old ones were: it asserts each case before recording it,
# so a case that breaks stops the test and every later case leaves no result.
BROKEN = textwrap.dedent('''
    import os
    from mailgun_setup import rules

    CASES = {"a password of 33 characters": "p" * 33, "a password of 4 characters": "s3cr",
             "a password that is not a string": 12345}

    def test_bad_passwords_are_rejected(ledger):
        if os.environ.get("FLIP_RULE"):
            rules.PASSWORD_LENGTH = (4, 32)  # the deliberately broken rule: 4 characters accepted
        ledger.expect("bad-input", CASES)
        for name, value in CASES.items():
            problems = []
            rules.password(value, "password", problems)
            assert problems, f"{name} was accepted"
            ledger.record("bad-input", name, True, str(problems[0]))
''')


def _run_and_render(tmp_path, flip: bool) -> tuple[int, dict, str]:
    (tmp_path / "test_broken_case.py").write_text(BROKEN)
    results = tmp_path / "results.json"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")},  # a session of its own
           "MAILGUN_SETUP_RELIABILITY_RESULTS": str(results),
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    env.pop("FLIP_RULE", None)
    if flip:
        env["FLIP_RULE"] = "1"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
                          "tests.reliability.plugin", "--rootdir", str(tmp_path), str(tmp_path / "test_broken_case.py")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = tmp_path / "page.md"
    subprocess.run([sys.executable, str(REPO / "scripts" / "reliability_report.py"), "--results", str(results),
                    "--out", str(out)], check=True, capture_output=True)
    return run.returncode, json.loads(results.read_text()), out.read_text()


def test_a_deliberately_broken_rule_shows_on_the_page_as_a_failure_of_the_expected_total(tmp_path):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()

    code, results, page = _run_and_render(tmp_path, flip=False)
    assert code == 0, page
    assert results["commit"] == head and results["pytest"]["exitstatus"] == 0
    assert "**3 / 3**" in _row(page, "Bad input catalogue") and "FAIL" not in page
    assert "pytest: green (the whole session exited 0" in page and f"commit {head[:10]}" in page

    code, results, page = _run_and_render(tmp_path, flip=True)
    assert code == 1
    assert results["pytest"]["exitstatus"] == 1 and results["commit"] == head
    row = _row(page, "Bad input catalogue")
    assert "**1 / 3** — **FAILED**" in row and "`test_bad_passwords_are_rejected`" in row  # not 1 / 1
    assert "| a password of 4 characters | **FAIL** (no result" in page
    assert "| a password that is not a string | **FAIL** (no result" in page
    assert "**This run was not green: pytest exited 1" in page


def test_a_run_that_never_finished_says_so():
    page = _report().render({"entries": [{"point": "faults", "case": "a", "ok": True}], "commit": "0123456789abc",
                             "expected": [{"point": "faults", "cases": ["a"], "test": "t"}], "pytest": None})
    assert "**This run did not finish" in page and "commit 0123456789" in page
