"""Build-time work that saves run-time and rebuild time: bytecode and the installer's cache mount."""

import json
import re
import uuid
from pathlib import Path

import pytest

from container_facts import in_image, list_dir
from dockerfiles import instructions
from tools import docker_cli
from tools.scoreboard.deadline import Deadline
from tools.scoreboard.lock_bump import bump_lock

# Imports the modules named, then lists each module that import loaded from a .py file
# without a current .pyc (one whose header matches the source): Python would compile it.
_BYTECODE = r"""
import sys
before = set(sys.modules)
for name in sys.argv[1:]:
    __import__(name)
loaded = set(sys.modules) - before
import importlib.util, json, os

def current(source):
    try:
        with open(importlib.util.cache_from_source(source), "rb") as pyc:
            header = pyc.read(16)
    except OSError:
        return False
    if header[:4] != importlib.util.MAGIC_NUMBER:
        return False
    if int.from_bytes(header[4:8], "little") & 1:  # checked against the source's hash
        with open(source, "rb") as code:
            return header[8:16] == importlib.util.source_hash(code.read())
    stat = os.stat(source)
    return header[8:16] == (int(stat.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little") + (
        stat.st_size & 0xFFFFFFFF).to_bytes(4, "little")

origins = [getattr(getattr(sys.modules[name], "__spec__", None), "origin", None) for name in loaded]
sources = [origin for origin in origins if origin and origin.endswith(".py")]
print(json.dumps({"loaded": len(sources), "uncompiled": sorted(s for s in sources if not current(s))}))
"""
_CACHE_TARGET = re.compile(r"--mount=\S*\btype=cache\b\S*?\btarget=([^,\s]+)")


@pytest.mark.applies_to("bytecode")
def test_bytecode_is_compiled_at_build_time(step, image):
    found = json.loads(in_image(image, "python3", "-c", _BYTECODE, *step.bytecode))
    assert found["loaded"], f"{step.name}: importing {step.bytecode} loaded no module from a .py file"
    assert not found["uncompiled"], (
        f"{step.name}: {len(found['uncompiled'])} of the {found['loaded']} modules that importing "
        f"{', '.join(step.bytecode)} loads from .py files have no current .pyc in the image, "
        f"{found['uncompiled'][:3]} among them: run compileall at build time"
    )


@pytest.mark.applies_to("bytecode")
def test_a_file_that_does_not_compile_fails_the_build(step, images, step_copy, scratch_tag):
    images.get(step)  # only the last layers build again
    source = step_copy / step.app_source
    source.write_text(source.read_text() + f"\ndef broken({uuid.uuid4().hex}:\n")
    with pytest.raises(docker_cli.BuildFailed) as failed:
        docker_cli.build(step_copy, scratch_tag())
    assert "SyntaxError" in failed.value.log.text, (
        f"{step.name}: the build failed, but not on the syntax error:\n{failed.value.log.failure()}"
    )


@pytest.mark.applies_to("cache_mount")
def test_cache_mount_stays_out_of_the_image(step, images, image):
    installs = images.get(step).log.matching(step.dependency_install)
    without_mount = [i.text for i in installs if not _CACHE_TARGET.search(i.text)]
    assert installs and not without_mount, (
        f"{step.name}: the dependency install runs without a cache mount: {without_mount}"
    )
    for target in {_CACHE_TARGET.search(i.text).group(1) for i in installs}:
        cached = list_dir(image, target)
        assert not cached, f"{step.name}: the image holds the cache at {target}: {cached[:5]}"


@pytest.fixture
def private_cache(step, step_copy):
    """The step's copy with cache mounts of its own, empty at first, so that what a test
    counts depends on no earlier build (nor on another run emptying the engine's mounts).
    The engine offers no way to remove one cache mount by its id: BuildKit's garbage
    collection reclaims them, and `docker builder prune` does at once."""
    mark = f"test-{uuid.uuid4().hex[:12]}"
    dockerfile = step_copy / "Dockerfile"
    mounts = iter(range(100))
    dockerfile.write_text(re.sub(
        r"--mount=type=cache,", lambda _: f"--mount=type=cache,id={mark}-{next(mounts)},",
        dockerfile.read_text(),
    ))
    return step_copy


