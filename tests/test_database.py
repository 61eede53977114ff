"""A real PostgreSQL beside the app, through the step's own docker-compose.yml."""

import re
import time

import httpx
import pytest

from compose import compose_up
from tools import docker_cli


@pytest.mark.applies_to("database")
def test_db_answers_and_survives_an_outage(step):
    with compose_up(step) as project:
        answer = project.get_within("/db", seconds=60)
        assert answer.status_code == 200, answer.text
        assert answer.json()["server_version"], answer.text
        app = project.container("app")
        started = docker_cli.docker("inspect", "--format", "{{.State.StartedAt}}", app)

        # The password reaches the app as a file, never in its environment.
        password = (step.path / "db_password.txt").read_text().strip()
        environment = docker_cli.docker("inspect", "--format", "{{json .Config.Env}}", app)
        assert password not in environment, f"the database password is in the app's environment: {environment}"

        # A database that accepts the connection and never answers (paused): /db gives
        # up after the app's connect timeout instead of holding the request.
        timeout = int(re.search(r"^CONNECT_TIMEOUT = (\d+)", (step.path / step.app_source).read_text(), re.M)[1])
        project.run("pause", "db")
        try:
            started_at = time.monotonic()
            hung = httpx.get(f"{project.url}/db", timeout=timeout + 10)
            waited = time.monotonic() - started_at
        finally:
            project.run("unpause", "db")
        assert hung.status_code == 503 and waited < timeout + 1.5, (
            f"/db answered {hung.status_code} after {waited:.1f} s while the database hung; "
            f"its connect timeout is {timeout} s"
        )

        project.run("stop", "db")
        down = project.get_within("/db", seconds=30, status=503)
        assert down.status_code == 503, f"expected 503 while the database is down: {down.text}"
        # The driver's text names hosts and users: it is for the log, not the client.
        leaks = [word for word in ("connection", "host", "password", '"db"', '"app"') if word in down.text]
        assert list(down.json()) == ["error"] and not leaks, f"the 503 says too much: {down.text}"
        assert project.get_within("/healthz", seconds=5).status_code == 200

        project.run("start", "db")
        back = project.get_within("/db", seconds=60)
        assert back.status_code == 200, f"/db did not recover after the database came back: {back.text}"
        restarted = docker_cli.docker("inspect", "--format", "{{.State.StartedAt}}", app)
        assert restarted == started, "the app container restarted; it should recover by itself"

        # The operator gets the reason: the driver's text, naming the host, as a WARNING
        # (the app copes, so no ERROR and no traceback).
        log = project.run("logs", "--no-color", "app").stdout
        reasons = [line for line in log.splitlines() if '"db"' in line]
        assert reasons, f"the app's log does not say why the database was unavailable:\n{log[-3000:]}"
        assert all("WARNING" in line for line in reasons), "\n".join(reasons)
        assert "Traceback" not in log, log[-3000:]
