"""The bench's results as the issue's targets, a Markdown report and the scale plot."""
from __future__ import annotations

from typing import Optional

PHASES = ("up", "no-op preview", "no-op up", "refresh", "password change", "destroy")
DNS_SERVICES = ("route53", "cloudflare")
MAILGUN_SERVICES = ("mailgun-us", "mailgun-eu")


def _reads(phase: dict, services) -> int:
    return sum(n for s in services for m, n in phase["per_service"].get(s, {}).items() if m in ("GET", "HEAD"))


def _endpoint(phase: dict, service: str, name: str) -> int:
    return phase["endpoints"].get(service, {}).get(name, 0)


def _target(name: str, measured, goal: str, met: Optional[bool]) -> dict:
    return {"target": name, "measured": measured, "goal": goal, "met": met}


def linearity(points: list[dict], phase: str, key: str, phases: str = "phases") -> Optional[float]:
    """Largest relative distance of a point from the least-squares line through all points
    (``phases="baseline_phases"``: the null-provider baseline measured at the same sizes)."""
    if len(points) < 3 or any(phases not in p for p in points):
        return None
    xs = [p["shape"]["subdomains"] for p in points]
    ys = [p[phases][phase][key] for p in points]
    n, mx, my = len(xs), sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return max(abs(y - (my + slope * (x - mx))) / y for x, y in zip(xs, ys) if y)


def targets(results: dict) -> list[dict]:
    ours, base, shape = results["ours"]["phases"], results["baseline"]["phases"], results["shape"]
    r53_domains, cf_domains = (shape["subdomains"] + 1) // 2, shape["subdomains"] // 2
    zones = (r53_domains > 0) + (cf_domains > 0)  # one Route 53 zone and one Cloudflare zone hold them all
    custom = results["graph"]["custom_resources"]
    up, preview = ours["up"], ours["no-op preview"]
    out = [
        _target("no-op preview writes", preview["writes"], "0", preview["writes"] == 0),
        _target("no-op preview DNS reads", _reads(preview, DNS_SERVICES), f"<= {zones} (1 per zone)",
                _reads(preview, DNS_SERVICES) <= zones),
        _target("no-op up writes", ours["no-op up"]["writes"], "0", ours["no-op up"]["writes"] == 0),
        _target("refresh reads", ours["refresh"]["reads"], f"<= {custom} (1 per resource)",
                ours["refresh"]["reads"] <= custom),
        _target("up: SMTP credential lists", _endpoint(up, "mailgun-us", "GET /v3/domains/{}/credentials"),
                f"<= {shape['subdomains']} (1 per domain)",
                _endpoint(up, "mailgun-us", "GET /v3/domains/{}/credentials") <= shape["subdomains"]),
        _target("up: route lists", _endpoint(up, "mailgun-us", "GET /v3/routes"), "<= 1 (1 per region)",
                _endpoint(up, "mailgun-us", "GET /v3/routes") <= 1),
        _target("up: Route 53 change batches", up["change_batches"].get("route53", 0),
                f"<= {r53_domains} (1 per subdomain)", up["change_batches"].get("route53", 0) <= r53_domains),
        _target("up: Cloudflare batch calls", up["change_batches"].get("cloudflare", 0),
                f"<= {cf_domains} (1 per subdomain)", up["change_batches"].get("cloudflare", 0) <= cf_domains),
        _target("up / baseline at 0 ms", round(up["seconds"] / base["up"]["seconds"], 2), "<= 1.5",
                up["seconds"] <= 1.5 * base["up"]["seconds"]),
        _target("no-op preview / baseline at 0 ms", round(preview["seconds"] / base["no-op preview"]["seconds"], 2),
                "<= 1.3", preview["seconds"] <= 1.3 * base["no-op preview"]["seconds"]),
        _target("up / baseline at 0 ms (packaging issue's bound)", round(up["seconds"] / base["up"]["seconds"], 2),
                "<= 1.6", up["seconds"] <= 1.6 * base["up"]["seconds"]),
        _target("state bytes per resource", up["state"]["bytes_per_resource"],
                f"<= 3072 (the engine's own share, the baseline's: {base['up']['state']['bytes_per_resource']})",
                up["state"]["bytes_per_resource"] <= 3072),
    ]
    if "import" in results:
        imp = results["import"]
        out.append(_target("import mailgun_setup / import pulumi (min of 5 processes)", imp["ratio"],
                           f"<= {imp['target']} ({imp['import_mailgun_setup_s']:.3f} s / {imp['import_pulumi_s']:.3f} s)",
                           imp["met"]))
    if "latency" in results:
        slow, path = results["latency"]["phases"]["up"]["seconds"], results["critical_path"]["seconds_at_50ms"]
        bound = base["up"]["seconds"] + 1.3 * path
        out.append(_target("up at 50 ms vs baseline + 1.3 x critical path", round(slow, 2),
                           f"<= {bound:.2f} ({base['up']['seconds']:.2f} + 1.3 x {path:.2f})", slow <= bound))
    if len(results.get("scale", [])) >= 3:
        for key in ("seconds", "calls"):
            worst = linearity(results["scale"], "up", key)
            out.append(_target(f"up {key} linear in subdomains (largest distance from the fitted line)",
                               f"{worst:.0%}", "<= 15%", worst <= 0.15))
        engine = linearity(results["scale"], "up", "seconds", "baseline_phases")
        if engine is not None:  # not a target: how straight the engine's own line is, for comparison
            out.append(_target("(for comparison) baseline up seconds linear in subdomains", f"{engine:.0%}",
                               "-", None))
        quiet = no_checkpoint_points(results["scale"])
        worst = linearity(quiet, "up", "seconds")
        if worst is not None:
            out.append(_target("up seconds linear in subdomains, engine checkpoints off (PULUMI_SKIP_CHECKPOINTS)",
                               f"{worst:.0%}", "<= 15%", worst <= 0.15))
            engine = linearity(quiet, "up", "seconds", "baseline_phases")
            out.append(_target("(for comparison) baseline up seconds linear in subdomains, checkpoints off",
                               f"{engine:.0%}", "-", None))
    return out


