"""A dependency that compiles: psycopg2 from source, on the full and the slim base."""

import re

import pytest

from container_facts import in_image
from tools import docker_cli


@pytest.mark.applies_to("native_extension")
def test_extension_links_the_system_library(step, images):
    """In the step's image and in every variant of it."""
    module, library = step.native_extension
    built = {step.name: images.get(step).tag} | {
        f"{step.name}:{variant.name}": images.get(step, variant.dockerfile, variant.target).tag
        for variant in step.variants
    }
    for name, tag in built.items():
        path = in_image(tag, "python3", "-c", "import importlib, sys; "
                        "print(importlib.import_module(sys.argv[1]).__file__)", module)
        linked = in_image(tag, "ldd", path)
        match = re.search(rf"{re.escape(library)} => (\S+)", linked)
        assert match, f"{name}: {module} does not link {library}:\n{linked}"
        assert ".libs" not in match.group(1), (
            f"{name}: {module} uses a bundled {match.group(1)} (a -binary wheel), "
            "not the system library"
        )


@pytest.mark.applies_to("fails_on_bare_slim")
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
        f"the bare slim build failed, but its log does not name {message}:\n{failed.value.log.failure()}"
    )
