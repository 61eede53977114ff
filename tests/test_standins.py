"""The offline stand-ins: faithful where a lesson depends on them, kept while their recipe is unchanged."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from container_facts import in_image
from tools import docker_cli
from tools.series import REPO
from tools.workshop import doctor

STANDINS = REPO / "tools" / "standins"
PYTHON_BASES = ("python:3.11", "python:3.11-slim", "python:3.13")

# Where the image's own Python looks for modules, and every .pyc file in there.
# -B: the probe itself must not write the bytecode it looks for.
_BYTECODE = r"""
stdlib=$(python3 -B -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
pycs() { find "$1" -type f -name '*.pyc'; }
echo "stdlib $(pycs "$stdlib" | wc -l) $(pycs "$stdlib" | head -n 3 | tr '\n' ' ')"
for dir in $(python3 -B -c 'import os, sys; print(*[p for p in sys.path if os.path.isdir(p)])'); do
    echo "path $(find "$dir" -type f -name '*.pyc' | wc -l) $dir"
done
"""


def _is_standin(image: str) -> bool | None:
    """Whether a base image is an offline stand-in; None when it is not present."""
    try:
        return docker_cli.is_standin(image)
    except docker_cli.DockerError:
        return None


@pytest.mark.parametrize("image", PYTHON_BASES)
def test_python_base_ships_its_standard_library_without_bytecode(image):
    if reason := docker_cli.unreachable_reason():
        pytest.skip(f"Docker is needed: {reason}")
    if (standin := _is_standin(image)) is None:
        pytest.skip(f"{image} is not present: tests/run pulls it or builds its stand-in")
    report = in_image(image, "sh", "-c", _BYTECODE).splitlines()
    _, count, *examples = next(line.split() for line in report if line.startswith("stdlib "))
    assert count == "0", (
        f"{image}: its standard library holds {count} .pyc files (e.g. {examples}); the "
        "official image ships none, so extra 2's compileall lesson could not fail on it"
    )
    if standin:
        # The official image deletes its Python's bytecode everywhere, not only the stdlib's.
        left = [line.split(maxsplit=2)[1:] for line in report if line.startswith("path ")]
        left = {folder: int(count) for count, folder in left if count != "0"}
        assert not left, f"{image} (stand-in): .pyc files where the official image has none: {left}"


def _stand_ins_by_decision(standins: Path, images: list[str]) -> dict[str, set[str]]:
    """Which images build.sh in `standins` keeps as current stand-ins, and which it finds stale: a dry run on
    the real engine, which pulls and builds nothing."""
    run = subprocess.run(
        ["bash", str(standins / "build.sh"), *images], env={**os.environ, "STANDINS_DRY_RUN": "1"},
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, f"build.sh failed:\n{run.stderr}"
    said = re.findall(r"^\[standins\] (\S+): (.*)$", run.stderr, re.M)
    return {
        decision: {image for image, message in said if message == wording}
        for decision, wording in (("kept", "stand-in present, built from the current recipe"),
                                  ("stale", "the stand-in's recipe changed since it was built"))
    }


def test_a_standin_is_kept_until_its_recipe_changes(tmp_path):
    if reason := docker_cli.unreachable_reason():
        pytest.skip(f"Docker is needed: {reason}")
    present = {image for image in doctor.base_images() if _is_standin(image)}
    if not present:
        pytest.skip("no base image is a stand-in (pulled, or not present)")
    assert _stand_ins_by_decision(STANDINS, sorted(present)) == {"kept": present, "stale": set()}, (
        "build.sh would replace a stand-in: a recipe changed since it was built? `bash tools/standins/build.sh`"
    )

    pythons = {image for image in present if image.startswith("python:")}
    if not pythons:
        pytest.skip("no python stand-in to make stale")
    changed = tmp_path / "standins"
    shutil.copytree(STANDINS, changed)
    with (changed / "python.Dockerfile").open("a") as dockerfile:
        dockerfile.write("RUN true\n")
    assert _stand_ins_by_decision(changed, sorted(present)) == {"kept": present - pythons, "stale": pythons}, (
        "a changed python.Dockerfile makes the python stand-ins stale, and only them"
    )
