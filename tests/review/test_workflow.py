"""The pull-request workflow: one review over every real stack, one comment updated in place, and
a failing check only after the comment is posted."""
import shutil
import subprocess

import yaml

from ..conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "preview.yml"


def _steps():
    return {step.get("id") or step.get("name") or step.get("uses"): step
            for step in yaml.safe_load(WORKFLOW.read_text())["jobs"]["review"]["steps"]}


def test_the_review_step_previews_every_stack_but_the_sandbox(tmp_path):
    shutil.copytree(REPO / "stacks", tmp_path / "stacks")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    stub = tmp_path / ".venv" / "bin" / "mailgun-setup"
    stub.write_text('#!/bin/sh\necho "$@" > called\n')
    stub.chmod(0o755)
    result = subprocess.run(["bash", "-e", "-c", _steps()["review"]["run"]], cwd=tmp_path, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "called").read_text().split() == [
        "review", "--stack", "prod", "--stack", "uat", "--output", "review.md", "--fail-on-danger"]


def test_one_sticky_comment_then_the_check_fails_on_danger():
    steps = _steps()
    body = yaml.safe_load(WORKFLOW.read_text())
    assert body["permissions"]["pull-requests"] == "write" and "pull_request" in body[True]
    assert steps["review"]["continue-on-error"] is True
    [comment] = [s for s in steps.values() if str(s.get("uses", "")).startswith("marocchino/sticky-pull-request-comment")]
    assert comment["with"] == {"header": "mailgun-setup-review", "path": "review.md"}
    assert comment["if"].startswith("always()")
    names = list(steps)
    fail = next(n for n in names if n.startswith("Fail on dangerous"))
    assert names.index(fail) > names.index(comment.get("name")) and steps[fail]["if"] == "steps.review.outcome == 'failure'"
    pulumi = next(s for s in steps.values() if str(s.get("uses", "")).startswith("pulumi/actions"))
    # the engine version is written once, in engine/VERSION: the workflow reads it
    assert pulumi["with"]["pulumi-version"] == "${{ steps.engine.outputs.version }}"
    assert "engine/VERSION" in steps["engine"]["run"]
