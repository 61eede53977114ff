"""WORKSHOP.md's measured figures: the exercises' slots, two agendas and the room cache.

A slot is the work time the task's host notes give plus three checks (failing, cold, warm), as rehearsed
(docs/workshop-timings.json), else estimated from the scoreboard's builds, else guessed. WORKSHOP.md says
the rest by hand, its numbers held to the constants below by `setting` notes.
"""

import itertools
import json
import math
import re
from dataclasses import dataclass

from tools.durations import duration
from tools.series import STEPS, WORKSHOP_CORE, WORKSHOP_PRIORITY, Step, starting_point
from tools.workshop import REPO, TIMINGS_DATA, exercises, task_parts, task_path

# Agenda pieces, in minutes.
INTRODUCTION = 10
SETUP = 15  # laptops that skipped the pre-work (workshop/prework.md): clone, `doctor`, fixes
DEMO_TALK = 6  # the live demo of step 1: talking, besides its build and rebuild
EXERCISE_DEMO = 2  # the host's demo that opens each exercise
DISCUSSION = 3  # the discussion question that closes it
BREAK = 10
WRAP_UP = 10
TWO_HOURS = 120
HALF_DAY = 240
HALF_DAY_BREAK = 15
BETWEEN_BREAKS = 90  # a half day's parts run this long at most without a break (unless one part is longer)
ELECTIVES_INTRO = 5  # the host presents the electives
REPORT_BACK = 10  # each group shows the room what its elective changed
ROOM = 20  # the laptops a room holds, for the room cache's arithmetic

# A rehearsal's checks: failing, cold, warm.
PHASES = ("untouched", "check_cold", "check_warm")
# Where no rehearsed exercise has scoreboard builds: each check's time per second of cold image builds.
DEFAULT_PER_BUILD = (6.0, 6.0, 1.5)
# Neither rehearsed nor on the scoreboard (a new lesson): a guess, marked as one.
GUESS_S = (600, 600, 300)
DEFAULT_WORK_MINUTES = 30

FIELD = re.compile(r"^\*\*(?P<name>[A-Z][^*]*?)\.\*\*[ \t]*(?P<text>.*?)(?=^\*\*|^## |\Z)", re.M | re.S)
MISTAKE = re.compile(r"^\d\.\s+(?P<text>.*?)(?=^\d\.\s|\Z)", re.M | re.S)
PRINTS = re.compile(r"the check prints `(?P<message>[^`]+)`", re.I)


def load_timings() -> dict:
    data = json.loads(TIMINGS_DATA.read_text()) if TIMINGS_DATA.exists() else {}
    data.setdefault("about", (
        "Workshop check times, written by `python3 -m tools.workshop rehearse`: per exercise, the "
        "untouched check (must fail naming the lesson), the reference solution's first (cold) check "
        "and a re-check (warm), in seconds, with the machine they ran on."
    ))
    data.setdefault("exercises", {})
    return data


def host_note_fields(step: Step) -> dict[str, str]:
    """The task's host notes by field name ("Objective", "Demo (2 minutes)", ...)."""
    if not task_path(step).is_file():
        return {}
    return {m["name"]: m["text"].strip() for m in FIELD.finditer(task_parts(step)[1])}


def mistakes(step: Step) -> list[tuple[str, str | None]]:
    """(the mistake, what the check prints for it) under **Likely mistakes.**"""
    return [
        (match["text"].strip(), prints["message"] if (prints := PRINTS.search(match["text"])) else None)
        for match in MISTAKE.finditer(host_note_fields(step).get("Likely mistakes", ""))
    ]


def work_minutes(step: Step) -> int | None:
    match = re.match(r"(\d+) minutes", host_note_fields(step).get("Work time", ""))
    return int(match.group(1)) if match else None


@dataclass
class Slot:
    step: Step
    work: int
    work_known: bool
    checks_s: tuple[float, float, float]  # failing, cold, warm
    source: str  # "rehearsed", "estimated" or "guessed"
    when: str = ""

    @property
    def minutes(self) -> int:
        return self.work + math.ceil(sum(self.checks_s) / 60)

    @property
    def block(self) -> int:
        """The exercise in an agenda: the host's demo, the slot, the discussion."""
        return EXERCISE_DEMO + self.minutes + DISCUSSION


