"""What fills each kind of section, by its marker's name, and the files generated whole.

Every renderer reads the repository's files and committed data only (no Docker, no
clock), so the same tree always renders the same text.
"""

import difflib
from functools import cached_property
from pathlib import Path

from tools import proofs, readmes, workshop
from tools.readmes import Section
from tools.scoreboard import MARKDOWN_PATH, data, render
from tools.series import REPO, STEPS, Step, starting_point
from tools.workshop import timetable

ROOT_README = REPO / "README.md"


class Sources:
    """The committed data sections are drawn from, each read once per run."""

    @cached_property
    def scoreboard(self) -> dict:
        return data.load()

    @cached_property
    def workshop_timings(self) -> dict:
        return timetable.load_timings()

    @cached_property
    def proofs(self) -> dict:
        return proofs.load()


def step_of(path: Path, section: Section) -> Step:
    if path not in readmes.STEP_OF_README:
        raise ValueError(f"a {section.name} section belongs in a step's README only")
    return readmes.STEP_OF_README[path]


def fenced(language: str, body: str) -> str:
    return f"```{language}\n{body.rstrip()}\n```\n"


def dockerfile(path: Path, section: Section, sources: Sources) -> str:
    """A file of the step's folder, fenced: its Dockerfile unless the marker names another."""
    file_name = section.argument or "Dockerfile"
    language = "dockerfile" if file_name.endswith("Dockerfile") else "text"
    return fenced(language, (step_of(path, section).path / file_name).read_text())


def diff(path: Path, section: Section, sources: Sources) -> str:
    """The step's Dockerfile against its starting point's."""
    step = step_of(path, section)
    before = starting_point(step)
    if before is None:
        raise ValueError(f"{step.name} builds on no step: its README can have no diff section")
    old = (before.path / "Dockerfile").read_text().splitlines(keepends=True)
    new = (step.path / "Dockerfile").read_text().splitlines(keepends=True)
    lines = "".join(difflib.unified_diff(old, new, f"{before.folder}/Dockerfile", f"{step.folder}/Dockerfile"))
    return fenced("diff", lines) if lines else f"The Dockerfile is the same as in `{before.folder}`.\n"


def scoreboard(path: Path, section: Section, sources: Sources) -> str:
    """The root shows every image measured, a step's README its own (and, with an argument,
    that other image's row from the same run, compared)."""
    if path == ROOT_README:
        return render.root_section(sources.scoreboard)
    return render.step_section(sources.scoreboard, step_of(path, section).name, section.argument)


def folder_link(step: Step) -> str:
    if step.folder == ".":
        return "[Final result](#final-result)"  # the root README's section of that name
    readme = step.path / "README.md"
    return f"[{readmes.title(readme)}]({readme.relative_to(REPO).as_posix()})"


def lesson(step: Step) -> str:
    if not step.summary:
        raise ValueError(f"{step.name} has no summary in tools/series.py: add its lesson in a line")
    return step.summary


def steps(path: Path, section: Section, sources: Sources) -> str:
    """A row per entry of tools/series.py, in its order: the step's README by its title (the final result's
    section of the root README), and its `summary`."""
    rows = [f"| {folder_link(step)} | {lesson(step)} |" for step in STEPS]
    return "\n".join(["| folder | lesson |", "| --- | --- |", *rows]) + "\n"


RENDERERS = {
    "dockerfile": dockerfile,
    "diff": diff,
    "scoreboard": scoreboard,
    "proofs": lambda path, section, sources: proofs.section(step_of(path, section), sources.proofs),
    "workshop-timings": lambda path, section, sources: timetable.guide_section(
        sources.workshop_timings, sources.scoreboard
    ),
    "room-cache": lambda path, section, sources: timetable.room_section(sources.workshop_timings),
    "steps": steps,
    "servers": lambda path, section, sources: render.servers_section(sources.scoreboard),
}
# The sections that belong in one file only.
HOMES = {"workshop-timings": workshop.GUIDE, "room-cache": workshop.GUIDE, "steps": ROOT_README, "servers": ROOT_README}

# Files written whole from the data, with no markers.
WHOLE_FILES = {MARKDOWN_PATH: lambda sources: render.document(sources.scoreboard)}


def render_section(path: Path, section: Section, sources: Sources) -> str:
    if section.name not in RENDERERS:
        raise ValueError(f"no section is called {section.name!r}; known: {', '.join(RENDERERS)}")
    if HOMES.get(section.name, path) != path:
        raise ValueError(f"a {section.name} section belongs in {HOMES[section.name].relative_to(REPO)} only")
    return RENDERERS[section.name](path, section, sources)
