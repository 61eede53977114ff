"""One Python version per folder: its images, its project's range and its exported markers agree.

A move to a newer Python that changes only `FROM` fails to build where a folder installs
itself (its requires-python excludes the new version). Where it does not (the final
result and the extras built on it), the installer skips every requirement whose marker
names the old version, the build succeeds and the image lacks the app's packages (step
1's requirements carry no markers: there `FROM` alone moves it). This fails without a
build, naming the files that disagree with the base.
"""

import re
import tomllib

import pytest
from packaging.markers import Marker
from packaging.specifiers import SpecifierSet

from dockerfiles import instructions
from tools.series import python_version

PYTHON_BASE = re.compile(r"FROM\s+(?:--\S+\s+)*python:(\d+\.\d+)", re.I)
# A requirement line's environment marker: after the version pin, up to a hash option or the end.
MARKER = re.compile(r"^[A-Za-z0-9][^;#\n]*;\s*([^\\\n]+?)\s*\\?$", re.M)


def base_versions(step) -> dict[str, set[str]]:
    """Python's minor version in each Dockerfile's `FROM python:X.Y...` lines."""
    folder = step.path
    # At the root, the final's own Dockerfiles, not the series' folders around it.
    dockerfiles = folder.glob("*Dockerfile") if step.folder == "." else folder.rglob("*Dockerfile")
    found = {}
    for dockerfile in sorted(dockerfiles):
        matches = (PYTHON_BASE.match(line) for line in instructions(dockerfile.read_text()))
        if versions := {match.group(1) for match in matches if match}:
            found[dockerfile.relative_to(folder).as_posix()] = versions
    return found


@pytest.mark.reads("base")
def test_python_version_agrees(step):
    folder = step.path
    bases = base_versions(step)
    versions = set().union(*bases.values())
    assert len(versions) == 1, f"{step.name}: the Dockerfiles start from different Pythons: {bases}"
    [version] = versions
    problems = []
    if version != python_version(step.base):
        problems.append(f"the lesson expects {step.base} (tools/series.py)")
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        requires = tomllib.loads(pyproject.read_text()).get("project", {}).get("requires-python")
        if requires and version not in SpecifierSet(requires):
            problems.append(f"pyproject.toml's requires-python {requires!r} excludes {version}")
        lock = folder / "poetry.lock"
        if requires and lock.is_file():
            locked = tomllib.loads(lock.read_text())["metadata"]["python-versions"]
            if SpecifierSet(locked) != SpecifierSet(requires):
                problems.append(f"poetry.lock was locked for {locked!r}, not {requires!r}: run `poetry lock`")
    for requirements in sorted(folder.glob("*requirements.txt")):
        markers = {text for text in MARKER.findall(requirements.read_text()) if "python" in text}
        false_here = sorted(text for text in markers if not Marker(text).evaluate({"python_version": version}))
        if false_here:
            problems.append(
                f"{requirements.name} carries markers false on Python {version} ({', '.join(false_here)}): "
                "pip would skip those requirements; export it again from the lock"
            )
    assert not problems, f"{step.name}, on python:{version} ({', '.join(bases)}): " + "; ".join(problems)