def scoreboard_entries(step: Step, scoreboard: dict) -> list[dict]:
    """The step's images measured fine, its own and its variants'."""
    return [e for e in scoreboard.get("images", []) if (e.get("step"), e.get("status")) == (step.name, "ok")]


def cold_builds_s(step: Step, scoreboard: dict) -> float:
    return sum(entry["cold_build_s"]["median"] for entry in scoreboard_entries(step, scoreboard))


def rehearsed(step: Step, timings: dict) -> dict | None:
    record = timings.get("exercises", {}).get(step.name)
    return record if record and record.get("ok") else None


def estimate_factors(timings: dict, scoreboard: dict) -> tuple[float, float, float]:
    """Check time per second of cold image builds, the largest the rehearsals showed, rounded up to a half
    (DEFAULT_PER_BUILD where no rehearsed exercise has scoreboard builds)."""
    ratios = [
        tuple(record[phase]["seconds"] / built for phase in PHASES)
        for step in exercises()
        if (record := rehearsed(step, timings)) and (built := cold_builds_s(step, scoreboard))
    ]
    if not ratios:
        return DEFAULT_PER_BUILD
    return tuple(math.ceil(max(column) * 2) / 2 for column in zip(*ratios, strict=False))


def slot(step: Step, timings: dict, scoreboard: dict) -> Slot:
    work = work_minutes(step)
    at = (step, DEFAULT_WORK_MINUTES if work is None else work, work is not None)
    if record := rehearsed(step, timings):
        return Slot(*at, tuple(record[phase]["seconds"] for phase in PHASES), "rehearsed", record["rehearsed"][:10])
    if scoreboard_entries(step, scoreboard):
        built = cold_builds_s(step, scoreboard)
        return Slot(*at, tuple(factor * built for factor in estimate_factors(timings, scoreboard)), "estimated")
    return Slot(*at, GUESS_S, "guessed")


def step_one_demo(scoreboard: dict) -> int:
    """Introduce step 1 live: build it, change a line, watch the whole install run again."""
    built = scoreboard_entries(STEPS[0], scoreboard)
    seconds = built[0]["cold_build_s"]["median"] + built[0]["code_change_rebuild_s"]["median"] if built else 120
    return DEMO_TALK + math.ceil(seconds / 60)


def link(step: Step) -> str:
    return f"[{step.name}]({task_path(step).relative_to(REPO).as_posix()})"


def agenda_table(rows: list[tuple[int, str]]) -> list[str]:
    starts = list(itertools.accumulate((minutes for minutes, _ in rows), initial=0))
    clock = [f"{at // 60}:{at % 60:02d}" for at in starts]
    return [
        "| starts | minutes | what |", "| --- | ---: | --- |",
        *(f"| {clock[i]} | {minutes} | {what} |" for i, (minutes, what) in enumerate(rows)),
        f"| {clock[-1]} | | end: {starts[-1]} minutes in all |",
    ]


def opening(demo: int) -> list[tuple[int, str]]:
    return [
        (INTRODUCTION, "introduction: the app, the series, how the check works"),
        (SETUP, "setup: laptops that skipped the pre-work clone, run `doctor` and fix what it says"),
        (demo, "live demo of step 1: build, change one line, rebuild (every dependency again)"),
    ]


def exercise_row(s: Slot) -> tuple[int, str]:
    return s.block, f"{link(s.step)}: demo {EXERCISE_DEMO}, work and checks {s.minutes}, discussion {DISCUSSION}"


