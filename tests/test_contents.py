"""What the image carries, and what it must not."""

import json
import re
import subprocess
import tomllib

import pytest

from container_facts import find_paths, importable, in_image, read_in_image
from tools import docker_cli
from tools.series import BY_NAME

PYTHON_ENV = {
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
    "PYTHONFAULTHANDLER": "1",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
}


@pytest.mark.applies_to("poetry")
def test_poetry_in_the_image(step, image):
    try:
        installed = in_image(image, "poetry", "--version")
    except docker_cli.DockerError as error:
        pytest.fail(f"{step.name} is meant to ship Poetry, but `poetry --version` fails: {error}",
                    pytrace=False)
    dockerfile = (step.path / "Dockerfile").read_text()
    pin = re.search(r"poetry==([\w.]+)", dockerfile)
    if step.poetry == "unpinned":
        assert not pin, (
            f"{step.name} is meant to show the flaw 'Poetry unpinned' (step 3 pins it), "
            f"but its Dockerfile pins poetry=={pin.group(1)}"
        )
    else:
        assert pin, f"{step.name}: pin Poetry in the Dockerfile (pip install poetry==X.Y.Z)"
        assert pin.group(1) in installed, (
            f"{step.name}: the Dockerfile pins Poetry {pin.group(1)}, the image has {installed}"
        )


_INSTALLED = (
    "import importlib.metadata as m, json; "
    "print(json.dumps([[d.metadata['Name'], d.version] for d in m.distributions()]))"
)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.applies_to("poetry", "hashed_requirements")
def test_installs_the_versions_the_lock_pins(step, image):
    """Every package poetry.lock pins for the main and prod groups, at that version."""
    lock = tomllib.loads((step.path / "poetry.lock").read_text())
    installed: dict[str, set[str]] = {}
    for name, version in json.loads(in_image(image, "python3", "-c", _INSTALLED)):
        installed.setdefault(canonical(name), set()).add(version)
    runtime = {"main", "prod"}
    wrong = {}
    for package in lock["package"]:
        markers = package.get("markers")
        # A package the lock installs only on some platforms, for these groups: not checked.
        conditional = isinstance(markers, str) or (isinstance(markers, dict) and runtime & set(markers))
        if runtime & set(package.get("groups", ["main"])) and not conditional:
            found = installed.get(canonical(package["name"]), set())
            if package["version"] not in found:
                wrong[package["name"]] = f"locked {package['version']}, installed {sorted(found) or 'none'}"
    assert not wrong, f"{step.name} does not install what poetry.lock pins: {wrong}"


# Runs the interpreter named on gunicorn's first line: the app's own Python.
_WITH_THE_APPS_PYTHON = 'exec "$(head -1 "$(command -v gunicorn)" | cut -c3-)" -c "$0"'
_IMPORT_POETRY = "import poetry.console, dockerizing_python.main, poetry; print(poetry.__file__)"


@pytest.mark.applies_to("poetry")
def test_poetry_shares_the_apps_environment(step, image):
    """Poetry's docs: install it apart from any project, never into the project's environment."""
    try:
        where = in_image(image, "sh", "-c", _WITH_THE_APPS_PYTHON, _IMPORT_POETRY)
    except docker_cli.DockerError as error:
        pytest.fail(
            f"{step.name} is meant to show the flaw 'Poetry shares the app's environment' "
            f"(step 4 leaves Poetry behind), but the app's Python cannot import it: {error}",
            pytrace=False,
        )
    assert where.strip(), f"{step.name}: the app's Python found no poetry package"


@pytest.mark.applies_to("absent_paths", "absent_modules")
def test_absent_from_the_image(step, image):
    found = find_paths(image, *step.absent_paths) if step.absent_paths else []
    assert not found, f"{step.name}: these must not be in the image: {found}"
    modules = importable(image, *step.absent_modules) if step.absent_modules else []
    assert not modules, f"{step.name}: these modules are importable in the image: {modules}"


@pytest.mark.applies_to("install_cache")
def test_install_cache_stays_in_the_image(step, image):
    files = in_image(image, "find", step.install_cache, "-type", "f").splitlines()
    assert files, f"{step.name}: {step.install_cache} holds no file in the image"


@pytest.mark.applies_to("hashed_requirements")
def test_requirements_carry_hashes(step, image):
    path = step.hashed_requirements
    assert find_paths(image, path), f"{step.name}: {path} is not in the image"
    # One requirement per logical line: join the backslash continuations.
    logical = read_in_image(image, path).replace("\\\n", " ").splitlines()
    entries = [line for line in logical if line.strip() and not line.lstrip().startswith("#")]
    assert entries, f"{step.name}: {step.hashed_requirements} lists no requirement"
    unhashed = [line.split()[0] for line in entries if "--hash=sha256:" not in line]
    assert not unhashed, f"{step.name}: requirements without a hash: {unhashed}"


# pip commands that install the app or what it needs: from a requirements file,
# the project itself (.) or built wheels. Poetry, installed by version in a
# throwaway export stage, is a build tool and leaves nothing in the image.
_INSTALLS_THE_APP = re.compile(r"pip (install|wheel)\b.*(\s-r\s|\s\.$|/wheels)")
_DOWNLOAD = re.compile(r"\s*(Downloading|Collecting) ")


