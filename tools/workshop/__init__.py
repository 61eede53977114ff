"""Workshop exercises: one per lesson, checked by the suite that checks the series.

An exercise copies the folder the lesson builds on, already answering as the new step, with the
task as its README; the check holds it to the expectations of the reference folder, the solution.
Commands: `python3 -m tools.workshop --help` and WORKSHOP.md. Standard library only: attendees
run it with any Python 3.11.
"""

import difflib
import re
import shutil
import tempfile
from pathlib import Path

from tools.series import BY_NAME, REPO, STEPS, Step, starting_point

WORKSHOP = REPO / "workshop"
WORK = WORKSHOP / "work"
TASKS = WORKSHOP / "tasks"
GUIDE = REPO / "WORKSHOP.md"
TIMINGS_DATA = REPO / "docs" / "workshop-timings.json"

# Modules that test the repository (documents, measurements, lint, CI, this kit), not the folder a step
# is checked on: the check leaves them out, to pass or fail on the attendee's work alone.
NOT_ABOUT_THE_FOLDER = (
    "test_docs.py", "test_links.py", "test_lint.py", "test_workflow.py", "test_workshop.py",
    "test_claims.py", "test_dockerfile_diffs.py",
)

# Never part of an app folder: caches and local environments.
JUNK = shutil.ignore_patterns("__pycache__", ".venv*", ".pytest_cache", ".ruff_cache", ".mypy_cache", "*.egg-info")
# The root is the final app inside the series: of its folders only src/ is the app's; these files are the series'.
ROOT_SERIES_FILES = ("WORKSHOP.md", "pytest.ini", "CONTRIBUTING.md")

CONSTANT = re.compile(r'^STEP = "[^"]*"$', re.M)
# A task file: what the attendee reads (also the prepared copy's README), then notes for the host.
HOST_NOTES = "\n## For the host\n"
# Where a task says what the untouched check fails with.
PROMISE = re.compile(r"^Untouched, the check fails with `([^`]+)`", re.M)


def exercises() -> list[Step]:
    """Every lesson that builds on another folder, the final result's own lessons included."""
    return [step for step in STEPS if starting_point(step) is not None]


def exercise(name: str) -> Step:
    if (step := BY_NAME.get(name)) not in exercises():
        raise ValueError(f"no exercise {name!r}; exercises: {', '.join(s.name for s in exercises())}")
    return step


def task_path(step: Step) -> Path:
    return TASKS / f"{step.name}.md"


def task_parts(step: Step) -> tuple[str, str]:
    """(the attendee's task, the host's notes) of an exercise's task file."""
    task, _, notes = task_path(step).read_text().partition(HOST_NOTES)
    return task.rstrip() + "\n", notes


def promised_failure(step: Step) -> str | None:
    """What the task, before its host notes, says the untouched check fails with."""
    match = PROMISE.search(task_parts(step)[0]) if task_path(step).is_file() else None
    return match.group(1) if match else None


def attendee_text(step: Step) -> str:
    """The task as an attendee reads it (the prepared copy's README): with the stretch goal."""
    task, notes = task_parts(step)
    stretch = re.search(r"^\*\*Stretch goal\.\*\*.*?(?=\n\n|\Z)", notes, re.M | re.S)
    return task + (f"\n{stretch.group(0).strip()}\n" if stretch else "")


def copy_app(step: Step, target: Path) -> None:
    """Copy a step's folder but its junk; at the root, leave out the whole series around the app."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        ignored = set(JUNK(folder, names))
        if step.folder == "." and Path(folder).resolve() == step.path.resolve():
            ignored |= {
                name for name in names
                if name in ROOT_SERIES_FILES or ((Path(folder) / name).is_dir() and name != "src")
            }
        return ignored

    shutil.copytree(step.path, target, symlinks=True, ignore=ignore, dirs_exist_ok=True)


def copy_as(source: Step, step: Step, target: Path) -> None:
    """Copy `source`'s app to `target`, answering `GET /` as `step`."""
    copy_app(source, target)
    app = target / source.app_source
    text, count = CONSTANT.subn(f'STEP = "{step.name}"', app.read_text())
    if count != 1:
        raise ValueError(f"{source.folder}/{source.app_source}: expected one STEP = \"...\" line, found {count}")
    app.write_text(text)


def prepare(step: Step, target: Path | None = None, force: bool = False) -> Path:
    """Copy the lesson's starting point to `target`, answering `GET /` as `step`, with the task as its README."""
    target = target or WORK / step.name
    if not task_path(step).is_file():
        raise FileNotFoundError(f"{shown(task_path(step))} is missing: {step.name} has no task text yet")
    if target.exists():
        if not force:
            raise FileExistsError(f"{shown(target)} exists: keep working in it, or start over with --force")
        shutil.rmtree(target)
    copy_as(starting_point(step), step, target)
    (target / "README.md").write_text(attendee_text(step))
    return target


def solve(step: Step, folder: Path) -> None:
    """Replace a prepared copy's contents with the reference solution, the step's own folder."""
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    copy_app(step, folder)


def model_answer(step: Step) -> str:
    """The lesson as a diff of the reference folder against the prepared copy, README aside (the task
    in one, the lesson in the other), then the copy's files the reference lacks."""
    with tempfile.TemporaryDirectory() as folder:
        start, answer = Path(folder) / "start", Path(folder) / "answer"
        copy_as(starting_point(step), step, start)
        copy_app(step, answer)
        parts = []
        for after in sorted(path for path in answer.rglob("*") if path.is_file()):
            name = after.relative_to(answer).as_posix()
            before = start / name
            old = before.read_text().splitlines(keepends=True) if before.is_file() else []
            new = after.read_text().splitlines(keepends=True)
            if name == "README.md" or (before.is_file() and old == new):
                continue
            header = f"a/{name}" if before.is_file() else "/dev/null"
            # A new empty file has no lines to show, only its name.
            parts += list(difflib.unified_diff(old, new, header, f"b/{name}")) or [f"--- {header}\n+++ b/{name}\n"]
        missing = sorted(
            name for path in start.rglob("*")
            if path.is_file() and not (answer / (name := path.relative_to(start).as_posix())).exists()
        )
    if missing:
        parts.append(f"# Not in the reference folder: {', '.join(missing)}\n")
    return "".join(parts)


def exercise_here(folder: Path) -> Step | None:
    """The exercise whose prepared copy holds `folder`, if any."""
    folder, work = folder.resolve(), WORK.resolve()
    if not folder.is_relative_to(work) or folder == work:
        return None
    name = folder.relative_to(work).parts[0]
    return BY_NAME[name] if BY_NAME.get(name) in exercises() else None


def shown(path: Path) -> str:
    """A path as the repository's commands write it: relative to the root where it can be."""
    return str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


def check_command(step: Step, folder: Path, *pytest_args: str) -> list[str]:
    ignored = [f"--ignore=tests/{module}" for module in NOT_ABOUT_THE_FOLDER]
    return ["bash", "tests/run", "--step", step.name, "--folder", shown(folder), *ignored, *pytest_args]
