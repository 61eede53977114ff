"""Extra 4's push: the image goes to a registry and comes back by its digest."""

import re
import uuid

import httpx
import pytest

from tools import docker_cli

REGISTRY_IMAGE = "registry:2"  # Docker Hub's, or the stand-in tools/standins builds


@pytest.mark.applies_to("registry")
def test_pulled_by_digest_it_serves(step, image, containers):
    port = docker_cli.free_port()
    # The engine trusts a registry on 127.0.0.0/8 without TLS.
    registry = docker_cli.docker(
        "run", "--detach", "--label", f"{docker_cli.LABEL}=1",
        "--publish", f"127.0.0.1:{port}:5000", REGISTRY_IMAGE,
    )
    pushed = f"127.0.0.1:{port}/{step.image_name}:{uuid.uuid4().hex[:8]}"
    reference = None
    try:
        docker_cli.wait_until_serving(docker_cli.Container(registry, f"http://127.0.0.1:{port}"), path="/v2/")
        docker_cli.docker("tag", image, pushed)
        output = docker_cli.docker("push", pushed, timeout=300)
        digest = re.search(r"digest: (sha256:[0-9a-f]{64})", output)
        assert digest, f"`docker push` printed no digest:\n{output}"
        # Without its pushed name, the image is found by asking the registry for
        # the manifest behind the digest (its layers are local, so none downloads).
        docker_cli.docker("image", "rm", pushed)
        reference = f"{pushed.rsplit(':', 1)[0]}@{digest.group(1)}"
        docker_cli.docker("pull", reference, timeout=300)
        running = containers.start(reference)
        assert httpx.get(running.url + "/", timeout=10).json() == {"step": step.name}
        built, pulled = (
            docker_cli.docker("image", "inspect", "--format", "{{.Id}}", name) for name in (image, reference)
        )
        assert pulled == built, f"{step.name}: the digest names {pulled}, not the image built, {built}"
    finally:
        containers.remove_all()
        docker_cli.docker("rm", "--force", "--volumes", registry, check=False)
        for leftover in (pushed, reference):
            if leftover:
                docker_cli.remove_image(leftover)
