"""Build-time work that saves run-time and rebuild time: bytecode and pip's cache mount."""


import pytest

from container_facts import in_image, list_dir
from tools import docker_cli

_BYTECODE = """
import importlib.util, os, sys
for name in sys.argv[1:]:
    origin = importlib.util.find_spec(name).origin
    print(name, os.path.exists(importlib.util.cache_from_source(origin)))
"""


@pytest.mark.applies_to(lambda step: step.bytecode)
def test_bytecode_is_compiled_at_build_time(step, image):
    found = in_image(image, "python3", "-c", _BYTECODE, *step.bytecode)
    missing = [line.split()[0] for line in found.splitlines() if line.endswith("False")]
    assert not missing, f"{step.name}: no .pyc in the image for {missing}: run compileall at build time"


@pytest.mark.applies_to(lambda step: step.pip_cache_mount)
def test_pip_cache_mount_stays_out_of_the_image(step, images, image):
    installs = images.get(step).log.matching(step.dependency_install)
    without_mount = [i.text for i in installs if "--mount=type=cache" not in i.text]
    assert installs and not without_mount, (
        f"{step.name}: the dependency install runs without a cache mount: {without_mount}"
    )
    cached = list_dir(image, "/root/.cache/pip")
    assert not cached, f"{step.name}: the image holds pip's cache: {cached[:5]}"


@pytest.mark.applies_to(lambda step: step.pip_cache_mount)
def test_rebuild_from_scratch_downloads_nothing(step, images, scratch_tag):
    images.get(step)  # its build filled the cache mount
    tag = scratch_tag()
    rebuild = docker_cli.build(step.path, tag, no_cache=True)
    output = [line for i in rebuild.log.matching(r"--require-hashes") for line in i.output]
    downloaded = [line.split()[1] for line in output if line.strip().startswith("Downloading ")]
    reused = [line for line in output if "Using cached" in line]
    if downloaded and not reused:
        pytest.skip(
            "pip kept nothing in its cache on this network: the index's answers carry no "
            "caching headers (a TLS-inspecting proxy strips them), so the mount cannot help here"
        )
    assert not downloaded, f"{step.name}: downloaded again despite the cache mount: {downloaded}"
