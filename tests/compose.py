"""A step's own docker-compose.yml, run the way a reader runs it, and removed after."""

import contextlib
import subprocess

import httpx

from tools import docker_cli


class ComposeProject:
    def __init__(self, folder, name: str, files: tuple[str, ...] = (), env: dict[str, str] | None = None):
        self.folder = folder
        self.port = docker_cli.free_port()
        self.base = ["docker", "compose", "--project-name", name, "--progress", "quiet"]
        self.base += [option for file in files for option in ("--file", file)]
        self.env = {**docker_cli.ENV, "PORT": str(self.port), **(env or {})}
        self.url = f"http://127.0.0.1:{self.port}"

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.base, *args], cwd=self.folder, env=self.env,
            capture_output=True, text=True, timeout=timeout,
        )

    def up(self) -> None:
        up = self.run("up", "--build", "--detach", "--wait", "--wait-timeout", "180", timeout=900)
        if up.returncode != 0:
            logs = self.run("logs", "--tail", "30").stdout
            raise AssertionError(f"`docker compose up` failed:\n{up.stderr[-3000:]}\n{logs}")

    def down(self) -> None:
        self.run("down", "--volumes", "--rmi", "local", "--remove-orphans")

    def container(self, service: str) -> str:
        return self.run("ps", "--quiet", service).stdout.strip()

    def get_within(self, path: str, seconds: float, status: int = 200) -> httpx.Response:
        """The first answer with `status` (the server may still be starting)."""

        def answered() -> httpx.Response | None:
            response = httpx.get(self.url + path, timeout=5)
            return response if response.status_code == status else None

        return docker_cli.wait_for(
            answered, f"answering {path} with {status}", seconds, interval=0.2,
            ignoring=(httpx.TransportError,),
        )


@contextlib.contextmanager
def compose_up(step, files: tuple[str, ...] = (), env: dict[str, str] | None = None):
    """The step's services (from docker-compose.yml, or `files`), up; the app's log must stay clean."""
    project = ComposeProject(step.path, f"dpt-{step.name}", files, env)
    try:
        project.up()
        yield project
        problems = docker_cli.log_problems(project.run("logs", "app").stdout)
    finally:
        project.down()
    assert not problems, f"{step.name}: error lines in the app's log: {problems[:5]}"
