"""The app contract, served by gunicorn the way every step promises."""

import time

import testinfra

from compose import compose_up
from container_facts import gunicorn_master_and_workers
from tools import docker_cli


def test_root_names_the_step(step, http):
    response = http.get("/")
    assert response.status_code == 200
    assert response.json() == {"step": step.name}


def test_healthz_answers_ok(http):
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_gunicorn_is_pid_1_with_workers_from_the_environment(image, containers):
    container = containers.start(image, env={"WORKERS": "3"})
    host = testinfra.get_host(f"docker://{container.id}")
    master, workers = gunicorn_master_and_workers(host)
    # A shell-form CMD makes PID 1 `/bin/sh -c gunicorn …`, with gunicorn its child.
    assert "gunicorn" in master.cmdline and not master.cmdline.split()[0].endswith("sh"), (
        f"PID 1 is {master.cmdline!r}, not gunicorn: use the exec form of CMD so that "
        "gunicorn receives `docker stop`'s SIGTERM itself"
    )
    assert len(workers) == 3, f"WORKERS=3 should give 3 workers, found {len(workers)}"


def test_docker_stop_is_prompt_and_clean(image, containers):
    container = containers.start(image)
    started = time.monotonic()
    docker_cli.docker("stop", "--time", "10", container.id, timeout=30)
    seconds = time.monotonic() - started
    exit_code = container.state()["ExitCode"]
    assert exit_code == 0, (
        f"exit code {exit_code} after `docker stop` ({seconds:.1f} s): gunicorn did not shut "
        "down on SIGTERM and was killed"
    )
    assert seconds < 10, f"`docker stop` took {seconds:.1f} s, the kill timeout is 10 s"


def test_compose_up_serves_the_step(step):
    """The reader's command: `docker compose up --build` in the folder."""
    with compose_up(step) as project:
        response = project.get_within("/", seconds=60)
        assert response.json() == {"step": step.name}
