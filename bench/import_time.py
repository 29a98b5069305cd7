#!/usr/bin/env python3
"""Import cost of the library against the Pulumi SDK alone: min of N fresh-process runs each.

    .venv/bin/python bench/import_time.py [--runs 5] [--out bench/results]

Each run is a new interpreter timing ``import pulumi`` or ``import mailgun_setup`` (which
imports pulumi) with perf_counter around the import statement. Target: the ratio
mailgun_setup / pulumi <= 1.25. Writes ``import_time.json`` and ``import_time.md`` in --out,
with the heavy modules a program process must not load (they load where they are used).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

TARGET = 1.25
HEAVY = ("requests", "urllib3", "dns", "boto3", "botocore", "cloudflare", "checkdmarc", "yaml", "httpx",
         "mailgun_setup.cli", "mailgun_setup.doctor", "mailgun_setup.review", "mailgun_setup.importer")
TIMER = ("import time; t, c = time.perf_counter(), time.process_time(); import {module}; "
         "print(time.perf_counter() - t, time.process_time() - c)")
LOADED = ("import sys, json, pulumi, pulumi.dynamic; before = set(sys.modules); import mailgun_setup; "
          "print(json.dumps(sorted(set(sys.modules) - before)))")


def once(python: str, module: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one import in a fresh interpreter."""
    out = subprocess.run([python, "-c", TIMER.format(module=module)], capture_output=True, text=True, check=True,
                         cwd="/")
    wall, cpu = out.stdout.split()
    return float(wall), float(cpu)


def where_the_time_goes(python: str) -> dict:
    """``-X importtime`` of ``import mailgun_setup`` after ``import pulumi``: self time per module
    (microseconds, inflated by the tracing itself), our own modules apart from the rest."""
    err = subprocess.run([python, "-X", "importtime", "-c", "import pulumi; import mailgun_setup"],
                         capture_output=True, text=True, check=True, cwd="/").stderr.splitlines()
    start = next(i for i, line in enumerate(err) if line.rstrip().endswith("| pulumi"))
    own, other = {}, {}
    for line in err[start + 1:]:
        parts = line.split("|")
        if len(parts) != 3 or not parts[0].split(":")[-1].strip().isdigit():
            continue
        module, self_us = parts[2].strip(), int(parts[0].split(":")[-1])
        (own if module.startswith("mailgun_setup") else other)[module] = self_us
    top = sorted(own.items(), key=lambda item: -item[1])[:10]
    return {"own_modules": len(own), "own_self_us": sum(own.values()), "other_modules": len(other),
            "other_self_us": sum(other.values()), "top_own": top}


def heavy_modules_loaded(python: str = sys.executable) -> list[str]:
    """The HEAVY modules a fresh ``import mailgun_setup`` (after pulumi) loads: none is the rule."""
    loaded = json.loads(subprocess.run([python, "-c", LOADED], capture_output=True, text=True, check=True,
                                       cwd="/").stdout)
    return sorted({m for m in loaded for h in HEAVY if m == h or m.startswith(h + ".")})


def measure(python: str = sys.executable, runs: int = 5) -> dict:
    pulumi, ours = [], []
    for _ in range(runs):  # interleaved, so a burst of load on a shared machine hits both alike
        pulumi.append(once(python, "pulumi"))
        ours.append(once(python, "mailgun_setup"))
    cpu_ratio = min(c for _, c in ours) / min(c for _, c in pulumi)  # less sensitive to a loaded machine
    pulumi, ours = min(w for w, _ in pulumi), min(w for w, _ in ours)
    heavy = heavy_modules_loaded(python)
    return {"runs": runs, "import_pulumi_s": round(pulumi, 4), "import_mailgun_setup_s": round(ours, 4),
            "ratio": round(ours / pulumi, 3), "cpu_ratio": round(cpu_ratio, 3), "target": TARGET, "met": ours / pulumi <= TARGET,
            "heavy_modules_loaded": heavy, "where": where_the_time_goes(python)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)
    result = measure(runs=args.runs)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "import_time.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "import_time.md").write_text(
        "# Import time\n\n"
        f"Min of {result['runs']} fresh-process runs, `{Path(sys.executable).name}` {sys.version.split()[0]}.\n\n"
        "| import | seconds |\n|---|---|\n"
        f"| `import pulumi` | {result['import_pulumi_s']:.3f} |\n"
        f"| `import mailgun_setup` | {result['import_mailgun_setup_s']:.3f} |\n\n"
        f"Ratio **{result['ratio']:.2f}** (target ≤ {TARGET}: {'met' if result['met'] else 'not met'}); "
        f"in CPU time (min of the same runs; less sensitive to other load on the machine) {result['cpu_ratio']:.2f}.\n\n"
        f"Heavy modules loaded by `import mailgun_setup`: {', '.join(result['heavy_modules_loaded']) or 'none'}.\n\n"
        "Where the rest goes (`-X importtime`, after `import pulumi`; tracing inflates it): "
        f"{result['where']['own_modules']} modules of mailgun_setup, {result['where']['own_self_us'] / 1000:.1f} ms "
        f"of their own (module bodies: dataclasses, Resource classes, compiled patterns); "
        f"{result['where']['other_modules']} other modules, {result['where']['other_self_us'] / 1000:.1f} ms. "
        "Largest: " + ", ".join(f"`{m}` {us / 1000:.1f} ms" for m, us in result["where"]["top_own"]) + ".\n")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