def no_checkpoint_points(scale: list[dict]) -> list[dict]:
    """The scale points as timed with the engine's per-step checkpoints off, shaped like the points."""
    return [{"shape": p["shape"], **p["no_checkpoints"]} for p in scale if "no_checkpoints" in p]


def _calls(phase: dict) -> str:
    return "; ".join(f"{s} " + " ".join(f"{m} {n}" for m, n in methods.items())
                     for s, methods in phase["per_service"].items()) or "none"


def _phase_table(measured: dict, baseline: Optional[dict] = None) -> list[str]:
    head = "| phase | median s | runs | " + ("baseline s | ours / baseline | " if baseline else "") + \
           "calls | writes | change batches (R53, CF) | state B/resource | calls per service and method |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for phase in PHASES:
        p = measured["phases"][phase]
        extra = ""
        if baseline:
            b = baseline["phases"][phase]["seconds"]
            extra = f"{b:.2f} | {p['seconds'] / b:.2f} | "
        state = p.get("state", {}).get("bytes_per_resource", "-")
        batches = f"{p['change_batches'].get('route53', 0)}, {p['change_batches'].get('cloudflare', 0)}"
        lines.append(f"| {phase} | {p['seconds']:.2f} | {', '.join(f'{r:.2f}' for r in p['runs'])} | {extra}"
                     f"{p['calls']} | {p['writes']} | {batches} | {state} | {_calls(p)} |")
    return lines


