"""Other images of a step (a second Dockerfile, build targets): each builds and serves."""

import httpx


def test_variant_builds_and_serves(step, variant, images, shared_containers):
    image = images.get(step, variant.dockerfile, variant.target).tag
    server = shared_containers.serve(image)
    assert httpx.get(server.url + "/", timeout=10).json() == {"step": step.answer}
