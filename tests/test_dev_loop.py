"""`docker compose watch`: an edit to the app shows over HTTP without a manual rebuild."""

import subprocess

import httpx
import pytest

from compose import ComposeProject
from tools import docker_cli

SECONDS_TO_SEE_AN_EDIT = 90
# The dev loop has its own compose file: watch needs a writable root filesystem.
DEV_COMPOSE = "compose.dev.yml"


@pytest.mark.applies_to("dev_loop")
def test_compose_watch_brings_an_edit_in(step, step_copy, tmp_path):
    project = ComposeProject(step_copy, f"dpt-watch-{step.name}")
    with open(tmp_path / "watch.log", "w+") as said:
        watch = subprocess.Popen(
            [*project.base, "--file", DEV_COMPOSE, "watch"], cwd=step_copy, env=project.env,
            stdout=subprocess.DEVNULL, stderr=said, text=True,
        )

        def what_watch_said() -> str:
            said.seek(0)
            return said.read()[-3000:].strip()

        def answer() -> dict | None:
            """The app's answer, or None while it starts; fails once the watch has stopped."""
            assert watch.poll() is None, f"`docker compose watch` exited ({watch.returncode}): {what_watch_said()}"
            try:
                response = httpx.get(project.url + "/", timeout=5)
            except httpx.TransportError:
                return None
            return response.json() if response.status_code == 200 else None

        try:
            first = docker_cli.wait_for(answer, "answering / with 200", 300, interval=0.2)
            assert first == {"step": step.name}, first
            source = step_copy / step.app_source
            source.write_text(source.read_text().replace(
                f'STEP = "{step.name}"', 'STEP = "edited while watching"'
            ))
            docker_cli.wait_for(lambda: answer() == {"step": "edited while watching"},
                                "showing the edit under `docker compose watch`", SECONDS_TO_SEE_AN_EDIT)
            problems = docker_cli.log_problems(project.run("logs", "app").stdout)
        except docker_cli.TimedOut as error:
            raise AssertionError(f"{error}; `docker compose watch` said:\n{what_watch_said()}") from None
        finally:
            watch.terminate()
            try:
                watch.wait(timeout=30)
            except subprocess.TimeoutExpired:
                watch.kill()
            project.down()
    assert not problems, f"{step.name}: error lines in the app's log under watch: {problems[:5]}"
