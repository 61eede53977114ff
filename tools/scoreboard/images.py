"""Which images the scoreboard measures, and what identifies what each was built from."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from tools.series import Step, Variant

IMAGE_REPOSITORY = "dockerizing-python-scoreboard"


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


_CACHE_MOUNT = re.compile(r"--mount=\S*\btype=cache\b")


def uses_cache_mounts(dockerfile: Path) -> bool:
    return bool(_CACHE_MOUNT.search(dockerfile.read_text()))


# Parser directives change the build, unlike other comments.
DIRECTIVE = re.compile(r"#\s*(syntax|escape|check)\s*=", re.I)


def dockerfile_digest(path: Path) -> str:
    """SHA-256 of what a Dockerfile builds: comments and blank lines change no image, so a
    reworded comment does not ask for a new measurement; nor does a Windows line ending."""
    lines = path.read_text().replace("\r\n", "\n").splitlines()
    kept = [line for line in lines if line.strip() and (not line.lstrip().startswith("#") or DIRECTIVE.match(line))]
    return hashlib.sha256("\n".join(kept).encode()).hexdigest()
