"""The GitHub configuration: the workflow that runs the suite in readers' forks (no Docker
needed to check it here) and Dependabot's."""

import ast
import re
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
# The first major of each action whose action.yml says `runs.using: node24`: GitHub's
# runners have had no Node 20 since September 2026. An action new to the workflows
# goes here once its Node 24 major is known.
NODE24_SINCE = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/upload-artifact": 6,
    "actions/download-artifact": 7,
    "actions/cache": 5,
    "docker/setup-qemu-action": 4,
    "docker/setup-buildx-action": 4,
    "docker/login-action": 4,
    "docker/build-push-action": 7,
}
# A test that asks for one of these fixtures, or names one of these, builds or runs an image.
DOCKER_FIXTURES = {"image", "images", "server", "http", "host", "containers", "shared_containers", "scratch_tag"}
DOCKER_NAMES = {"docker_cli", "compose_up", "ComposeProject", "testinfra"}
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


def check_schema(schema: str, path: Path) -> None:
    assert CHECK_JSONSCHEMA.exists(), (
        f"{CHECK_JSONSCHEMA} is missing: install tests/requirements.txt (bash tests/run does)"
    )
    checked = subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", schema, path], capture_output=True, text=True, timeout=120,
    )
    assert checked.returncode == 0, f"{path.relative_to(REPO)}:\n{checked.stdout}{checked.stderr}"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_matches_the_schema(workflow):
    check_schema("vendor.github-workflows", workflow)


def test_dependabot_matches_the_schema():
    check_schema("vendor.dependabot", DEPENDABOT)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_actions_run_on_node_24(workflow):
    steps = [step for job in load(workflow)["jobs"].values() for step in job.get("steps", [])]
    old = []
    for uses in [step["uses"] for step in steps if "uses" in step and not step["uses"].startswith(("./", "docker://"))]:
        action, _, ref = uses.partition("@")
        major = re.fullmatch(r"v(\d+)(\.\d+)*", ref)
        action = "/".join(action.split("/")[:2])  # owner/repo of owner/repo/path
        if action not in NODE24_SINCE or not major or int(major.group(1)) < NODE24_SINCE[action]:
            old.append(uses)
    assert not old, (
        f"{workflow.relative_to(REPO)}: {old} may run on Node 20, which GitHub's runners no longer "
        f"have; use a vN tag at least {NODE24_SINCE} (an action missing there: add its first Node 24 major)"
    )


def test_matrix_runs_every_step():
    suite = jobs_running("bash tests/run --step ${{ matrix.step }}")
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


def suite_tests() -> dict[str, bool]:
    """Every test function of tests/, by pytest id: True when it builds or runs an image."""
    found = {}
    for module in sorted((REPO / "tests").glob("test_*.py")):
        for node in ast.parse(module.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                fixtures = {arg.arg for arg in node.args.args}
                names = {name.id for name in ast.walk(node) if isinstance(name, ast.Name)}
                found[f"tests/{module.name}::{node.name}"] = bool(fixtures & DOCKER_FIXTURES or names & DOCKER_NAMES)
    return found


def test_static_checks_run_once_in_their_own_job():
    """Checks that build no image run in one job, not again in every step's job."""
    listed = load(TESTS_WORKFLOW)["env"]["STATIC_TESTS"].split()
    static = jobs_running("python -m pytest $STATIC_TESTS")
    assert len(static) == 1 and "strategy" not in static[0], (
        "one job, outside the matrix, should run `python -m pytest $STATIC_TESTS`"
    )
    [suite] = jobs_running("bash tests/run --step ${{ matrix.step }}")
    assert any("--deselect" in run and "$STATIC_TESTS" in run for run in commands(suite)), (
        "the step jobs should --deselect each of $STATIC_TESTS"
    )
    tests = suite_tests()
    # pytest's --deselect takes an id's prefix.
    selected = {test for test in tests if any(test.startswith(entry) for entry in listed)}
    unknown = [entry for entry in listed if not any(test.startswith(entry) for test in tests)]
    building = sorted(test for test in selected if tests[test])
    forgotten = sorted(test for test in tests if not tests[test] and test not in selected)
    assert not unknown and not building and not forgotten, (
        f"{TESTS_WORKFLOW.relative_to(REPO)}: STATIC_TESTS should name the tests that build no image "
        f"(no fixture {sorted(DOCKER_FIXTURES)}, no {sorted(DOCKER_NAMES)}); no such test: {unknown}; "
        f"these build: {building}; these build nothing but run in every step's job: {forgotten}"
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
    has_files = DEPENDABOT_FILES[ecosystem]
    listed = [
        folder for update in load(DEPENDABOT)["updates"] if update["package-ecosystem"] == ecosystem
        for folder in update.get("directories") or [update["directory"]]
    ]
    expected = ["/" + step.path.relative_to(REPO).as_posix().strip(".") for step in STEPS if has_files(step.path)]
    missing = [folder for folder in expected if folder not in listed]
    stray = [folder for folder in listed if not has_files(REPO / folder.lstrip("/"))]
    assert not missing and not stray and len(listed) == len(set(listed)), (
        f"{DEPENDABOT.relative_to(REPO)}: the {ecosystem} update should list each folder that has "
        f"its files once; missing {missing}, nothing to update in {stray}, listed {listed}"
    )
