"""Other images of a step (a second Dockerfile, build targets): each builds and serves."""

import httpx
import pytest

from container_facts import commands_on_path
from dockerfiles import instructions
from tools.series import REPO


def test_variant_builds_and_serves(step, variant, images, shared_containers):
    image = images.get(step, variant.dockerfile, variant.target).tag
    server = shared_containers.serve(image)
    assert httpx.get(server.url + "/", timeout=10).json() == {"step": step.name}


@pytest.mark.applies_to("absent_commands")
def test_variant_leaves_its_tools_behind(step, variant, images):
    tag = images.get(step, variant.dockerfile, variant.target).tag
    present = commands_on_path(tag, *variant.absent_commands)
    assert not present, f"{step.name}:{variant.name}: the image still has {present}"


def test_servers_variants_build_the_final_image():
    """servers.Dockerfile's first stage is the root Dockerfile up to its HEALTHCHECK."""
    root = instructions((REPO / "Dockerfile").read_text())
    root = root[: next(i for i, line in enumerate(root) if line.startswith("HEALTHCHECK"))]
    servers = instructions((REPO / "servers.Dockerfile").read_text())
    stage = servers[: next(i for i, line in enumerate(servers) if line.startswith("FROM app AS"))]
    root[0] += " AS app"
    assert stage == root, (
        "servers.Dockerfile's `app` stage must repeat the root Dockerfile's instructions "
        "up to HEALTHCHECK, so its variants measure the same image with another server"
    )
