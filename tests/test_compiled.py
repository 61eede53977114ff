"""A dependency that compiles: psycopg2 from source, on the full and the slim base."""

import re

import pytest

from container_facts import in_image
from tools import docker_cli


def images_of(step, images):
    yield step.name, images.get(step).tag, ()
    for variant in step.variants:
        tag = images.get(step, variant.dockerfile, variant.target).tag
        yield f"{step.name}:{variant.name}", tag, variant.absent_commands


@pytest.mark.applies_to(lambda step: step.native_extension)
def test_extension_links_the_system_library(step, images):
    module, library = step.native_extension
    for name, tag, absent_commands in images_of(step, images):
        path = in_image(tag, "python3", "-c", "import importlib, sys; "
                        "print(importlib.import_module(sys.argv[1]).__file__)", module)
        linked = in_image(tag, "ldd", path)
        match = re.search(rf"{re.escape(library)} => (\S+)", linked)
        assert match, f"{name}: {module} does not link {library}:\n{linked}"
        assert ".libs" not in match.group(1), (
            f"{name}: {module} uses a bundled {match.group(1)} (a -binary wheel), "
            "not the system library"
        )
        present = in_image(tag, "python3", "-c", "import shutil, sys; "
                           "print(*filter(shutil.which, sys.argv[1:]))", *absent_commands).split()
        assert not present, f"{name}: the final image still has {present}"


@pytest.mark.applies_to(lambda step: step.fails_on_bare_slim)
def test_bare_slim_cannot_compile_it(step, tmp_path, scratch_tag):
    requirement, message = step.fails_on_bare_slim
    pin = re.search(rf'"?{requirement}"?\s*=\s*"?(==[\w.]+)', (step.path / "pyproject.toml").read_text())
    assert pin, f"{step.name}: no pinned {requirement} in pyproject.toml"
    # A throwaway context: the naive Dockerfile never ships.
    (tmp_path / "Dockerfile").write_text(
        f"FROM python:3.11-slim\nRUN pip install --no-cache-dir {requirement}{pin.group(1)}\n"
    )
    tag = scratch_tag()
    with pytest.raises(docker_cli.BuildFailed) as failed:
        docker_cli.build(tmp_path, tag)
    assert message in failed.value.log.text, (
        f"the bare slim build failed, but its log does not name {message}:\n{failed.value.log.tail()}"
    )