def two_hour_plan(slots: list[Slot], demo: int) -> tuple[list[tuple[int, str]], list[str]]:
    """The agenda and the exercises left out: those that fit go in, chosen in WORKSHOP_PRIORITY's order, listed
    in the series' order."""
    chosen, used = [], INTRODUCTION + SETUP + demo + BREAK + WRAP_UP
    order = [*WORKSHOP_PRIORITY, *(s.step for s in slots if s.step not in WORKSHOP_PRIORITY)]
    for s in sorted(slots, key=lambda s: order.index(s.step)):
        if used + s.block <= TWO_HOURS:
            chosen.append(s)
            used += s.block
    picked = [s for s in slots if s in chosen]
    # The break where the exercises are half done.
    starts, half = list(itertools.accumulate(s.block for s in picked)), sum(s.block for s in picked) / 2
    middle = next((i for i, s in enumerate(picked) if i and starts[i] - s.block / 2 > half), len(picked))
    rows = [
        *opening(demo), *map(exercise_row, picked[:middle]), (BREAK, "break"), *map(exercise_row, picked[middle:]),
        (WRAP_UP, "wrap-up: what the final result adds, questions, where to go next"),
    ]
    return rows, [s.step.name for s in slots if s not in chosen]


def half_day_plan(slots: list[Slot], demo: int) -> tuple[list[tuple[int, str]], list[str]]:
    """The agenda, and the electives left out: the longest go first until the rest fits."""
    longest_first = sorted((s for s in slots if s.step not in WORKSHOP_CORE), key=lambda s: s.minutes, reverse=True)
    for n in range(len(longest_first) + 1):
        rows = half_day_rows([s for s in slots if s not in longest_first[:n]], demo)
        if sum(minutes for minutes, _ in rows) <= HALF_DAY or n == len(longest_first):
            return rows, [s.step.name for s in longest_first[:n]]


def half_day_rows(slots: list[Slot], demo: int) -> list[tuple[int, str]]:
    """The core lessons together, then the electives side by side (each attendee or pair takes one)."""
    blocks = [exercise_row(s) for s in slots if s.step in WORKSHOP_CORE]
    if electives := [s for s in slots if s.step not in WORKSHOP_CORE]:
        longest = max(s.minutes for s in electives)
        blocks.append((ELECTIVES_INTRO + longest + REPORT_BACK, (
            "electives side by side, one per attendee or pair: "
            + ", ".join(f"{link(s.step)} {s.minutes}" for s in electives)
            + f"; presenting them {ELECTIVES_INTRO}, work and checks up to {longest}, reports {REPORT_BACK}"
        )))
    rows = opening(demo)
    since_break = sum(minutes for minutes, _ in rows)
    for minutes, what in [*blocks, (WRAP_UP, "wrap-up: questions, where to go next")]:
        if since_break + minutes > BETWEEN_BREAKS:
            rows.append((HALF_DAY_BREAK, "break"))
            since_break = 0
        rows.append((minutes, what))
        since_break += minutes
    return rows


