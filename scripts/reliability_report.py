#!/usr/bin/env python3
"""Write docs/reliability.md from the results the reliability tests recorded.

    scripts/reliability_report.py [--results build/reliability/results.json] [--out docs/reliability.md]

`make report` runs it. Every figure in the page is counted from the results file that `make test`
(and so CI) wrote (tests/reliability/ledger.py); nothing is typed by hand. A figure is
`passed / expected`: the cases the tests declared before running any, a case without a result
counted as failed. The page names the commit that was measured and pytest's outcome of that run,
both read from the results file, and says so in bold when the run was not green or did not finish.
A point no test measured says so instead of showing a figure.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# point -> (title, what the figure counts, what a case proves)
POINTS = {
    "faults": ("Fault matrix", "cells passed / expected",
               "one service × fault × operation cell in a `pulumi up` of its own: the run completes after the "
               "clients' retries, or (a fault outlasting them) fails naming the service and the call; then a "
               "plain re-run converges and services and state agree, record values included"),
    "interruption": ("Interruption", "interruptions survived / expected",
                     "the engine killed mid-run (its exit status shows it did not finish); after the documented "
                     "recovery the next run converges"),
    "drift": ("Drift", "drifts repaired / expected",
              "one out-of-band change, then its own `pulumi refresh` (which must show it) and `pulumi up` (which "
              "must repair it, record values included), foreign values kept"),
    "secrets": ("Secrets", "places clean / places searched (every secret, plain and base64 at any offset)",
                "every secret searched for (plain, base64 at any of the three alignments) in one place it must "
                "never appear"),
    "bad-input": ("Bad input catalogue", "bad inputs rejected / expected",
                  "invalid input fails `pulumi preview` naming the field path and the rule, with zero writes"),
    "properties": ("Properties (hypothesis)", "properties held / expected",
                   "a property of TXT quoting or name normalisation holds for every generated input"),
    "load": ("Load", "stack runs completed / expected (each run counted once)",
             "concurrent stacks against one sandbox account"),
    "agreement": ("Agreement", "changes passed / expected",
                  "after one kind of change, everything at Mailgun and in DNS is in state and vice versa"),
}


def load(path: Path) -> dict:
    """The results file, merged with its siblings ``<stem>-<worker>.json`` that pytest-xdist's workers write:
    every entry and expectation; the run's pytest outcome is the worst exit status and the summed counts."""
    files = [p for p in [path, *sorted(path.parent.glob(f"{path.stem}-*{path.suffix}"))] if p.exists()]
    if not files:
        return {"entries": []}
    parts = [json.loads(p.read_text()) for p in files]
    if len(parts) == 1:
        return parts[0]
    merged = {**parts[0], "entries": [e for p in parts for e in p.get("entries", [])],
              "expected": [x for p in parts for x in p.get("expected", [])],
              "started": min((p["started"] for p in parts if p.get("started")), default=None),
              "finished": max((p["finished"] for p in parts if p.get("finished")), default=None),
              "dirty": any(p.get("dirty") for p in parts)}
    outcomes = [p["pytest"] for p in parts if p.get("pytest")]
    if len(outcomes) < len(parts):
        merged["pytest"] = None  # a worker did not finish: the page says the run did not finish
    elif outcomes:
        merged["pytest"] = {"exitstatus": max(o["exitstatus"] for o in outcomes),
                            **{k: sum(o.get(k, 0) for o in outcomes) for k in ("passed", "failed", "skipped")},
                            "tests": {t: r for o in outcomes for t, r in (o.get("tests") or {}).items()}}
    return merged


def tally(results: dict) -> dict:
    """point -> {"cases": {case: {"declared", "entries", "ok"}}, "notes": [...], "tests": {...}}.

    A case passes only when it was declared and every result recorded for it holds; a declared
    case without a result and a recorded case nobody declared are failures."""
    points: dict = defaultdict(lambda: {"cases": {}, "notes": [], "tests": set()})
    for expectation in results.get("expected", []):
        point = points[expectation["point"]]
        if expectation.get("note"):
            point["notes"].append(expectation["note"])
        point["tests"].add(expectation.get("test", ""))
        for case in expectation["cases"]:
            point["cases"].setdefault(case, {"declared": True, "entries": []})
    for entry in results.get("entries", []):
        point = points[entry["point"]]
        point["tests"].add(entry.get("test", ""))
        point["cases"].setdefault(entry["case"], {"declared": False, "entries": []})["entries"].append(entry)
    for point in points.values():
        for case in point["cases"].values():
            case["ok"] = case["declared"] and bool(case["entries"]) and all(e["ok"] for e in case["entries"])
    return points


def _verdict(case: dict) -> str:
    if case["ok"]:
        return "pass"
    if not case["entries"]:
        return "**FAIL** (no result: the test stopped before this case)"
    if not case["declared"]:
        return "**FAIL** (recorded but never declared)"
    return "**FAIL**"


def _short(commit) -> str:
    return commit[:10] if commit else "unknown"


