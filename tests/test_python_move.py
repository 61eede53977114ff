"""The image runs its base's Python, and every package its requirements file pins is installed.

Poetry's export writes the lock's Python range into a marker on every requirement
(`python_version == "3.11"`). On another Python pip and uv skip each such line and exit 0,
so in the final result and the extras on it (which never install the project itself) a
move that changes only `FROM` builds an image with none of the app's packages.
"""

import json
import re

import pytest

from container_facts import in_image
from tools import docker_cli, workshop
from tools.series import python_version, starting_point

# Each `name==version` of the requirements file, the image's installed version of it, and
# whether its marker holds on the image's Python (pip's own copy of packaging evaluates it).
_PINNED = r"""
import json, re, sys, importlib.metadata as metadata
from pip._vendor.packaging.markers import Marker
pinned, missing, false_markers = 0, [], set()
for line in open(sys.argv[1]).read().replace("\\\n", " ").splitlines():
    found = re.match(r"\s*([A-Za-z0-9][\w.-]*)(?:\[[^]]*\])?==([^\s;]+)\s*(?:;\s*(.*?))?\s*(?:--hash|$)", line)
    if not found:
        continue
    pinned += 1
    name, version, marker = found.groups()
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError:
        installed = None
    if installed != version:
        missing.append(f"{name}=={version}" + (f" ({installed} installed)" if installed else ""))
        if marker and not Marker(marker).evaluate():
            false_markers.add(marker)
python = "%d.%d" % sys.version_info[:2]
print(json.dumps({"python": python, "pinned": pinned, "missing": missing, "false_markers": sorted(false_markers)}))
"""


def not_installed(image: str, requirements: str) -> str | None:
    """What of `requirements` (a path in the image) is not installed as pinned, and why; None if all is."""
    found = json.loads(in_image(image, "python", "-c", _PINNED, requirements))
    missing = found["missing"]
    if found["pinned"] == 0:
        return f"{requirements} pins no package"
    if not missing:
        return None
    problem = (
        f"{len(missing)} of the {found['pinned']} packages {requirements} pins are not installed "
        f"on Python {found['python']}: {', '.join(missing)}"
    )
    if found["false_markers"]:
        problem += (
            f". Their markers ({', '.join(found['false_markers'])}) are false on this Python, so the "
            f"installer skipped them without an error: lock and export again for Python {found['python']}"
        )
    return problem


@pytest.mark.reads("base")
def test_the_image_runs_its_base_python(step, image):
    running = in_image(image, "python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])")
    assert running == python_version(step.base), f"{step.name}: its image runs Python {running}, not {step.base}'s"


@pytest.mark.applies_to("hashed_requirements")
def test_every_pinned_package_is_installed(step, image):
    problem = not_installed(image, step.hashed_requirements)
    assert problem is None, f"{step.name}: {problem}"


@pytest.mark.applies_to("python_moved")
def test_changing_only_from_builds_an_image_without_the_packages(step, tmp_path, scratch_tag):
    """The trap this lesson walks around: the starting point with only its base moved still builds."""
    before = starting_point(step)
    copy = tmp_path / before.name
    workshop.copy_app(before, copy)
    dockerfile = copy / "Dockerfile"
    old = dockerfile.read_text()
    new = re.sub(rf"^FROM {re.escape(before.base)}$", f"FROM {step.base}", old, count=1, flags=re.M)
    assert new != old, f"{before.name}'s Dockerfile has no `FROM {before.base}` line to move"
    dockerfile.write_text(new)
    tag = scratch_tag()
    docker_cli.build(copy, tag)  # raises, with the failed instruction's output, if the move fails loudly instead
    problem = not_installed(tag, before.hashed_requirements)
    assert problem and "markers" in problem, (
        f"{before.name} with only `FROM {step.base}`: expected an image without the pinned packages, "
        f"skipped for their markers; found {problem or 'every package installed'}"
    )
    assert "fastapi==" in problem, problem
