"""The day before: run every exercise the way an attendee will, and time it.

The untouched copy's check must fail, naming the lesson; the reference solution's must pass, first cold,
then warm (an attendee's re-check). The times go to docs/workshop-timings.json, for WORKSHOP.md's timetable.
"""

import dataclasses
import datetime
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from tools import docker_cli
from tools.durations import duration
from tools.machine import describe
from tools.series import Step, starting_point
from tools.workshop import REPO, TIMINGS_DATA, WORK, check_command, prepare, promised_failure, shown, solve
from tools.workshop.timetable import load_timings

CHECK_TIMEOUT = 45 * 60
REHEARSALS = WORK / "rehearsal"


class EngineGone(RuntimeError):
    """Docker stopped answering: the times say nothing about the exercise, record none."""


def run_check(step: Step, folder: Path, log: Path) -> dict:
    """One check as an attendee runs it; its whole output goes to `log`."""
    command = check_command(step, folder, "-p", "no:cacheprovider", "--tb=short")
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,  # a timeout then ends its docker and compose children too
        )
        try:
            code = process.wait(timeout=CHECK_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            code = None
    seconds = round(time.monotonic() - started, 1)
    if reason := docker_cli.unreachable_reason():
        raise EngineGone(f"Docker stopped answering during a check of {step.name}: {reason}")
    lines = log.read_text(errors="replace").splitlines()
    return {
        "exit": code, "seconds": seconds,
        "failed": [line.split(" - ")[0][len("FAILED "):] for line in lines if line.startswith("FAILED ")][:30],
        "messages": "\n".join(line for line in lines if line.startswith("E ")),
    }


def ready_bases(say=print) -> bool:
    """Base images first, untimed: every check starts with them, and a first pull or a
    rebuilt stand-in would count as the first exercise's check time."""
    say("base images: bash tools/standins/build.sh (not timed) ...")
    return subprocess.run(["bash", "tools/standins/build.sh"], cwd=REPO).returncode == 0


def remove_images_of(step: Step, folder: Path) -> None:
    copy = dataclasses.replace(step, location=folder.resolve())
    repository = f"{docker_cli.TEST_REPOSITORY}/{copy.image_name}"
    try:
        for tag in docker_cli.docker("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", repository).split():
            docker_cli.remove_image(tag)
    except docker_cli.DockerError as error:  # an engine gone away must not hide the results
        print(f"could not remove the images of {repository}: {error}")


def rehearse(step: Step, say=print) -> dict:
    """Rehearse one exercise; the record says whether it behaved and how long each check took."""
    folder = REHEARSALS / step.name
    logs = {phase: REHEARSALS / f"{step.name}.{phase}.log" for phase in ("untouched", "cold", "warm")}
    expected = promised_failure(step)
    record = {"rehearsed": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    problems = []
    prepare(step, folder, force=True)
    try:
        say(f"[{step.name}] untouched copy of {starting_point(step).folder}: check (must fail) ...")
        untouched = run_check(step, folder, logs["untouched"])
        names_lesson = bool(expected) and expected.lower() in untouched["messages"].lower()
        if untouched["exit"] != 1:
            problems.append(f"the untouched check exited with {untouched['exit']}, not 1 (failed tests)")
        if not names_lesson:
            problems.append(f"the untouched check's failures do not say `{expected}`, as the task promises")
        say(f"[{step.name}]   exit {untouched['exit']} in {duration(untouched['seconds'])}, "
            f"{len(untouched['failed'])} failed, names the lesson: {names_lesson}")
        solve(step, folder)
        # An attendee's own code is new to the layer cache: a line no earlier build has seen.
        source = folder / step.app_source
        source.write_text(source.read_text() + f"# rehearsal {record['rehearsed']}\n")
        checks = {}
        for phase in ("cold", "warm"):
            say(f"[{step.name}] reference solution: {phase} check (must pass) ...")
            checks[phase] = run_check(step, folder, logs[phase])
            if checks[phase]["exit"] != 0:
                problems.append(f"the {phase} check of the solution exited with {checks[phase]['exit']}, not 0")
            say(f"[{step.name}]   exit {checks[phase]['exit']} in {duration(checks[phase]['seconds'])}")
    finally:
        remove_images_of(step, folder)
    record.update(
        machine=describe(),
        untouched={**{key: untouched[key] for key in ("exit", "seconds", "failed")},
                   "promise": expected, "names_lesson": names_lesson},
        **{f"check_{phase}": {"exit": check["exit"], "seconds": check["seconds"]} for phase, check in checks.items()},
        ok=not problems, problems=problems,
    )
    for problem in problems:
        say(f"[{step.name}] PROBLEM: {problem} (logs: {shown(REHEARSALS)}/{step.name}.*.log)")
    return record


def record(results: dict[str, dict]) -> None:
    """Merge into the committed timings: a partial rehearsal keeps the others' records."""
    data = load_timings()
    data["exercises"] = dict(sorted({**data["exercises"], **results}.items()))
    TIMINGS_DATA.write_text(json.dumps(data, indent=1) + "\n")


def record_room(result: dict) -> None:
    """Keep the room cache's measurement beside the exercises' check times."""
    data = load_timings()
    data["room"] = {
        "measured": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "machine": describe(), **result,
    }
    TIMINGS_DATA.write_text(json.dumps(data, indent=1) + "\n")
