"""The GitHub configuration: the workflow that runs the suite in readers' forks (no Docker
needed to check it here) and Dependabot's."""

import fnmatch
import json
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML  # comes with check-jsonschema

from tools.series import REPO, STEPS

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
TESTS_WORKFLOW = REPO / ".github" / "workflows" / "tests.yml"
DEPENDABOT = REPO / ".github" / "dependabot.yml"
# Installed by tests/requirements.txt beside the Python that runs the suite.
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
# What each Dependabot ecosystem updates, as a test of a folder.
DEPENDABOT_FILES = {
    "pip": lambda folder: any((folder / name).is_file() for name in (
        "pyproject.toml", "poetry.lock", "requirements.txt", "Pipfile")),
    "docker": lambda folder: any(folder.glob("*Dockerfile")),
    "github-actions": lambda folder: (folder / ".github" / "workflows").is_dir(),
    "pre-commit": lambda folder: (folder / ".pre-commit-config.yaml").is_file(),
}


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text())


def jobs() -> dict:
    return load(TESTS_WORKFLOW)["jobs"]


def commands(job: dict) -> list[str]:
    return [step.get("run", "").strip() for step in job.get("steps", [])]


def jobs_running(command: str) -> list[dict]:
    return [job for job in jobs().values() if any(run.startswith(command) for run in commands(job))]


@pytest.mark.parametrize("path", [*WORKFLOWS, DEPENDABOT], ids=lambda path: path.name)
def test_github_configuration_matches_its_schema(path):
    schema = "vendor.dependabot" if path == DEPENDABOT else "vendor.github-workflows"
    assert CHECK_JSONSCHEMA.exists(), (
        f"{CHECK_JSONSCHEMA} is missing: install tests/requirements.txt (bash tests/run does)"
    )
    checked = subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", schema, path], capture_output=True, text=True, timeout=120,
    )
    assert checked.returncode == 0, f"{path.relative_to(REPO)}:\n{checked.stdout}{checked.stderr}"


def test_matrix_runs_every_step():
    """The step jobs' matrix is what `python -m tools.series` prints: every step, once."""
    [suite] = jobs_running("bash tests/run --step ${{ matrix.step }}")
    [series] = jobs_running('echo "steps=$(python3 -m tools.series)"')
    name = next(name for name, job in jobs().items() if job == series)
    assert suite["strategy"]["matrix"]["step"] == f"${{{{ fromJSON(needs.{name}.outputs.steps) }}}}", (
        f"{TESTS_WORKFLOW.relative_to(REPO)}: the matrix should come from the {name} job's output"
    )
    assert suite.get("needs") in (name, [name]) and "steps" in series["outputs"]
    printed = subprocess.run(
        [sys.executable, "-m", "tools.series"], cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout
    assert json.loads(printed) == [step.name for step in STEPS]
    assert suite["strategy"].get("fail-fast") is False, "one step failing should not cancel the others"


def test_static_checks_run_once_in_their_own_job():
    """Checks that build no image run in one job, not again in every step's job."""
    static = jobs_running('python -m pytest -m "not docker"')
    assert len(static) == 1 and "strategy" not in static[0], (
        'one job, outside the matrix, should run `python -m pytest -m "not docker"`'
    )
    [suite] = jobs_running("bash tests/run --step ${{ matrix.step }}")
    assert any(run.endswith("-m docker") for run in commands(suite)), "the step jobs should run `-m docker`"
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not docker", "-p", "no:cacheprovider"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    ).stdout.splitlines()
    static_ids = {line.split("[")[0] for line in collected if "::" in line}
    assert "tests/test_claims.py::test_every_fact_is_tested" in static_ids, "a Docker-free check is marked docker"
    assert "tests/test_image.py::test_server_user" not in static_ids, (
        "a test of a running container is not marked docker"
    )


def test_a_job_measures_and_keeps_the_results():
    measuring = jobs_running("bash tools/measure --quick")
    assert measuring, f"{TESTS_WORKFLOW.relative_to(REPO)}: no job runs `bash tools/measure --quick`"
    uploads = [
        step for step in measuring[0]["steps"]
        if step.get("uses", "").startswith("actions/upload-artifact@") and step["with"]["path"].rstrip("/") == "docs"
    ]
    assert uploads, "the measuring job should upload docs/ as an artifact"


@pytest.mark.parametrize("ecosystem", DEPENDABOT_FILES)
def test_dependabot_covers_every_step(ecosystem):
    """Each step folder with the ecosystem's files is matched once; each pattern matches only such folders."""
    has_files = DEPENDABOT_FILES[ecosystem]
    listed = [
        folder for update in load(DEPENDABOT)["updates"] if update["package-ecosystem"] == ecosystem
        for folder in update.get("directories") or [update["directory"]]
    ]
    expected = ["/" + step.path.relative_to(REPO).as_posix().strip(".") for step in STEPS if has_files(step.path)]
    def folders(pattern: str) -> list[Path]:
        return [REPO] if pattern == "/" else [path for path in REPO.glob(pattern.lstrip("/")) if path.is_dir()]

    missing = [folder for folder in expected if sum(fnmatch.fnmatchcase(folder, p) for p in listed) != 1]
    idle = [pattern for pattern in listed if not folders(pattern) or not all(map(has_files, folders(pattern)))]
    assert not missing and not idle, (
        f"{DEPENDABOT.relative_to(REPO)}: the {ecosystem} update should match each folder that has "
        f"its files once; not matched once: {missing}; matching a folder without them: {idle}"
    )
