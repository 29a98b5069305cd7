"""Command line: ``mailgun-setup sandbox run -- <command>`` and ``mailgun-setup sandbox up``."""
from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import threading

from .errors import MailgunSetupError


def _start_sandbox(zone_specs: list[str]):
    from .sandbox.runner import Sandbox
    from .sandbox.seed import create_zone, parse_zone_spec

    zones = [parse_zone_spec(spec) for spec in zone_specs]
    sandbox = Sandbox().start()
    try:
        for provider, name in zones:
            create_zone(sandbox.env(), provider, name)
    except Exception:
        sandbox.stop()
        raise
    return sandbox


def sandbox_run(args) -> int:
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise MailgunSetupError("sandbox run: give the command after '--', e.g. mailgun-setup sandbox run -- pytest")
    sandbox = _start_sandbox(args.zone)
    child = None

    def on_term(signum, _frame):
        if child and child.poll() is None:
            child.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        child = subprocess.Popen(command, env={**os.environ, **sandbox.env()})
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                # Ctrl-C reached the child too (same process group): let it finish, then stop.
                continue
    except FileNotFoundError:
        print(f"mailgun-setup: command not found: {command[0]}", file=sys.stderr)
        return 127
    finally:
        signal.signal(signal.SIGTERM, previous)
        sandbox.stop()


def sandbox_up(args) -> int:
    sandbox = _start_sandbox(args.zone)
    try:
        for key, value in sandbox.env().items():
            print(f"export {key}={shlex.quote(value)}")
        print("# sandbox running; Ctrl-C to stop", flush=True)
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        try:
            stopped.wait()
        except KeyboardInterrupt:
            pass
        return 0
    finally:
        sandbox.stop()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mailgun-setup", description=__doc__)
    commands = parser.add_subparsers(dest="area", required=True)
    sandbox = commands.add_parser("sandbox", help="local Mailgun, Route 53, Cloudflare and DNS servers")
    actions = sandbox.add_subparsers(dest="action", required=True)
    zones = argparse.ArgumentParser(add_help=False)
    zones.add_argument("--zone", action="append", default=[], metavar="PROVIDER:NAME",
                       help="create a public zone first, e.g. route53:company.com or cloudflare:example.org "
                            "(repeatable)")
    run = actions.add_parser("run", parents=[zones],
                             help="start the sandbox, run COMMAND with its variables set, stop it")
    run.add_argument("command", nargs=argparse.REMAINDER)
    run.set_defaults(handler=sandbox_run)
    up = actions.add_parser("up", parents=[zones],
                            help="run the sandbox in the foreground and print the variables to export")
    up.set_defaults(handler=sandbox_up)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except MailgunSetupError as exc:
        print(f"mailgun-setup: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