def install_runs(step, build) -> list:
    installs = [i for i in build.log.matching(step.dependency_install) if not i.cached]
    assert installs, f"{step.name}: the build did not run the dependency install"
    return installs


def bust_the_layer_cache(folder: Path) -> None:
    """A new environment variable at the top of the final stage: every RUN below it
    runs again, while the cache mounts stay as earlier builds left them. (`--no-cache`
    would hand every RUN an empty cache mount.)"""
    dockerfile = folder / "Dockerfile"
    lines = dockerfile.read_text().splitlines(keepends=True)
    last_from = max(n for n, line in enumerate(lines) if re.match(r"FROM\s", line, re.I))
    lines.insert(last_from + 1, f"ENV REBUILD={uuid.uuid4().hex}\n")
    dockerfile.write_text("".join(lines))


@pytest.mark.applies_to("hashed_requirements")
@pytest.mark.reads("cache_reused", "cache_mount")
def test_rebuild_from_scratch_and_the_download_cache(step, private_cache, scratch_tag):
    """With a cache that works, a rebuild of the install downloads no package; without one,
    it downloads packages again."""
    if step.cache_mount and not step.cache_reused:
        pytest.skip("pip's cache mount: what it keeps depends on the index's caching headers")
    # The first build fills the cache, if there is one (else it may come from the layer cache).
    first = docker_cli.build(private_cache, scratch_tag())
    if step.cache_reused:
        assert sum(i.downloads() or 0 for i in install_runs(step, first)), (
            f"{step.name}: the first build downloaded nothing"
        )
    bust_the_layer_cache(private_cache)
    installs = install_runs(step, docker_cli.build(private_cache, scratch_tag()))
    downloaded = [install.downloads() for install in installs]
    assert None not in downloaded, f"{step.name}: no pip or uv output in {[i.text for i in installs]}"
    output = "\n".join(line for install in installs for line in install.output)
    if step.cache_reused:
        assert sum(downloaded) == 0, (
            f"{step.name}: downloaded {sum(downloaded)} package(s) again despite the cache mount:\n{output}"
        )
    else:
        assert sum(downloaded) > 0, f"{step.name}: a rebuild of the install downloaded nothing:\n{output}"


@pytest.mark.applies_to("cache_reused")
def test_lock_change_downloads_only_the_changed_package(step, private_cache, scratch_tag):
    install_runs(step, docker_cli.build(private_cache, scratch_tag()))  # fills the cache
    bumped = bump_lock(private_cache, Deadline(60))
    assert bumped, f"{step.name}: no lock file to change a dependency in"
    installs = install_runs(step, docker_cli.build(private_cache, scratch_tag()))
    downloaded = sum(install.downloads() or 0 for install in installs)
    assert downloaded == 1, (
        f"{step.name}: after {bumped['package']} {bumped['from']} -> {bumped['to']}, the install "
        f"downloaded {downloaded} packages, not just that one:\n"
        + "\n".join(line for install in installs for line in install.output)
    )


@pytest.mark.applies_to("leaves_out")
def test_variant_leaves_out_one_lesson_and_nothing_else(step, variant):
    lesson = instructions((step.path / "Dockerfile").read_text())
    expected = [line for line in lesson if not re.search(variant.leaves_out, line)]
    assert instructions((step.path / variant.dockerfile).read_text()) == expected, (
        f"{step.name}: {variant.dockerfile} must be the Dockerfile without the instructions "
        f"matching {variant.leaves_out!r}, so that the scoreboard compares the lesson alone"
    )
