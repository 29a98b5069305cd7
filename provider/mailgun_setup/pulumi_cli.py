"""Run the user's ``pulumi`` CLI (the first on PATH) for the commands that read a stack."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

from .errors import EngineError


def find_pulumi(env: Optional[dict] = None) -> Path:
    found = shutil.which("pulumi", path=(os.environ if env is None else env).get("PATH"))
    if found:
        return Path(found)
    raise EngineError("the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/)")


def engine_env(base: Optional[dict] = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with this interpreter's folder first on PATH,
    so a program the engine runs finds the ``python`` that has mailgun_setup. Backend, home and
    secrets are left as the user has them."""
    env = dict(os.environ if base is None else base)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


class PulumiCli:
    """``pulumi <args>`` in one project folder, non-interactive."""

    def __init__(self, cwd: Path, env: dict[str, str], binary: Optional[Path] = None):
        self.cwd = cwd
        self.env = env
        self.binary = str(binary or find_pulumi(env))

    def run(self, *args: str, check: bool = True, timeout: float = 600,
            secret_output: bool = False) -> subprocess.CompletedProcess:
        """``secret_output``: stdout may hold decrypted secrets, so a failure reports stderr only."""
        command = [self.binary, *args, "--non-interactive"]
        result = subprocess.run(command, cwd=self.cwd, env=self.env, capture_output=True, text=True,
                                timeout=timeout)
        if check and result.returncode != 0:
            shown = "" if secret_output else result.stdout[-4000:]
            raise EngineError(f"`pulumi {' '.join(args)}` failed ({result.returncode}):\n"
                              f"{shown}\n{result.stderr[-4000:]}")
        return result
