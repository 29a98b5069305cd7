"""The repository's engine harness (tests, bench, scripts): the Pulumi CLI built by
scripts/setup.sh into tools/ (or PATH), offline, with a local file backend.

The language host runs the first ``python`` on PATH, so the running interpreter's directory
(the project's .venv, or the venv a test installed the wheels into) is put first.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Optional

from mailgun_setup.errors import EngineError
from mailgun_setup.pulumi_cli import PulumiCli as _PulumiCli

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOOLS_BIN = PROJECT_ROOT / "tools" / "pulumi" / "bin"
ENGINE_VERSION = (PROJECT_ROOT / "engine" / "VERSION").read_text().strip()


def find_pulumi() -> Path:
    local = TOOLS_BIN / "pulumi"
    if local.exists():
        return local
    found = shutil.which("pulumi")
    if found:
        return Path(found)
    raise EngineError("the Pulumi engine is not installed: run scripts/setup.sh (or `make setup`)")


def engine_env(base: Optional[dict] = None, python: Optional[Path] = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with ``python``'s folder (default: this
    interpreter's) and the engine first on PATH."""
    env = dict(os.environ if base is None else base)
    engine_dir = find_pulumi().parent
    python_dir = Path(python or sys.executable).parent
    env["PATH"] = os.pathsep.join([str(python_dir), str(engine_dir), env.get("PATH", "")])
    return env


def offline_env(state_dir: Path, home_dir: Path, passphrase: str = "sandbox-passphrase",
                base: Optional[dict] = None, python: Optional[Path] = None) -> dict[str, str]:
    env = engine_env(base, python)
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


class PulumiCli(_PulumiCli):
    """``pulumi <args>`` in one project folder with the repository's engine."""

    def __init__(self, cwd: Path, env: dict[str, str]):
        super().__init__(cwd, env, binary=find_pulumi())
