"""What fills each kind of section, by its marker's name, and the files generated whole.

Every renderer reads the repository's files and committed data only (no Docker, no
clock), so the same tree always renders the same text.
"""

from functools import cached_property
from pathlib import Path

from tools import proofs, readmes, workshop
from tools.docs import steps_table
from tools.readmes import Section
from tools.scoreboard import MARKDOWN_PATH, data, render
from tools.series import REPO, STEPS, Step
from tools.workshop import timetable

ROOT_README = REPO / "README.md"
STEP_OF = {step.path / "README.md": step for step in STEPS}


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
    if path not in STEP_OF:
        raise ValueError(f"a {section.name} section belongs in a step's README only")
    return STEP_OF[path]


def only_in(path: Path, home: Path, section: Section) -> None:
    if path != home:
        raise ValueError(f"a {section.name} section belongs in {home.relative_to(REPO)} only")


def dockerfile(path: Path, section: Section, sources: Sources) -> str:
    return readmes.dockerfile_section(step_of(path, section), section.argument)


def diff(path: Path, section: Section, sources: Sources) -> str:
    return readmes.diff_section(step_of(path, section))


def scoreboard(path: Path, section: Section, sources: Sources) -> str:
    """The root shows every image measured, a step's README its own (and, with an argument,
    that other image's row from the same run, compared)."""
    if path == ROOT_README:
        return render.root_section(sources.scoreboard)
    return render.step_section(sources.scoreboard, step_of(path, section).name, section.argument)


def proven(path: Path, section: Section, sources: Sources) -> str:
    return proofs.section(step_of(path, section), sources.proofs)


def workshop_timings(path: Path, section: Section, sources: Sources) -> str:
    only_in(path, workshop.GUIDE, section)
    return timetable.guide_section(sources.workshop_timings, sources.scoreboard)


def servers(path: Path, section: Section, sources: Sources) -> str:
    only_in(path, ROOT_README, section)
    return render.servers_section(sources.scoreboard)


def steps(path: Path, section: Section, sources: Sources) -> str:
    only_in(path, ROOT_README, section)
    return steps_table.render()


RENDERERS = {
    "dockerfile": dockerfile,
    "diff": diff,
    "scoreboard": scoreboard,
    "proofs": proven,
    "workshop-timings": workshop_timings,
    "steps": steps,
    "servers": servers,
}

# Files written whole from the data, with no markers.
WHOLE_FILES = {MARKDOWN_PATH: lambda sources: render.document(sources.scoreboard)}


def render_section(path: Path, section: Section, sources: Sources) -> str:
    if section.name not in RENDERERS:
        raise ValueError(f"no section is called {section.name!r}; known: {', '.join(RENDERERS)}")
    return RENDERERS[section.name](path, section, sources)
