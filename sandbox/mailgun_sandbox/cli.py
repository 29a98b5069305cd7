"""``mailgun-setup sandbox run -- <command>`` and ``mailgun-setup sandbox up``: the sandbox's side of
the library's command line (which parses the arguments and hands them here)."""
from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import threading

from .errors import SandboxError


def _start_sandbox(zone_specs: list[str]):
    from .runner import Sandbox
    from .seed import create_zone, parse_zone_spec

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
        raise SandboxError("sandbox run: give the command after '--', e.g. mailgun-setup sandbox run -- pytest")
    sandbox = _start_sandbox(args.zone)
    child = None

    terminate = []

    def forward(signum, _frame):
        if child is None:
            terminate.append(signum)  # the child is not started yet: pass it on once it is
        elif child.poll() is None:
            child.send_signal(signum)

    def let_the_child_answer(_signum, _frame):
        """Ctrl-C in a terminal reaches the whole foreground group, the child included: the child
        decides how to stop and we report its exit code. Raising KeyboardInterrupt here instead
        could land between ``waitpid`` and the bookkeeping in ``Popen.wait`` and lose the code."""

    previous = {signal.SIGTERM: signal.signal(signal.SIGTERM, forward),
                signal.SIGINT: signal.signal(signal.SIGINT, let_the_child_answer)}
    try:
        child = subprocess.Popen(command, env={**os.environ, **sandbox.env()})
        for signum in terminate:
            child.send_signal(signum)
        return _shell_exit_code(child.wait())
    except FileNotFoundError:
        print(f"mailgun-setup: command not found: {command[0]}", file=sys.stderr)
        return 127
    finally:
        for signum, handler in previous.items():  # a Ctrl-C during the stop below interrupts it again
            signal.signal(signum, handler)
        sandbox.stop()


def _shell_exit_code(returncode: int) -> int:
    """A child killed by signal N exits as 128+N, the way a shell reports it."""
    return 128 - returncode if returncode < 0 else returncode


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