def guide_section(timings: dict, scoreboard: dict) -> str:
    """The generated section of WORKSHOP.md: the exercises' slots and two agendas."""
    slots = [slot(step, timings, scoreboard) for step in exercises()]
    demo = step_one_demo(scoreboard)
    machines = sorted({
        f"{r['machine']['os']} {r['machine']['arch']} with {r['machine']['cpus']} CPUs, "
        f"base images: {r['machine']['base_images']}"
        for step in exercises() if (r := rehearsed(step, timings))
    })
    lines = ["### Timetable", ""]
    if machines:
        lines += [f"Rehearsed on {'; '.join(machines)}.", ""]
    lines += [
        "| exercise | starts from | work | check, failing | check, cold | check, warm | check times | slot |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for s in slots:
        source = {"rehearsed": f"rehearsed {s.when}", "estimated": "estimated †", "guessed": "guessed ‡"}[s.source]
        checks = " | ".join(duration(seconds, "min", digits=1) for seconds in s.checks_s)
        lines.append(
            f"| {link(s.step)} | `{starting_point(s.step).name}` | {s.work} min{'' if s.work_known else ' ‡'} | "
            f"{checks} | {source} | {s.minutes} min |"
        )
    if pending := [s.step.name for s in slots if s.source != "rehearsed"]:
        per_failing, per_cold, per_warm = estimate_factors(timings, scoreboard)
        guess_failing, guess_cold, guess_warm = (seconds // 60 for seconds in GUESS_S)
        lines += [
            "",
            f"† estimated, not rehearsed yet: the cold builds of the step's images on the scoreboard "
            f"(the lesson's and its variants'), times {per_failing:g} for the failing check, {per_cold:g} "
            f"for the cold one and {per_warm:g} for the warm one"
            + (", the largest ratios the rehearsed exercises showed, rounded up. "
               if any(s.source == "rehearsed" for s in slots) else " (defaults: nothing is rehearsed yet). ")
            + f"‡ guessed: neither rehearsed nor on the scoreboard ({guess_failing}, {guess_cold} and {guess_warm} "
            f"minutes; {DEFAULT_WORK_MINUTES} minutes of work where the notes give none). Replace them with measured "
            f"times on a room machine the day before: `python3 -m tools.workshop rehearse {' '.join(pending)}`.",
        ]
    two_hours, left_out = two_hour_plan(slots, demo)
    half_day, half_day_left_out = half_day_plan(slots, demo)
    return "\n".join([
        *lines,
        "",
        "### Two hours",
        "",
        f"It leaves {TWO_HOURS - sum(minutes for minutes, _ in two_hours)} of {TWO_HOURS} minutes for questions "
        "and delays."
        + (f" Left out for time: {', '.join(left_out)}; fast attendees can take one on." if left_out else ""),
        "",
        *agenda_table(two_hours),
        "",
        "### Half a day",
        "",
        f"All {len(slots)} exercises one after another would need a full day: {sum(s.block for s in slots)} "
        "minutes of exercises alone."
        + (f" Left out for time, the longest first: {', '.join(half_day_left_out)}." if half_day_left_out else ""),
        "",
        *agenda_table(half_day),
        "",
    ])


def room_section(timings: dict) -> str:
    """The room cache's figures in WORKSHOP.md, from `rehearse --room`'s record."""
    measured = timings.get("room")
    if not measured:
        return "Not measured yet: `python3 -m tools.workshop rehearse --room 3` on the host's laptop.\n"
    machine, copies = measured["machine"], measured["copies"]
    through, without = measured["through"], measured["without"]
    per_build = through[-1]["bytes"] / 1e6
    fetched, different = measured["upstream_files"], measured["different_upstream_files"]
    first_only = through[0]["upstream_files"] == fetched
    warm = [r["seconds"] for r in through[1:]]
    overlap = warm and min(warm) <= max(without) and min(without) <= max(warm)
    redirected = sum(r["redirected"] for r in through)
    return "\n".join([
        f"Measured by `python3 -m tools.workshop rehearse --room {copies}` on {machine['os']} {machine['arch']} "
        f"with {machine['cpus']} CPUs (base images: {machine['base_images']}) on {measured['measured'][:10]}, "
        f"with {copies} copies of `{measured['exercise']}`:",
        "",
        "| | " + " | ".join(f"build {n + 1}" for n in range(copies)) + " |",
        "| --- |" + " ---: |" * copies,
        "| without the cache | " + " | ".join(duration(s) for s in without) + " |",
        "| through the cache | " + " | ".join(duration(r["seconds"]) for r in through) + " |",
        "",
        f"Each build makes {through[-1]['files']} downloads ({per_build:.1f} MB) while it installs. Without "
        f"the cache every copy makes them from the index: {copies * per_build:.0f} MB for {copies} copies, "
        f"{ROOM * per_build:.0f} MB for a room of {ROOM}. Through it, the index sent {fetched} files"
        + (", each once" if fetched == different else f" ({different} different)")
        + (", all during the first build; the other copies fetched nothing from the index."
           if first_only else f", {through[0]['upstream_files']} of them during the first build.")
        + (f" The cache sent a laptop to the index {redirected} times." if redirected else "")
        + (" The builds after the first took as long as those without the cache (their times overlap): "
           "on this network the cache saves downloads, not time." if overlap else ""),
        "",
    ])
