"""The image the way production platforms run containers: each restriction alone, then all at once."""

import json

import httpx
import pytest

from compose import compose_up
from tools import docker_cli

RESTRICTIONS = {
    # Kubernetes' readOnlyRootFilesystem; Docker still mounts a tmpfs on /dev/shm.
    "read-only-root": ("--read-only",),
    # OpenShift runs images as a UID of its own choosing, in group 0.
    "arbitrary-uid": ("--user", "12345:0"),
    "no-capabilities": ("--cap-drop", "ALL"),
    "no-new-privileges": ("--security-opt", "no-new-privileges"),
    "memory-and-pids-limits": ("--memory", "256m", "--pids-limit", "128"),
}
RESTRICTIONS["all-at-once"] = tuple(flag for flags in RESTRICTIONS.values() for flag in flags)
STOP_GRACE = 10  # `docker stop`'s default


@pytest.mark.applies_to("runs_hardened")
@pytest.mark.parametrize("restriction", RESTRICTIONS)
def test_serves_and_stops_under(step, image, containers, restriction):
    # The containers fixture fails the test on an ERROR or Traceback line in the log.
    container = containers.start(image, options=RESTRICTIONS[restriction])
    for path in ("/", "/healthz"):
        answer = httpx.get(container.url + path, timeout=10)
        assert answer.status_code == 200, f"{step.name} under {restriction}: {path} {answer.status_code}"
    if docker_cli.image_config(image).get("Healthcheck"):
        try:
            docker_cli.wait_until_healthy(container)
        except docker_cli.DockerError as error:
            pytest.fail(f"{step.name} under {restriction}: {error}", pytrace=False)
    docker_cli.docker("stop", "--time", str(STOP_GRACE), container.id, timeout=STOP_GRACE + 30)
    exit_code = container.state()["ExitCode"]
    assert exit_code == 0, f"{step.name} under {restriction}: exit code {exit_code}:\n{container.logs()}"


@pytest.mark.applies_to("compose_hardened")
def test_compose_runs_it_hardened(step):
    with compose_up(step) as project:
        container = json.loads(docker_cli.docker("inspect", project.container("app")))[0]
        host, config = container["HostConfig"], container["Config"]
        assert host["ReadonlyRootfs"], f"{step.name}: compose should set read_only: true"
        assert host["CapDrop"] == ["ALL"], f"{step.name}: compose should drop every capability"
        assert any(opt.startswith("no-new-privileges") for opt in host["SecurityOpt"] or []), (
            f"{step.name}: compose should set security_opt no-new-privileges"
        )
        assert project.get_within("/", seconds=30).status_code == 200
        # gunicorn must be done with in-flight requests before Docker's SIGKILL.
        graceful = docker_cli.docker(
            "run", "--rm", "--entrypoint", "python3", config["Image"], "-c",
            "import runpy; print(runpy.run_path('gunicorn.conf.py')['graceful_timeout'])",
        )
        assert config.get("StopTimeout"), f"{step.name}: set stop_grace_period in the compose file"
        assert float(graceful) < config["StopTimeout"], (
            f"{step.name}: gunicorn's graceful_timeout ({graceful} s) must stay below the "
            f"compose file's stop_grace_period ({config['StopTimeout']} s)"
        )
