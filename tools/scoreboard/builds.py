"""Build timings of one image: cold, cache mounts warm, no change, app change, lock change. The rebuilds
start from the folder the builds from scratch left, in that order, so each finds the layer cache and the
cache mounts as a developer's machine would."""

import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tools import docker_cli
from tools.durations import duration
from tools.scoreboard import IMAGE_REPOSITORY
from tools.scoreboard.lock_bump import LOCK_BUMP, bump_lock
from tools.scoreboard.session import Session


@dataclass
class FromScratch:
    cache_mounts: bool
    cold: list[float] = field(default_factory=list)
    # Rebuilds with every layer dropped but the cache mounts warm: none without cache mounts.
    warm: list[float] = field(default_factory=list)
    context_bytes: list[int] = field(default_factory=list)
    folder: Path | None = None  # the copy built last, where the rebuilds start


def _build_fresh_copy(session: Session, **options) -> tuple[Path, docker_cli.Build]:
    folder = session.scratch.copy(session.image.step.path, fresh_mtimes=True)
    return folder, session.scratch.build(folder, session.image, session.image.tag, session.deadline, **options)


def _every_run_ran(session: Session, build: docker_cli.Build) -> None:
    """A build from scratch runs every RUN; one that did not makes its time meaningless."""
    if reused := [i.text for i in build.log.instructions if i.cached and i.text.startswith("RUN")]:
        session.warn(f"{session.phase} took these from the cache: {reused}")


def from_scratch(session: Session) -> FromScratch:
    """Cold builds with the cache mounts emptied; with cache mounts, each followed by a
    rebuild with the layer cache dropped."""
    image, deadline = session.image, session.deadline
    dockerfile = (image.step.path / image.dockerfile).read_text()
    result = FromScratch(cache_mounts=bool(re.search(r"--mount=\S*\btype=cache\b", dockerfile)))
    for attempt in session.attempts("cold build"):
        docker_cli.docker("builder", "prune", "--force", "--filter", "type=exec.cachemount", timeout=deadline.left(120))
        result.folder, build = _build_fresh_copy(session, no_cache=True)
        result.cold.append(build.seconds)
        result.context_bytes.append(build.log.context_bytes)
        session.say(f"{session.phase}: {duration(build.seconds)}, context {build.log.context_bytes} B")
        _every_run_ran(session, build)
        if result.cache_mounts:
            # BuildKit's --no-cache ignores cache mounts too; dropping the layer cache (images
            # stay) runs every instruction again with the mounts as the cold build left them.
            session.phase = session.phase_of("rebuild from scratch, cache mounts warm", attempt)
            docker_cli.remove_image(image.tag)
            docker_cli.docker(
                "builder", "prune", "--force", "--all", "--filter", "type=regular", timeout=deadline.left(120)
            )
            result.folder, build = _build_fresh_copy(session)
            result.warm.append(build.seconds)
            session.say(f"{session.phase}: {duration(build.seconds)}")
            _every_run_ran(session, build)
    return result


def without_change(session: Session, folder: Path) -> list[float]:
    """The same build again, nothing changed: seconds per rebuild."""
    seconds = []
    for _ in session.attempts("rebuild without change"):
        build = session.scratch.build(folder, session.image, session.image.tag, session.deadline)
        seconds.append(build.seconds)
        session.say(f"{session.phase}: {duration(build.seconds)}")
    return seconds


def _build_copy(session: Session, copy: Path) -> docker_cli.Build:
    """Build a changed copy under a throwaway tag, then remove both."""
    tag = f"{IMAGE_REPOSITORY}/scratch:{uuid.uuid4().hex[:12]}"
    build = session.scratch.build(copy, session.image, tag, session.deadline)
    docker_cli.remove_image(tag)
    shutil.rmtree(copy)
    return build


@dataclass
class AppChange:
    seconds: list[float] = field(default_factory=list)
    # The last rebuild's instructions that ran, as BuildKit timed them.
    steps: list[dict] = field(default_factory=list)
    # Per rebuild whose log shows the step's dependency install: whether it ran again.
    reinstalled: list[bool] = field(default_factory=list)


def after_app_change(session: Session, folder: Path) -> AppChange:
    """Rebuilds of copies with one comment line appended to the app's source."""
    step, result = session.image.step, AppChange()
    for _ in session.attempts("rebuild after a one-line app change"):
        copy = session.scratch.copy(folder)
        with open(copy / step.app_source, "a") as source:
            source.write(f"# a one-line change to the app ({uuid.uuid4().hex[:8]})\n")
        build = _build_copy(session, copy)
        result.seconds.append(build.seconds)
        result.steps = [
            {"instruction": " ".join(i.text.split())[:120], "seconds": i.seconds}
            for i in build.log.instructions if not i.cached
        ]
        if installs := build.log.matching(step.dependency_install):
            result.reinstalled.append(any(not install.cached for install in installs))
        session.say(f"{session.phase}: {duration(build.seconds)}")
    return result


@dataclass
class LockChange:
    seconds: list[float] = field(default_factory=list)
    # Packages each rebuild downloaded; None where the installer's log does not say.
    downloads: list[int | None] = field(default_factory=list)
    bumped: dict | None = None  # the package, from and to which version


def after_lock_change(session: Session, folder: Path) -> LockChange:
    """Rebuilds of copies with LOCK_BUMP at its previous release; none if no lock pins it."""
    step, result = session.image.step, LockChange()
    for attempt in session.attempts("rebuild after one dependency changed version"):
        copy = session.scratch.copy(folder)
        result.bumped = bump_lock(copy, session.deadline, blank_lines=attempt - 1)
        if result.bumped is None:
            session.say(f"no lock file pins {LOCK_BUMP}: no lock-change rebuild")
            shutil.rmtree(copy)
            break
        build = _build_copy(session, copy)
        result.seconds.append(build.seconds)
        counts = [i.downloads() for i in build.log.matching(step.dependency_install) if not i.cached]
        result.downloads.append(sum(counts) if counts and None not in counts else None)
        bumped = result.bumped
        session.say(f"{session.phase} ({bumped['package']} {bumped['from']} -> {bumped['to']}): "
                    f"{duration(build.seconds)}, {result.downloads[-1]} package(s) downloaded")
    return result
