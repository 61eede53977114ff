"""The GitHub Actions workflow that runs the suite in readers' forks (no Docker needed)."""

import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML  # comes with check-jsonschema

from tools.series import REPO, STEPS

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
TESTS_WORKFLOW = REPO / ".github" / "workflows" / "tests.yml"
# Installed by tests/requirements.txt beside the Python that runs the suite.
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def jobs() -> dict:
    return YAML(typ="safe").load(TESTS_WORKFLOW.read_text())["jobs"]


def commands(job: dict) -> list[str]:
    return [step.get("run", "").strip() for step in job.get("steps", [])]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_matches_the_schema(workflow):
    assert CHECK_JSONSCHEMA.exists(), (
        f"{CHECK_JSONSCHEMA} is missing: install tests/requirements.txt (bash tests/run does)"
    )
    checked = subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", "vendor.github-workflows", workflow],
        capture_output=True, text=True, timeout=120,
    )
    assert checked.returncode == 0, f"{workflow.relative_to(REPO)}:\n{checked.stdout}{checked.stderr}"


def test_matrix_runs_every_step():
    suite = [job for job in jobs().values() if "bash tests/run --step ${{ matrix.step }}" in commands(job)]
    assert len(suite) == 1, (
        f"{TESTS_WORKFLOW.relative_to(REPO)}: expected one job running "
        "`bash tests/run --step ${{ matrix.step }}`"
    )
    listed = suite[0]["strategy"]["matrix"]["step"]
    expected = list(dict.fromkeys([step.name for step in STEPS] + ["final"]))
    missing = [name for name in expected if name not in listed]
    unknown = [name for name in listed if name not in expected]
    assert not missing and not unknown and len(listed) == len(set(listed)), (
        f"{TESTS_WORKFLOW.relative_to(REPO)}: the matrix should list each step of tools/series.py "
        f"and final once; missing {missing}, not a step {unknown}, listed {listed}"
    )
    assert suite[0]["strategy"].get("fail-fast") is False, "one step failing should not cancel the others"


def test_a_job_measures_and_keeps_the_results():
    measuring = [job for job in jobs().values() if "bash tools/measure --quick" in commands(job)]
    assert measuring, f"{TESTS_WORKFLOW.relative_to(REPO)}: no job runs `bash tools/measure --quick`"
    uploads = [
        step for step in measuring[0]["steps"]
        if step.get("uses", "").startswith("actions/upload-artifact@") and step["with"]["path"].rstrip("/") == "docs"
    ]
    assert uploads, "the measuring job should upload docs/ as an artifact"
