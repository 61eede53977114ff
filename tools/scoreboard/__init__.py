"""The scoreboard: every image of the series built, run and measured, never typed.

    python -m tools.scoreboard            # or `bash tools/measure`, which sets up matplotlib

This module says which images are measured; measure.py measures one (builds.py, lock_bump.py, running.py)
within deadline.py's time in a session.py cleaned up after. data.py keeps docs/scoreboard.json, render.py
(pure: a test re-renders the committed JSON) writes its Markdown, chart.py (the only module needing
matplotlib) docs/scoreboard.png, and cli.py ties them together.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from tools.series import REPO, Step, Variant

DOCS = REPO / "docs"
JSON_PATH = DOCS / "scoreboard.json"
MARKDOWN_PATH = DOCS / "scoreboard.md"
CHART_PATH = DOCS / "scoreboard.png"
IMAGE_REPOSITORY = "dockerizing-python-scoreboard"

# How the throughput column is measured (running.py runs it, render.py describes it).
LOAD_WORKERS = 2  # WORKERS in the container's environment
LOAD_THREADS, LOAD_CONNECTIONS = 1, 50  # wrk -t, -c
WARM_UP_S, LOAD_S = 2, 10
# The server rows (the final and its variants): workers retiring under load, and a
# request whose one header is far over any server's limit.
RECYCLE_AFTER, RECYCLE_LOAD_S = 100, 5
OVERSIZED_HEADER_BYTES = 100_000
# Workers for the stop-during-boot sample, so that some still boot when the first answers.
BOOTING_WORKERS = 4


@dataclass(frozen=True)
class Image:
    """One image of the series: a step's Dockerfile, or one of its variants."""

    step: Step
    variant: Variant | None = None

    @property
    def key(self) -> str:
        return self.step.name + (f":{self.variant.name}" if self.variant else "")

    @property
    def dockerfile(self) -> str:
        return self.variant.dockerfile if self.variant else "Dockerfile"

    @property
    def target(self) -> str | None:
        return self.variant.target if self.variant else None

    @property
    def base(self) -> str:
        return self.variant.base if self.variant else self.step.base

    @property
    def tag(self) -> str:
        return f"{IMAGE_REPOSITORY}/{self.step.name}:{self.variant.name if self.variant else 'latest'}"


def measured_images(steps: list[Step]) -> list[Image]:
    """The images of `steps`, in the series' order: each step's own, then its variants."""
    return [Image(step, variant) for step in steps for variant in (None, *step.variants)]


# Parser directives change the build, unlike other comments.
DIRECTIVE = re.compile(r"#\s*(syntax|escape|check)\s*=", re.I)


def dockerfile_digest(path: Path) -> str:
    """SHA-256 of what a Dockerfile builds: comments and blank lines change no image, so a
    reworded comment does not ask for a new measurement; nor does a Windows line ending."""
    lines = path.read_text().replace("\r\n", "\n").splitlines()
    kept = [line for line in lines if line.strip() and (not line.lstrip().startswith("#") or DIRECTIVE.match(line))]
    return hashlib.sha256("\n".join(kept).encode()).hexdigest()
