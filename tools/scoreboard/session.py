"""One image being measured: what every phase works with, and the folders, images and
containers it made, all removed afterwards."""

import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tools import docker_cli
from tools.scoreboard import Image
from tools.scoreboard.deadline import Deadline

# A developer's local clutter, absent from a clean checkout: never part of a measurement.
CLUTTER = (".venv*", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache")


class Scratch:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="scoreboard-"))
        self.tags: list[str] = []
        self.containers: list[docker_cli.Container] = []

    def copy(self, source: Path, fresh_mtimes: bool = False) -> Path:
        """A copy of a folder without local clutter. BuildKit sends only what changed since the last context
        it received: `fresh_mtimes` makes it send, and report, the whole context (the layer cache ignores them)."""
        folder = self.root / uuid.uuid4().hex[:12]
        shutil.copytree(
            source, folder, ignore=shutil.ignore_patterns(*CLUTTER), symlinks=True,
            copy_function=shutil.copy if fresh_mtimes else shutil.copy2,
        )
        return folder

    def build(self, folder: Path, image: Image, tag: str, deadline: Deadline, **options) -> docker_cli.Build:
        self.tags.append(tag)
        return docker_cli.build(folder, tag, image.dockerfile, image.target, timeout=deadline.left(), **options)

    def run(self, image: Image, env: dict[str, str] | None = None) -> docker_cli.Container:
        container = docker_cli.run(image.tag, env)
        self.containers.append(container)
        return container

    def clean(self) -> None:
        for container in self.containers:
            container.remove()
        for tag in dict.fromkeys(self.tags):
            docker_cli.remove_image(tag)
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Session:
    image: Image
    repeat: int
    deadline: Deadline
    say: Callable[[str], None]
    scratch: Scratch = field(default_factory=Scratch)
    # Where the measurement is: a failure is recorded with it.
    phase: str = "base image"
    warnings: list[str] = field(default_factory=list)

    def attempts(self, what: str) -> Iterator[int]:
        """1 to `repeat`, each attempt the current phase."""
        for attempt in range(1, self.repeat + 1):
            self.phase = self.phase_of(what, attempt)
            yield attempt

    def phase_of(self, what: str, attempt: int) -> str:
        return f"{what} {attempt}/{self.repeat}"

    def warn(self, warning: str) -> None:
        self.warnings.append(warning)
        self.say(f"warning: {warning}")
