"""What the installed packages declare of each other, and where they install from."""

import tomllib

import pytest

from container_facts import in_image
from tools.series import python_version

# Every requirement an installed distribution declares, extras included, held against
# the version installed of the package it names: a pin below a declared floor works
# only where the package copes with an older version than it asked for.
_BELOW_A_FLOOR = r"""
import json, re, importlib.metadata as metadata
from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.version import Version
normal = lambda name: re.sub(r"[-_.]+", "-", name).lower()
installed = {normal(d.metadata["Name"]): d for d in metadata.distributions()}
found = set()
for dist in installed.values():
    extras = [""] + (dist.metadata.get_all("Provides-Extra") or [])
    for text in dist.requires or []:
        wanted = Requirement(text)
        other = installed.get(normal(wanted.name))
        if other is None or (wanted.marker and not any(wanted.marker.evaluate({"extra": e}) for e in extras)):
            continue
        if not wanted.specifier.contains(Version(other.version), prereleases=True):
            found.add(f"{dist.metadata['Name']} {dist.version} requires {wanted}; {other.version} is installed")
print(json.dumps(sorted(found)))
"""


def test_no_package_is_below_a_floor_another_declares(step, image):
    below = in_image(image, "python", "-c", _BELOW_A_FLOOR)
    assert below == "[]", f"{step.name}: installed below what another installed package declares: {below}"


def _linux_wheels(files: list[dict], cpython: str) -> set[str]:
    """The glibc (manylinux) architectures, or "any", of the lock's wheels of a package tagged
    py2, py3 or this CPython ("cp313"), with the ABI none, abi3 or that CPython's."""
    served = set()
    for entry in files:
        name = entry["file"]
        if not name.endswith(".whl"):
            continue
        python, abi, platform = name[:-4].split("-")[-3:]
        if not ({"py3", "py2", cpython} & set(python.split(".")) and abi in ("none", "abi3", cpython)):
            continue
        for tag in platform.split("."):
            if tag == "any":
                served.add("any")
            elif tag.startswith("manylinux"):
                served.add("x86_64" if tag.endswith("x86_64") else "aarch64" if tag.endswith("aarch64") else "")
    return served - {""}


@pytest.mark.applies_to("production_checks")
@pytest.mark.reads("base")
def test_every_runtime_package_installs_from_a_wheel(step):
    """The lock offers a wheel for linux/amd64 and linux/arm64, on the base's Python, of every
    package the image installs."""
    cpython = "cp" + python_version(step.base).replace(".", "")
    lock = tomllib.loads((step.path / "poetry.lock").read_text())
    missing = []
    for package in lock["package"]:
        if not set(package.get("groups", ["main"])) - {"dev"}:
            continue
        served = _linux_wheels(package.get("files", []), cpython)
        if "any" not in served and not {"x86_64", "aarch64"} <= served:
            missing.append(f"{package['name']} {package['version']} (wheels for {sorted(served) or 'nothing'})")
    assert not missing, f"{step.name}: these compile from source on linux/amd64 or linux/arm64 ({cpython}): {missing}"
