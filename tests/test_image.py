"""What the built image is: its size over the base and who runs the server."""

import pytest

from container_facts import gunicorn_master_and_workers
from tools import docker_cli

MB = 1_000_000


@pytest.mark.reads("base", "max_added_mb")
def test_size_added_over_base_is_within_budget(step, image):
    added = docker_cli.image_size(image) - docker_cli.image_size(step.base)
    assert added <= step.max_added_mb * MB, (
        f"{step.name} adds {added / MB:.0f} MB over {step.base}, "
        f"its budget is {step.max_added_mb} MB"
    )


@pytest.mark.reads("server_runs_as_root")
def test_server_user(step, host):
    master, workers = gunicorn_master_and_workers(host)
    uids = {process.uid for process in [master, *workers]}
    if step.server_runs_as_root:
        assert uids == {0}, (
            f"{step.name} is meant to show the flaw 'the server runs as root' "
            f"(step 4 adds a non-root user), but it runs as uid {sorted(uids)}"
        )
    else:
        assert 0 not in uids, (
            f"{step.name}: the server runs as root (uid 0); the lesson of step 4 is a "
            "dedicated non-root USER"
        )
