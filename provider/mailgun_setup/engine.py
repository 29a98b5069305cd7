"""Run the Pulumi CLI offline: the engine from tools/ (or PATH) with a local file backend.

The language host built by scripts/setup.sh runs the first ``python`` on PATH, so the
running interpreter's directory (the project's .venv) is put first.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

from .errors import EngineError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOOLS_BIN = PROJECT_ROOT / "tools" / "pulumi" / "bin"


def find_pulumi() -> Path:
    local = TOOLS_BIN / "pulumi"
    if local.exists():
        return local
    found = shutil.which("pulumi")
    if found:
        return Path(found)
    raise EngineError("the Pulumi engine is not installed: run scripts/setup.sh (or `make setup`)")


def engine_env(base: Optional[dict] = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with this interpreter and the engine first on PATH.

    Backend, home and secrets are left as the user has them.
    """
    env = dict(os.environ if base is None else base)
    engine_dir = find_pulumi().parent
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), str(engine_dir), env.get("PATH", "")])
    return env


def offline_env(state_dir: Path, home_dir: Path, passphrase: str = "sandbox-passphrase",
                base: Optional[dict] = None) -> dict[str, str]:
    env = engine_env(base)
    env.update({
        "PULUMI_HOME": str(home_dir),
        "PULUMI_BACKEND_URL": f"file://{state_dir}",
        "PULUMI_CONFIG_PASSPHRASE": passphrase,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
    })
    state_dir.mkdir(parents=True, exist_ok=True)
    home_dir.mkdir(parents=True, exist_ok=True)
    return env


class PulumiCli:
    """``pulumi <args>`` in one project folder, non-interactive."""

    def __init__(self, cwd: Path, env: dict[str, str]):
        self.cwd = cwd
        self.env = env
        self.binary = str(find_pulumi())

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
