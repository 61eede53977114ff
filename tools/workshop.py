"""Workshop exercises: one per lesson, checked by the suite that checks the series.

    python -m tools.workshop list                 # the exercises
    python -m tools.workshop prepare STEP         # copy its starting point to workshop/work/STEP
    python -m tools.workshop check STEP [ARGS]    # the step's tests on that copy (ARGS to pytest)
    python -m tools.workshop timings [--check]    # WORKSHOP.md's timings, from docs/scoreboard.json

An exercise starts from the folder the lesson builds on (`starting_point`) with the app
already answering as the new step, so only the lesson is left to do. The check holds the
copy to the same expectations as the reference folder, which is the solution.
Standard library only: attendees run it with any Python 3.11.
"""

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tools.series import BY_NAME, REPO, STEPS, Step, starting_point

WORKSHOP = REPO / "workshop"
WORK = WORKSHOP / "work"
TASKS = WORKSHOP / "tasks"
GUIDE = REPO / "WORKSHOP.md"
SCOREBOARD = REPO / "docs" / "scoreboard.json"

# What a slot in the timetable allows besides building: reading the task and the step's
# README, editing, and trying the app. Builds come from the scoreboard on top of it.
READING_MINUTES = 15
# Rebuilds after a change that a slot allows for, besides the first (cold) build.
REBUILDS = 3

# Modules that test the repository (its documents, measurements, Dockerfiles' lint, CI and
# this kit) rather than the folder a step is checked on: the check leaves them out, so that
# it passes or fails on the attendee's work alone.
NOT_ABOUT_THE_FOLDER = ("test_docs.py", "test_lint.py", "test_workflow.py", "test_workshop.py")

TIMINGS = re.compile(r"(<!-- workshop-timings:begin -->\n)(.*?)(<!-- workshop-timings:end -->)", re.S)
CONSTANT = re.compile(r'^STEP = "[^"]*"$', re.M)


def is_exercise(step: Step) -> bool:
    """Every lesson that builds on another folder; the final result sums them up."""
    return step.folder != "." and starting_point(step) is not None


def exercises() -> list[Step]:
    return [step for step in STEPS if is_exercise(step)]


def task_path(step: Step) -> Path:
    return TASKS / f"{step.name}.md"


def prepare(step: Step, target: Path | None = None, force: bool = False) -> Path:
    """Copy the lesson's starting point to `target`, answering `GET /` as `step`."""
    before = starting_point(step)
    target = target or WORK / step.name
    if target.exists():
        if not force:
            raise FileExistsError(f"{shown(target)} exists: keep working in it, or start over with --force")
        shutil.rmtree(target)
    shutil.copytree(
        before.path, target, symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__", ".venv*", ".pytest_cache", ".ruff_cache"),
    )
    source = target / before.app_source
    text, count = CONSTANT.subn(f'STEP = "{step.answer}"', source.read_text())
    if count != 1:
        raise ValueError(f"{before.folder}/{before.app_source}: expected one STEP = \"...\" line, found {count}")
    source.write_text(text)
    return target


def shown(path: Path) -> str:
    """A path as the repository's commands write it: relative to the root where it can be."""
    return str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


def check_command(step: Step, folder: Path, *pytest_args: str) -> list[str]:
    ignored = [f"--ignore=tests/{module}" for module in NOT_ABOUT_THE_FOLDER]
    return ["bash", "tests/run", "--step", step.name, "--folder", shown(folder), *ignored, *pytest_args]


# --- timings ---------------------------------------------------------------------------


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value >= 100 else f"{value:.1f} s"


