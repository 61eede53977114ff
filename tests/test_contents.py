"""What the image carries, and what it must not."""

import re

import pytest

from container_facts import find_paths
from tools import docker_cli
from tools.series import BY_NAME

PYTHON_ENV = {
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
    "PYTHONFAULTHANDLER": "1",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
}


@pytest.mark.applies_to(lambda step: step.poetry)
def test_poetry_in_the_image(step, host):
    installed = host.run("poetry --version")
    assert installed.rc == 0, f"{step.name} is meant to ship Poetry, but `poetry` is missing"
    dockerfile = (step.path / "Dockerfile").read_text()
    pin = re.search(r"poetry==([\w.]+)", dockerfile)
    if step.poetry == "unpinned":
        assert not pin, (
            f"{step.name} is meant to show the flaw 'Poetry unpinned' (step 3 pins it), "
            f"but its Dockerfile pins poetry=={pin.group(1)}"
        )
    else:
        assert pin, f"{step.name}: pin Poetry in the Dockerfile (pip install poetry==X.Y.Z)"
        assert pin.group(1) in installed.stdout, (
            f"{step.name}: the Dockerfile pins Poetry {pin.group(1)}, "
            f"the image has {installed.stdout.strip()}"
        )


@pytest.mark.applies_to(lambda step: step.absent_paths or step.absent_modules)
def test_absent_from_the_image(step, host):
    names = [p for p in step.absent_paths if not p.startswith("/")]
    found = find_paths(host, *names) if names else []
    found += [p for p in step.absent_paths if p.startswith("/") and host.file(p).exists]
    assert not found, f"{step.name}: these must not be in the image: {found}"
    for module in step.absent_modules:
        spec = host.run("python3 -c %s %s", "import importlib.util as u, sys; "
                        "print(u.find_spec(sys.argv[1]) is not None)", module)
        assert spec.stdout.strip() == "False", f"{step.name}: {module} is importable in the image"


@pytest.mark.applies_to(lambda step: step.hashed_requirements)
def test_requirements_carry_hashes(step, host):
    requirements = host.file(step.hashed_requirements)
    assert requirements.exists, f"{step.name}: {step.hashed_requirements} is not in the image"
    # One requirement per logical line: join the backslash continuations.
    logical = requirements.content_string.replace("\\\n", " ").splitlines()
    entries = [line for line in logical if line.strip() and not line.lstrip().startswith("#")]
    assert entries, f"{step.name}: {step.hashed_requirements} lists no requirement"
    unhashed = [line.split()[0] for line in entries if "--hash=sha256:" not in line]
    assert not unhashed, f"{step.name}: requirements without a hash: {unhashed}"


@pytest.mark.applies_to(lambda step: step.python_env)
def test_python_environment_variables(step, image):
    env = dict(item.split("=", 1) for item in docker_cli.image_config(image)["Env"])
    wrong = {key: env.get(key) for key, value in PYTHON_ENV.items() if env.get(key) != value}
    assert not wrong, f"{step.name}: expected {PYTHON_ENV} in the image config, got {wrong}"


@pytest.mark.applies_to(lambda step: step.smaller_than)
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