def unchecked_downloads(log) -> list[str]:
    """What a --no-cache build fetched without checking a hash from the lock."""
    found = [
        f"{i.text}: pip fetched build dependencies into an isolated environment, unhashed"
        for i in log.instructions if any("Installing build dependencies" in line for line in i.output)
    ]
    found += [
        f"{i.text}: {line.strip()}"
        for i in log.instructions
        if _INSTALLS_THE_APP.search(i.text) and "--require-hashes" not in i.text
        for line in i.output if _DOWNLOAD.match(line)
    ]
    return found


@pytest.mark.applies_to("hash_checked_downloads")
@pytest.mark.reads("variants")  # those held to it too
def test_every_download_is_hash_checked(step, scratch_tag):
    """A build from scratch of the Dockerfile (and of each variant held to it)."""
    built = [("Dockerfile", None)] + [
        (variant.dockerfile, variant.target) for variant in step.variants if variant.hash_checked_downloads
    ]
    problems = []
    for dockerfile, target in built:
        log = docker_cli.build(step.path, scratch_tag(), dockerfile, target, no_cache=True).log
        if not any("--require-hashes" in i.text for i in log.instructions):
            problems.append(f"{dockerfile}: no pip command runs with --require-hashes")
        problems += [f"{dockerfile}: {problem}" for problem in unchecked_downloads(log)]
    assert not problems, (
        f"{step.name} downloads files no hash from the lock checks (put the build backend in a "
        "`build` group, export it, install with --no-build-isolation):\n  " + "\n  ".join(problems)
    )


@pytest.mark.applies_to("python_env")
def test_python_environment_variables(step, image):
    env = dict(item.split("=", 1) for item in docker_cli.image_config(image)["Env"])
    wrong = {key: env.get(key) for key, value in PYTHON_ENV.items() if env.get(key) != value}
    assert not wrong, f"{step.name}: expected {PYTHON_ENV} in the image config, got {wrong}"


# What the three Python variables change, seen from outside: no bytecode written next to
# an imported module, a traceback on a crash, and print() reaching `docker logs` while
# the process still runs (a pipe is block-buffered otherwise).
_NO_BYTECODE_WRITTEN = (
    "import os, sys, tempfile; d = tempfile.mkdtemp(); open(f'{d}/probe.py', 'w').close(); "
    "sys.path.insert(0, d); import probe; print(sorted(os.listdir(d)))"
)


@pytest.mark.applies_to("python_env")
def test_python_environment_takes_effect(step, image):
    def python(*args: str, **kwargs) -> subprocess.CompletedProcess:
        command = ["docker", "run", "--rm", "--label", f"{docker_cli.LABEL}=1", "--entrypoint", "python"]
        return subprocess.run([*command, image, *args], capture_output=True, text=True, timeout=60, **kwargs)

    written = python("-c", _NO_BYTECODE_WRITTEN).stdout.strip()
    assert written == "['probe.py']", f"{step.name}: importing a module wrote {written} (PYTHONDONTWRITEBYTECODE)"
    crash = python("-c", "import ctypes; ctypes.string_at(0)")
    assert "Fatal Python error" in crash.stderr and "Current thread" in crash.stderr, (
        f"{step.name}: a segfault printed no Python traceback (PYTHONFAULTHANDLER): {crash.stderr[-500:]!r}"
    )
    container = docker_cli.docker(
        "run", "--detach", "--label", f"{docker_cli.LABEL}=1", "--entrypoint", "python", image,
        "-c", "print('ready'); import time; time.sleep(60)",
    )
    try:
        docker_cli.wait_for(
            lambda: "ready" in docker_cli.docker("logs", container), "print() in docker logs", timeout=10,
        )
    except docker_cli.TimedOut:
        pytest.fail(
            f"{step.name}: print() did not reach `docker logs` while the process ran (PYTHONUNBUFFERED)",
            pytrace=False,
        )
    finally:
        docker_cli.docker("rm", "--force", container)


@pytest.mark.applies_to("smaller_than")
def test_adds_less_than_the_previous_lesson(step, images):
    other = BY_NAME[step.smaller_than]
    added = {
        s.name: docker_cli.image_size(images.get(s).tag) - docker_cli.image_size(s.base)
        for s in (step, other)
    }
    assert added[step.name] < added[other.name], (
        f"{step.name} adds {added[step.name] / 1e6:.0f} MB over its base, "
        f"{other.name} {added[other.name] / 1e6:.0f} MB: it should add less"
    )


def test_the_probe_sees_what_the_image_user_cannot(tmp_path, scratch_tag):
    """The suite's own eyes: a file in root's 0700 home of an image that runs as 1000."""
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11\n"
        "RUN mkdir -p /root/.cache/hidden && touch /root/.cache/hidden/probe-marker"
        " && chmod 0700 /root /root/.cache\n"
        "USER 1000\n"
    )
    tag = scratch_tag()
    docker_cli.build(tmp_path, tag)
    found = find_paths(tag, "probe-marker", "/root/.cache")
    assert sorted(found) == ["/root/.cache", "/root/.cache/hidden/probe-marker"], found
    # Where it cannot read, the search must fail, never report the file absent.
    for wanted in ("probe-marker", "/root/.cache/hidden/probe-marker"):
        with pytest.raises(docker_cli.DockerError, match="Permission denied"):
            find_paths(tag, wanted, user="1000")
