"""`docker compose watch`: an edit to the app shows over HTTP without a manual rebuild."""

import subprocess

import pytest

from compose import ComposeProject
from tools import docker_cli

SECONDS_TO_SEE_AN_EDIT = 90
# The dev loop has its own compose file: watch needs a writable root filesystem.
DEV_COMPOSE = "compose.dev.yml"


@pytest.mark.applies_to("dev_loop")
def test_compose_watch_brings_an_edit_in(step, step_copy):
    project = ComposeProject(step_copy, f"dpt-watch-{step.name}")
    watch = subprocess.Popen(
        [*project.base, "--file", DEV_COMPOSE, "watch"], cwd=step_copy, env=project.env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        first = project.get_within("/", seconds=300)
        assert first.json() == {"step": step.name}, first.text
        source = step_copy / step.app_source
        source.write_text(source.read_text().replace(
            f'STEP = "{step.name}"', 'STEP = "edited while watching"'
        ))

        def edit_shown() -> bool:
            assert watch.poll() is None, f"`docker compose watch` stopped:\n{watch.stderr.read()}"
            return project.get_within("/", seconds=30).json() == {"step": "edited while watching"}

        docker_cli.wait_for(edit_shown, "showing the edit under `docker compose watch`", SECONDS_TO_SEE_AN_EDIT)
        problems = docker_cli.log_problems(project.run("logs", "app").stdout)
        assert not problems, f"{step.name}: error lines in the app's log under watch: {problems[:5]}"
    finally:
        watch.terminate()
        try:
            watch.wait(timeout=30)
        except subprocess.TimeoutExpired:
            watch.kill()
        project.down()
