"""The workshop kit: every exercise is fair, and WORKSHOP.md's timings are current.

An exercise is fair when its untouched starting point fails the check, and fails it
naming the lesson. That the reference folder, the exercise's solution, passes the same
check is the rest of this suite: it holds each folder to the expectations that
`python -m tools.workshop check` holds an attendee's copy to.
"""

import ast
import dataclasses
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import IMAGE_REPOSITORY
from tools import docker_cli, workshop
from tools.series import Step, starting_point

TESTS = Path(__file__).parent
# Not facts of a lesson: every step differs from the one before in them.
IDENTITY = {"folder", "answer", "builds_on", "location"}
# Fixtures parametrized from a fact: a test asking for one depends on that fact.
FIXTURE_FACTS = {"variant": "variants"}
EXERCISE_TIMEOUT = 20 * 60
PROMISE = re.compile(r"^Untouched, the check fails with `([^`]+)`", re.M)

is_exercise = pytest.mark.applies_to.with_args(workshop.is_exercise)


def facts_read(function: ast.FunctionDef) -> set[str]:
    """The Step fields a test function (its decorators included) reads."""
    read = {
        node.attr for node in ast.walk(function)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "step"
    }
    return read | {FIXTURE_FACTS[arg.arg] for arg in function.args.args if arg.arg in FIXTURE_FACTS}


def lesson_facts(step: Step) -> set[str]:
    """The facts that tools/series.py states differently for a step and its starting point."""
    before = starting_point(step)
    return {
        field.name for field in dataclasses.fields(Step)
        if field.name not in IDENTITY and getattr(step, field.name) != getattr(before, field.name)
    }


def lesson_tests(step: Step) -> dict[Path, list[str]]:
    """The tests that read a fact of the lesson, by module: what the exercise must fail."""
    facts, found = lesson_facts(step), {}
    for module in sorted(TESTS.glob("test_*.py")):
        if module.name in workshop.NOT_ABOUT_THE_FOLDER:
            continue
        for node in ast.parse(module.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and facts_read(node) & facts:
                found.setdefault(module, []).append(node.name)
    return found


def promised_failure(step: Step) -> str:
    task = workshop.task_path(step)
    match = PROMISE.search(task.read_text()) if task.is_file() else None
    assert match, (
        f"{task.relative_to(workshop.REPO)} must end with what the untouched check fails with: "
        "a line `Untouched, the check fails with `PHRASE``"
    )
    return match.group(1)


def remove_images_of(step: Step) -> None:
    repository = f"{IMAGE_REPOSITORY}/{step.image_name}"
    for tag in docker_cli.docker("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", repository).split():
        docker_cli.remove_image(tag)


# --- every exercise fails before its lesson, naming it (Docker) -------------------------


@is_exercise
def test_exercise_fails_until_the_lesson_is_done(step, tmp_path, request):
    """The untouched exercise fails the tests of its lesson's facts, naming the lesson.

    One pytest run on a prepared copy, restricted to the tests that read a fact in which the
    step differs from its starting point. The other half, that the solution passes them, is
    the suite itself: it checks the reference folder against the same expectations.
    """
    if request.config.getoption("folder"):
        pytest.skip("checks the exercises of the series, not a folder")
    if reason := docker_cli.unreachable_reason():
        pytest.exit(f"Docker is needed to build and run the images: {reason}", returncode=2)
    promise = promised_failure(step)
    tests = lesson_tests(step)
    assert tests, (
        f"no test reads the facts in which {step.name} differs from {starting_point(step).name} "
        f"({sorted(lesson_facts(step))}): nothing could tell an attendee the lesson is missing"
    )
    copy = workshop.prepare(step, tmp_path / step.name).resolve()
    names = sorted({name for found in tests.values() for name in found})
    command = [
        sys.executable, "-m", "pytest", *map(str, tests), "--step", step.name, "--folder", str(copy),
        "-k", " or ".join(names), "-p", "no:cacheprovider", "--tb=short", "-q",
    ]
    process = subprocess.Popen(
        command, cwd=workshop.REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # so that a timeout ends its docker and compose children too
    )
    try:
        output, _ = process.communicate(timeout=EXERCISE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"checking {step.name}'s exercise took over {EXERCISE_TIMEOUT} s:\n{output[-3000:]}")
    finally:
        remove_images_of(dataclasses.replace(step, location=copy))

    assert process.returncode == 1, (
        f"the untouched exercise {step.name} (a copy of {starting_point(step).folder}) should fail "
        f"{', '.join(names)}, but pytest exited with {process.returncode}:\n{output[-3000:]}"
    )
    messages = "\n".join(line for line in output.splitlines() if line.startswith("E "))
    assert promise.lower() in messages.lower(), (
        f"{step.name}: the failures of the untouched exercise do not say `{promise}`, as "
        f"{workshop.task_path(step).relative_to(workshop.REPO)} promises; they say:\n{messages[-3000:]}"
    )


# --- the kit itself (no Docker) ---------------------------------------------------------


@is_exercise
def test_every_exercise_has_a_task(step):
    task = workshop.task_path(step)
    assert task.is_file(), f"{step.name} is an exercise, but {task.relative_to(workshop.REPO)} does not exist"
    text = task.read_text()
    assert text.startswith("# ") and "**Goal.**" in text and "**What the check proves.**" in text, (
        f"{task.relative_to(workshop.REPO)}: a title, a **Goal.** and **What the check proves.**"
    )
    promised_failure(step)


def test_prepare_copies_the_starting_point_answering_as_the_step(tmp_path):
    step = workshop.exercises()[0]
    before = starting_point(step)
    copy = workshop.prepare(step, tmp_path / "copy")
    source = (copy / before.app_source).read_text()
    assert f'STEP = "{step.answer}"' in source
    assert source.replace(step.answer, before.answer) == (before.path / before.app_source).read_text()
    assert not list(copy.rglob("__pycache__"))
    with pytest.raises(FileExistsError):
        workshop.prepare(step, copy)
    (copy / "attendee.txt").write_text("work in progress\n")
    workshop.prepare(step, copy, force=True)
    assert not (copy / "attendee.txt").exists()


def test_guide_timings_are_current():
    text = workshop.GUIDE.read_text()
    assert text == workshop.render_guide(text, workshop.load_scoreboard()), (
        f"{workshop.GUIDE.name}: the exercise timings are not what docs/scoreboard.json gives: "
        "run `python -m tools.workshop timings`"
    )
