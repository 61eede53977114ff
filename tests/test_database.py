"""A real PostgreSQL beside the app, through the step's own docker-compose.yml."""

import pytest

from compose import compose_up
from tools import docker_cli


@pytest.mark.applies_to(lambda step: step.database)
def test_db_answers_and_survives_an_outage(step):
    with compose_up(step) as project:
        answer = project.get_within("/db", seconds=60)
        assert answer.status_code == 200, answer.text
        assert answer.json()["server_version"], answer.text
        app = project.container("app")
        started = docker_cli.docker("inspect", "--format", "{{.State.StartedAt}}", app)

        project.run("stop", "db")
        down = project.get_within("/db", seconds=30, status=503)
        assert down.status_code == 503, f"expected 503 while the database is down: {down.text}"
        assert down.json()["error"], down.text
        assert project.get_within("/healthz", seconds=5).status_code == 200

        project.run("start", "db")
        back = project.get_within("/db", seconds=60)
        assert back.status_code == 200, f"/db did not recover after the database came back: {back.text}"
        restarted = docker_cli.docker("inspect", "--format", "{{.State.StartedAt}}", app)
        assert restarted == started, "the app container restarted; it should recover by itself"
