"""The documentation site: the generated stack-config reference is current, the README stays short,
and ``mkdocs build --strict`` passes (offline, into a temporary folder: the checkout stays clean)."""
import os
import subprocess
import sys
from pathlib import Path

from mailgun_setup import schema

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "reference" / "stack-config.md"


def test_the_stack_config_reference_is_generated_from_the_declarations():
    assert REFERENCE.read_text() == schema.reference(), \
        "regenerate it: python -m mailgun_setup.schema --reference > docs/reference/stack-config.md"


def test_the_readme_is_under_12_kb_and_links_into_the_docs():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.encode()) < 12 * 1024
    for page in ("getting-started", "operations", "sandbox", "contributing", "reference/stack-config"):
        assert f"docs/{page}.md" in readme and (ROOT / "docs" / f"{page}.md").exists(), page


def test_mkdocs_build_strict(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f",
                             str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "reference" / "api" / "index.html").exists()