def timings_section(scoreboard: dict) -> str:
    """The exercise table of WORKSHOP.md: what each lesson's image takes to build."""
    entries = {entry["key"]: entry for entry in scoreboard.get("images", [])}
    measured, rows = [], []
    for step in exercises():
        task = f"[{step.name}]({task_path(step).relative_to(REPO).as_posix()})"
        cells = [task, f"`{starting_point(step).folder}`"]
        entry = entries.get(step.name)
        if entry is None or entry.get("status") != "ok":
            why = "not measured" if entry is None else "failed when measured"
            cells += [f"{why}: `bash tools/measure --only {step.name}`", "—", "—"]
        else:
            cold, rebuild = entry["cold_build_s"]["median"], entry["code_change_rebuild_s"]["median"]
            slot = READING_MINUTES + math.ceil((cold + REBUILDS * rebuild) / 60)
            cells += [_seconds(cold), _seconds(rebuild), f"{slot} min"]
            measured.append(entry)
        rows.append("| " + " | ".join(cells) + " |")
    runs, dates, setups = scoreboard.get("runs", {}), {}, {}
    for entry in measured:
        machine = runs.get(entry["run"], {}).get("machine", {})
        dates[entry["run"][:10]] = True
        setups[
            f"{machine.get('os', '?')} {machine.get('arch', '?')} with {machine.get('cpus', '?')} CPUs, "
            + ("offline stand-in base images" if entry["base"]["standin"] else "base images from Docker Hub")
        ] = True
    about = f"measured {', '.join(sorted(dates))} on {'; '.join(setups)}" if measured else ""
    lines = [
        "Build times of each lesson's finished image, from [docs/scoreboard.json](docs/scoreboard.json)"
        + (f" ({about})" if about else "")
        + ": a cold build, and a rebuild after a one-line change to the app. A slot is "
        f"{READING_MINUTES} minutes of reading and editing, plus one cold build and "
        f"{REBUILDS} rebuilds. The check builds a few images of its own on top: time it once "
        "on a room machine. Generated by `python -m tools.workshop timings`.",
        "",
        "| exercise | starts from | cold build | rebuild, app change | slot |",
        "| --- | --- | --- | --- | --- |",
        *rows,
    ]
    return "\n".join(lines) + "\n"


def render_guide(text: str, scoreboard: dict) -> str:
    if len(TIMINGS.findall(text)) != 1:
        raise ValueError(f"{GUIDE.name} needs one <!-- workshop-timings:begin --> ... :end --> section")
    return TIMINGS.sub(lambda m: m.group(1) + timings_section(scoreboard) + m.group(3), text)


def load_scoreboard() -> dict:
    return json.loads(SCOREBOARD.read_text()) if SCOREBOARD.exists() else {}


# --- command line ----------------------------------------------------------------------


def _exercise(name: str) -> Step:
    step = BY_NAME.get(name)
    if step is None or not is_exercise(step):
        raise argparse.ArgumentTypeError(
            f"no exercise {name!r}; exercises: {', '.join(s.name for s in exercises())}"
        )
    return step


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.workshop", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the exercises and whether they are prepared")
    prepare_ = commands.add_parser("prepare", help="copy an exercise's starting point into workshop/work/")
    prepare_.add_argument("step", type=_exercise)
    prepare_.add_argument("--force", action="store_true", help="start over: replace an existing copy")
    check_ = commands.add_parser("check", help="run the step's tests on workshop/work/STEP")
    check_.add_argument("step", type=_exercise)
    timings_ = commands.add_parser("timings", help=f"refresh the timings in {GUIDE.name}")
    timings_.add_argument("--check", action="store_true", help="only say whether they are current")
    args, pytest_args = parser.parse_known_args(argv)
    if pytest_args and args.command != "check":
        parser.error(f"unrecognized arguments: {' '.join(pytest_args)}")

    if args.command == "list":
        for step in exercises():
            state = "prepared" if (WORK / step.name).is_dir() else "-"
            print(f"{step.name:34} from {starting_point(step).folder:34} {state}")
        return 0

    if args.command == "prepare":
        try:
            target = prepare(args.step, force=args.force)
        except FileExistsError as error:
            print(error, file=sys.stderr)
            return 1
        where = shown(target)
        print(f"Prepared {where}/ from {starting_point(args.step).folder}/.\n")
        print(task_path(args.step).read_text())
        print(f"Work in {where}/, then check it with: python -m tools.workshop check {args.step.name}")
        return 0

    if args.command == "check":
        folder = WORK / args.step.name
        if not folder.is_dir():
            print(f"{shown(folder)} does not exist: "
                  f"python -m tools.workshop prepare {args.step.name}", file=sys.stderr)
            return 2
        command = check_command(args.step, folder, *pytest_args)
        print("running:", " ".join(command), flush=True)
        return subprocess.run(command, cwd=REPO).returncode

    text = GUIDE.read_text()
    fresh = render_guide(text, load_scoreboard())
    if fresh == text:
        return 0
    if args.check:
        print(f"{GUIDE.name}: the timings are stale: run `python -m tools.workshop timings`")
        return 1
    GUIDE.write_text(fresh)
    print(f"updated the timings in {GUIDE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