def _run_line(results: dict, count: int) -> list[str]:
    """Which run the page shows, and whether it was green."""
    stamp = results.get("finished") or results.get("started")
    when = datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if stamp else "never"
    commit = _short(results.get("commit")) + (" with uncommitted changes" if results.get("dirty") else "")
    lines = [f"Run: {when}, commit {commit} (the commit measured, from the results file), {count} results."]
    outcome = results.get("pytest")
    if not results.get("entries") and not results.get("expected"):
        return lines
    if outcome is None:
        lines += ["", "**This run did not finish: pytest recorded no outcome (stopped or killed), so cases after "
                      "the stop left no result.**"]
    elif outcome.get("exitstatus") != 0:
        failing = sorted(t.split("::")[-1] for t, o in (outcome.get("tests") or {}).items() if o == "failed")
        lines += ["", f"**This run was not green: pytest exited {outcome.get('exitstatus')} "
                      f"(of the reliability tests {outcome.get('failed', 0)} failed, {outcome.get('passed', 0)} passed)"
                  + (f"; failing reliability tests: {', '.join(f'`{t}`' for t in failing)}" if failing else "")
                  + ".**"]
    else:
        lines += ["", f"pytest: green (the whole session exited 0; of the reliability tests {outcome.get('passed', 0)} "
                  f"passed, {outcome.get('skipped', 0)} skipped)."]
    return lines


def render(results: dict) -> str:
    entries = results.get("entries", [])
    points = tally(results)
    outcomes = (results.get("pytest") or {}).get("tests") or {}
    lines = [
        "# Reliability and security, measured",
        "",
        "Generated by `make report` (`scripts/reliability_report.py`) from `build/reliability/results.json`,",
        "which the tests in `tests/reliability/` write while `make test` runs (as in CI). Do not edit by hand.",
        "A figure is `passed / expected`: every case a test declared before running any; a case that left",
        "no result counts as failed.",
        "",
        *_run_line(results, len(entries)),
        "",
        "| point | measure | result |",
        "|---|---|---|",
    ]
    order = list(POINTS) + sorted(p for p in points if p not in POINTS)
    for key in order:
        title, measure, _ = POINTS.get(key, (key, "cases passed / expected", ""))
        point = points.get(key)
        if not point:
            lines.append(f"| {title} | {measure} | not measured in this run |")
            continue
        cases = point["cases"].values()
        found = [e for case in cases for e in case["entries"]]
        passed = sum(1 for case in cases if case["ok"])
        result = f"**{passed} / {len(point['cases'])}**"
        broken = sorted(t.split("::")[-1] for t in point["tests"] if outcomes.get(t) == "failed")
        if passed != len(point["cases"]) or broken:
            result += " — **FAILED**"
        if broken:
            result += f" (failed test: {', '.join(f'`{t}`' for t in broken)})"
        if key == "secrets" and found:
            leaks = sum((e.get("figures") or {}).get("leaks", 0) for e in found)
            dumps = sum((e.get("figures") or {}).get("rpc_dump_lines", 0) for e in found)
            result += (f" — secret leaks found: **{leaks}**; engine -v=9 RPC dump lines holding a secret "
                       f"(upstream, searched and counted apart): {dumps}")
        if key == "load" and found:
            figures = [e.get("figures") or {} for e in found]
            walls = ", ".join(f"{f['wall_s']} s" for f in figures if "wall_s" in f)
            result += (f" — Mailgun 429 answers: **{sum(f.get('mailgun_429', 0) for f in figures)}**, Route 53 "
                       f"Throttling answers: **{sum(f.get('route53_throttling', 0) for f in figures)}**, Cloudflare 429 "
                       f"answers: **{sum(f.get('cloudflare_429', 0) for f in figures)}** (all retried "
                       f"by the clients); wall time of each 3-stack `up`: {walls or 'n/a'}")
        for note in point["notes"]:
            result += f" — {note}"
        lines.append(f"| {title} | {measure} | {result} |")
    for key in order:
        point = points.get(key)
        if not point:
            continue
        title, _, proves = POINTS.get(key, (key, "", ""))
        lines += ["", f"## {title}", ""] + ([f"Each row: {proves}.", ""] if proves else []) + [
            "| case | result | test | detail |", "|---|---|---|---|"]
        for name, case in point["cases"].items():
            details, tests = [], []
            for e in case["entries"]:
                figures = ", ".join(f"{k}={v}" for k, v in (e.get("figures") or {}).items())
                details.append("; ".join(x for x in (e.get("detail", ""), figures) if x))
                tests.append(e.get("test", "").split("::")[-1])
            detail = " / ".join(d for d in details if d).replace("|", "\\|").replace("\n", " ")
            test = ", ".join(f"`{t}`" for t in dict.fromkeys(tests) if t)
            lines.append(f"| {name.replace('|', chr(92) + '|')} | {_verdict(case)} | {test} | {detail} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=ROOT / "build" / "reliability" / "results.json")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reliability.md")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(load(args.results)))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
