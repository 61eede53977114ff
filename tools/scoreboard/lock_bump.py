"""A lock-change rebuild's change: one dependency moved to its previous release in every
lock file of a folder, hashes included, as re-locking and re-exporting would write it."""

import json
import re
import urllib.request
from pathlib import Path

from tools.scoreboard.deadline import Deadline

# The dependency a lock-change rebuild moves to its previous release: small, pure
# Python, in every lock of the series, and pinned by no pyproject.toml (a transitive
# dependency), so Poetry still finds its lock fresh.
LOCK_BUMP = "idna"
# Files that pin it: Poetry's lock, exported or hand-made requirements, pipenv's lock.
LOCK_FILES = ("poetry.lock", "requirements.txt", "alternatives/requirements.txt", "alternatives/Pipfile.lock")
_SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


def _version_key(version: str) -> tuple:
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


def release_version(filename: str) -> str | None:
    """3.19 from idna-3.19-py3-none-any.whl or idna-3.19.tar.gz."""
    if not filename.startswith(LOCK_BUMP + "-"):
        return None
    rest = filename.removeprefix(LOCK_BUMP + "-")
    return rest.split("-")[0] if rest.endswith(".whl") else rest.removesuffix(".tar.gz").removesuffix(".zip")


def previous_release(version: str, deadline: Deadline) -> tuple[str, dict[str, str]] | None:
    """The release before `version` and its {file name: sha256}, from the JSON (PEP 691) of pip's
    built-in index (`PyPI.simple_url`; PIP_INDEX_URL and pip.conf are not read); None if there is none."""
    try:
        from pip._internal.models.index import PyPI
        index = PyPI.simple_url
    except ImportError:
        index = "https://pypi.org/simple/"
    request = urllib.request.Request(index.rstrip("/") + f"/{LOCK_BUMP}/", headers={"Accept": _SIMPLE_JSON})
    with urllib.request.urlopen(request, timeout=deadline.left(30)) as response:
        files = [f for f in json.load(response)["files"] if not f.get("yanked")]
    by_version: dict[str, dict[str, str]] = {}
    for f in files:
        found = release_version(f["filename"])
        if found and -1 not in _version_key(found):
            by_version.setdefault(found, {})[f["filename"]] = f["hashes"]["sha256"]
    older = [v for v in by_version if _version_key(v) < _version_key(version)]
    if not older:
        return None
    new = max(older, key=_version_key)
    return new, by_version[new]


_POETRY_PACKAGE = re.compile(
    rf'(\[\[package\]\]\nname = "{LOCK_BUMP}"\nversion = ")([^"]+)(".*?\nfiles = \[\n)(.*?)(\n\])', re.S
)
_REQUIREMENT = re.compile(rf"(?im)^({LOCK_BUMP}==)([^\s;\\]+)([^\n\\]*)((?:\s*\\\n\s+--hash=\S+)*)")


def bump_lock(folder: Path, deadline: Deadline, blank_lines: int = 0) -> dict | None:
    """Moves LOCK_BUMP to its previous release in each of LOCK_FILES in `folder` that pins it; None when none
    does or it has no earlier release. `blank_lines` more at the end of each file make a repeat's files new to
    Docker's layer cache, which would otherwise replay the first repeat's build in no time."""
    found = {}
    for relative in LOCK_FILES:
        path = folder / relative
        if not path.is_file():
            continue
        text = path.read_text()
        if relative.endswith("Pipfile.lock"):
            entry = json.loads(text).get("default", {}).get(LOCK_BUMP)
            if entry:
                found[relative] = entry["version"].lstrip("=")
        elif match := (_POETRY_PACKAGE if relative.endswith("poetry.lock") else _REQUIREMENT).search(text):
            found[relative] = match.group(2)
    if not found:
        return None
    old = next(iter(found.values()))
    previous = previous_release(old, deadline)
    if previous is None:
        return None
    new, files = previous
    listed = ",\n".join(f'    {{file = "{file}", hash = "sha256:{digest}"}}' for file, digest in files.items())
    hashes = "".join(f" \\\n    --hash=sha256:{digest}" for digest in files.values())
    for relative in found:
        path = folder / relative
        text = path.read_text()
        if relative.endswith("Pipfile.lock"):
            lock = json.loads(text)
            lock["default"][LOCK_BUMP].update(version=f"=={new}", hashes=[f"sha256:{sha}" for sha in files.values()])
            text = json.dumps(lock, indent=4) + "\n"
        elif relative.endswith("poetry.lock"):
            text = _POETRY_PACKAGE.sub(lambda m: m[1] + new + m[3] + listed + "," + m[5], text, count=1)
        else:
            text = _REQUIREMENT.sub(lambda m: m[1] + new + m[3].rstrip() + (hashes if m[4] else ""), text, count=1)
        path.write_text(text + "\n" * blank_lines)
    return {"package": LOCK_BUMP, "from": old, "to": new}