def markdown(results: dict) -> str:
    shape, m = results["shape"], results["machine"]
    lines = ["# mailgun-setup benchmark", "",
             f"Shape: {shape['subdomains']} subdomains x {shape['senders']} senders x {shape['routes']} routes, "
             f"receiving on, alternating Route 53 / Cloudflare; {results['graph']['resources']} resources "
             f"({results['graph']['custom_resources']} custom). Median of {results['ours']['repeat']} rounds; "
             "calls from the last round. Generated by `make bench` (bench/run.py).", "",
             "Machine: " + ", ".join(f"{k} {v}" for k, v in m.items()), "",
             "## Targets", "", "| target | measured | goal | met |", "|---|---|---|---|"]
    for t in results["targets"]:
        met = "-" if t["met"] is None else "yes" if t["met"] else "NO"
        lines.append(f"| {t['target']} | {t['measured']} | {t['goal']} | {met} |")
    lines += ["", "## Ours and the null-provider baseline (0 ms)", ""]
    lines += _phase_table(results["ours"], results["baseline"])
    ours_state, base_state = results["ours"]["phases"]["up"]["state"], results["baseline"]["phases"]["up"]["state"]
    lines += ["", f"State after up: ours {ours_state['checkpoint_bytes']} bytes for {ours_state['resources']} resources; "
              f"the baseline's {base_state['checkpoint_bytes']} ({base_state['bytes_per_resource']} per resource: "
              "the engine's own fields and the SDK's `__provider`, with no inputs of ours). Mean bytes per "
              "resource by type (ours): " +
              ", ".join(f"{t.split(':')[-1]} {v['mean_bytes']} (x{v['count']})" for t, v in ours_state["by_type"].items())
              + "."]
    if ours_state.get("custom_bytes_by_field"):
        lines += ["", "Mean bytes of one custom resource (ours) by state field (`inputs`/`outputs` without "
                  "`__provider`): " + ", ".join(f"{k} {v}" for k, v in ours_state["custom_bytes_by_field"].items()) + "."]
    if "latency" in results:
        cp = results["critical_path"]
        lines += ["", "## 50 ms per API call", "", *_phase_table(results["latency"], results["baseline"]), "",
                  f"Critical path: {cp['calls']} dependent API calls = {cp['seconds_at_50ms']:.2f} s at 50 ms. "
                  "Calls were attributed to resources by an extra `up --parallel 1` (a request belongs to the step "
                  f"running when it was served; {cp['unattributed_calls']} of {cp['attributed_calls']} fell outside "
                  "every step and are not counted), then summed along the longest path of the state's dependency "
                  "graph (a component ends when its children do). Chain:", ""]
        lines += [f"- {urn.split('::')[-2].split(':')[-1]} `{urn.split('::')[-1]}`: {n} calls" for urn, n in cp["chain"]]
    if results.get("scale"):
        lines += ["", "## Scale", "", "| subdomains | resources | " + " | ".join(f"{p} s" for p in PHASES) +
                  " | baseline up s | baseline destroy s | up s, checkpoints off | baseline up s, checkpoints off "
                  "| up calls | up writes | refresh calls | destroy calls | state B/resource |",
                  "|" + "---|" * (len(PHASES) + 11)]
        for point in results["scale"]:
            p, b = point["phases"], point.get("baseline_phases") or {}
            quiet = point.get("no_checkpoints") or {}
            off = [f"{quiet[k]['up']['seconds']:.2f}" if k in quiet else "-" for k in ("phases", "baseline_phases")]
            lines.append(f"| {point['shape']['subdomains']} | {p['up']['state']['resources']} | " +
                         " | ".join(f"{p[ph]['seconds']:.2f}" for ph in PHASES) + " | " +
                         " | ".join(f"{b[ph]['seconds']:.2f}" if ph in b else "-" for ph in ("up", "destroy")) +
                         f" | {off[0]} | {off[1]} | {p['up']['calls']} | {p['up']['writes']} | {p['refresh']['calls']} | "
                         f"{p['destroy']['calls']} | {p['up']['state']['bytes_per_resource']} |")
        bends = [linearity(results["scale"], "up", "seconds", k) for k in ("phases", "baseline_phases")]
        quiet = no_checkpoint_points(results["scale"])
        straight = [linearity(quiet, "up", "seconds", k) for k in ("phases", "baseline_phases")]
        if None not in bends + straight:
            lines += ["", "With the engine's defaults the file backend writes the whole state after every step, so "
                      "the engine's own time grows with the square of the stack: the baseline's `up` bends as "
                      f"ours does (largest distance from a straight line {bends[1]:.0%}, ours {bends[0]:.0%}). With "
                      "`PULUMI_SKIP_CHECKPOINTS=true` (state written once, at the end) the distances drop to "
                      f"{straight[1]:.0%} for the baseline and {straight[0]:.0%} for ours. That switch trades away "
                      "the intermediate checkpoints an interrupted run recovers from, so it is measured here, "
                      "not recommended."]
        lines += ["", "![time and API calls against subdomains](scale.png)"]
    lines += ["", "## API calls per endpoint (ours, 0 ms, last round)", ""]
    for phase in PHASES:
        lines.append(f"- **{phase}**: " + "; ".join(f"{s}: " + ", ".join(f"`{e}` {n}" for e, n in eps.items())
                                                     for s, eps in results["ours"]["phases"][phase]["endpoints"].items()))
    return "\n".join(lines) + "\n"


def plot(points: list[dict], path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    xs = [p["shape"]["subdomains"] for p in points]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for phase in PHASES:
        left.plot(xs, [p["phases"][phase]["seconds"] for p in points], marker="o", label=phase)
        right.plot(xs, [p["phases"][phase]["calls"] for p in points], marker="o", label=phase)
    if all("baseline_phases" in p for p in points):
        left.plot(xs, [p["baseline_phases"]["up"]["seconds"] for p in points], marker="x", linestyle="--",
                  color="black", label="up, null-provider baseline")
    quiet = no_checkpoint_points(points)
    if len(quiet) == len(points):
        left.plot(xs, [p["phases"]["up"]["seconds"] for p in quiet], marker="s", linestyle=":",
                  label="up, engine checkpoints off")
        left.plot(xs, [p["baseline_phases"]["up"]["seconds"] for p in quiet], marker="x", linestyle=":",
                  color="grey", label="up, baseline, checkpoints off")
    left.legend(fontsize=8)
    left.set(xlabel="subdomains (10 senders, 10 routes each)", ylabel="median wall time (s)", title="time")
    right.set(xlabel="subdomains (10 senders, 10 routes each)", ylabel="API calls", title="API calls")
    for axis in (left, right):
        axis.grid(alpha=0.3)
        axis.set_xticks(xs)
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
