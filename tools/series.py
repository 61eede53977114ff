"""What each folder of the series teaches, as facts the generic tests check.

A new step needs a folder and an entry here, not a new test module.
"""

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Variant:
    """Another image built from a step's folder: a second Dockerfile or a build target."""

    name: str  # short, used in image tags and tables: "slim", "alt-uv"
    dockerfile: str = "Dockerfile"
    target: str | None = None
    base: str = "python:3.11"


@dataclass(frozen=True)
class Step:
    folder: str  # folder name, "." for the final result at the root
    answer: str  # what GET / names
    base: str = "python:3.11"
    # Size the step may add over its base image (requirement, not a measurement).
    max_added_mb: int = 100
    # Regex matching the Dockerfile instructions that install third-party packages.
    dependency_install: str = r"pip install -r"
    # File whose one-line edit stands for "the app changed".
    app_source: str = "dockerizing_python/main.py"
    # Flaws a later step fixes (True = this step still has the flaw).
    code_change_reinstalls_dependencies: bool = False
    server_runs_as_root: bool = False
    junk_reaches_image: bool = False
    # Where the app lives inside the image.
    workdir: str = "/app"
    variants: tuple[Variant, ...] = ()

    @property
    def path(self) -> Path:
        return REPO / self.folder

    @property
    def name(self) -> str:
        return "final" if self.folder == "." else self.folder


STEPS = [
    Step(
        folder="step-1-kiss-requirements",
        answer="step-1-kiss-requirements",
        max_added_mb=80,
        code_change_reinstalls_dependencies=True,
        server_runs_as_root=True,
        junk_reaches_image=True,
    ),
]

BY_NAME = {step.name: step for step in STEPS}
