"""The few Docker operations the suite and the scoreboard need, through the CLI."""

import http.client
import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tools import buildlog

# Every image and container we create carries it, so leftovers can be pruned:
#   docker image prune -a --filter label=org.dockerizing-python.test
LABEL = "org.dockerizing-python.test"
# Where the suite tags the images it builds (a workshop rehearsal removes its copies' ones).
TEST_REPOSITORY = "dockerizing-python-test"
# tools/standins/build.sh labels the base images it builds in place of Docker Hub's.
STANDIN_LABEL = "org.dockerizing-python.standin"
T = TypeVar("T")
ENV = {
    **os.environ,
    # Compose builds with its own BuildKit client when buildx is missing; say so quietly.
    "COMPOSE_BAKE": "false",
    "DOCKER_CLI_HINTS": "false",
}


class DockerError(RuntimeError):
    pass


class BuildFailed(DockerError):
    def __init__(self, what: str, log: buildlog.BuildLog):
        super().__init__(f"building {what} failed:\n{log.failure()}")
        self.log = log


def docker(*args: str, timeout: float = 120, check: bool = True) -> str:
    proc = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, env=ENV)
    if check and proc.returncode != 0:
        raise DockerError(f"docker {' '.join(args)} failed:\n{proc.stderr.strip()}")
    return proc.stdout.strip()


def unreachable_reason() -> str | None:
    """None when the daemon and Compose v2 answer, else what to do about it."""
    try:
        docker("info", "--format", "{{.ServerVersion}}", timeout=20)
    except FileNotFoundError:
        return "the docker command is not installed: install Docker (Desktop or Engine)."
    except (DockerError, subprocess.TimeoutExpired) as error:
        return (
            "the Docker daemon is not reachable: start Docker Desktop, or the engine "
            f"(`sudo systemctl start docker`), then try again.\n({error})"
        )
    try:
        docker("compose", "version", timeout=20)
    except DockerError:
        return "Docker Compose v2 (`docker compose`) is missing: install the compose plugin."
    return None


@dataclass
class Build:
    tag: str
    log: buildlog.BuildLog
    seconds: float


def build(
    context: Path,
    tag: str,
    dockerfile: str = "Dockerfile",
    target: str | None = None,
    no_cache: bool = False,
    timeout: float = 1800,
    args: dict[str, str] | None = None,
    network: str | None = None,
    labeled: bool = True,
) -> Build:
    """Build with BuildKit through Compose, the way `docker compose build` does."""
    spec = {"context": str(Path(context).resolve()), "dockerfile": dockerfile}
    spec["labels"] = {LABEL: "1"} if labeled else {}
    for key, value in {"target": target, "args": args, "network": network}.items():
        if value:
            spec[key] = value
    compose = {"services": {"image": {"image": tag, "build": spec}}}
    # A project name fixed per tag: Compose labels the image with it, and a new
    # name each time would give a fully cached build a new image ID.
    project = "build-" + re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")[:60]
    command = ["docker", "compose", "-f", "-", "-p", project]
    command += ["--progress", "plain", "build"] + (["--no-cache"] if no_cache else [])
    replaced = image_id(tag)
    started = time.monotonic()
    proc = subprocess.run(
        command, input=json.dumps(compose), capture_output=True, text=True,
        timeout=timeout, env=ENV,
    )
    seconds = time.monotonic() - started
    log = buildlog.parse(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise BuildFailed(f"{tag} from {context}/{dockerfile}", log)
    # The tag's image before, if this build moved the tag to another (a changed folder does;
    # here, so did a fresh clone of the same one, built from the cache): removed when no tag
    # is left on it, unless a container uses it.
    if replaced and docker("image", "inspect", "--format", "{{len .RepoTags}}", replaced, check=False) == "0":
        docker("image", "rm", replaced, check=False)
    return Build(tag, log, seconds)


def image_id(image: str) -> str:
    """The image's ID, or "" where there is no such image."""
    return docker("image", "inspect", "--format", "{{.Id}}", image, check=False)


def image_size(image: str) -> int:
    return int(docker("image", "inspect", "--format", "{{.Size}}", image))


def image_layers(image: str) -> int:
    return len(json.loads(docker("image", "inspect", "--format", "{{json .RootFS.Layers}}", image)))


def image_config(image: str) -> dict:
    return json.loads(docker("image", "inspect", "--format", "{{json .Config}}", image))


def is_standin(image: str) -> bool:
    """Whether a present image is an offline stand-in from tools/standins (DockerError if absent)."""
    return (image_config(image).get("Labels") or {}).get(STANDIN_LABEL) == "true"


def remove_image(image: str) -> None:
    docker("image", "rm", "--force", image, check=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Container:
    id: str
    url: str | None

    def logs(self, lines: int | str = 30) -> str:
        proc = subprocess.run(
            ["docker", "logs", "--tail", str(lines), self.id],
            capture_output=True, text=True, env=ENV,
        )
        return (proc.stdout + proc.stderr).strip()

    def state(self) -> dict:
        return json.loads(docker("inspect", "--format", "{{json .State}}", self.id))

    def remove(self) -> None:
        docker("rm", "--force", "--volumes", self.id, check=False)


def run(image: str, env: dict[str, str] | None = None, options: tuple[str, ...] = ()) -> Container:
    """Start a container publishing port 8000 on 127.0.0.1 at a port Docker picks."""
    options = ["--detach", "--label", f"{LABEL}=1", "--publish", "127.0.0.1::8000", *options]
    for key, value in (env or {}).items():
        options += ["--env", f"{key}={value}"]
    container_id = docker("run", *options, image)
    container = Container(container_id, None)
    try:
        address = docker("port", container_id, "8000/tcp").splitlines()[0]
    except (DockerError, IndexError):
        logs = container.logs()
        container.remove()
        raise DockerError(f"{image} exited at once:\n{logs}") from None
    container.url = f"http://127.0.0.1:{address.rsplit(':', 1)[1]}"
    return container


class TimedOut(DockerError):
    pass


def wait_for(
    condition: Callable[[], T], what: str, timeout: float = 60, interval: float = 0.5,
    container: Container | None = None, ignoring: tuple[type[Exception], ...] = (),
) -> T:
    """Poll until `condition()` gives something true, and return that. Exceptions of the `ignoring` types
    count as "not yet"; a stopped `container` ends the wait early; either failure shows its log's end."""
    deadline = time.monotonic() + timeout
    next_look = time.monotonic() + 1
    while True:
        try:
            if result := condition():
                return result
        except ignoring:
            pass
        if container and time.monotonic() >= next_look:
            if not container.state().get("Running"):
                raise DockerError(f"the container stopped before {what}:\n{container.logs()}")
            next_look = time.monotonic() + 1
        if time.monotonic() >= deadline:
            log = f":\n{container.logs()}" if container else ""
            raise TimedOut(f"not {what} within {timeout:.0f} s{log}")
        time.sleep(interval)


def answers_200(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status == 200


def wait_until_serving(container: Container, path: str = "/healthz", timeout: float = 60) -> None:
    """Until `path` answers 200; fails with the container's logs. A garbled answer counts as "not yet": with
    nothing listening, a loopback connection can meet itself and read back its own request."""
    wait_for(
        lambda: answers_200(container.url + path), f"serving {path}", timeout, interval=0.01,
        container=container, ignoring=(OSError, http.client.HTTPException),
    )


# What a clean log never holds: gunicorn's and uvicorn's error levels, a traceback.
_LOG_PROBLEM = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback")


def log_problems(log: str) -> list[str]:
    return [line for line in log.splitlines() if _LOG_PROBLEM.search(line)]


def wait_until_healthy(container: Container, timeout: float = 60) -> None:
    """Until the image's HEALTHCHECK reports healthy; fails on unhealthy or a timeout."""

    def healthy() -> bool:
        status = container.state().get("Health", {}).get("Status")
        if status not in ("starting", "healthy"):
            raise DockerError(f"the healthcheck is {status!r}:\n{container.logs()}")
        return status == "healthy"

    wait_for(healthy, "healthy", timeout, container=container)
