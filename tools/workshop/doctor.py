"""Is this machine ready for the workshop? Each problem comes with its fix.

    python3 -m tools.workshop doctor              # everything
    python3 -m tools.workshop doctor --no-docker  # only what needs no Docker engine
"""

import re
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tools import docker_cli
from tools.series import STEPS
from tools.workshop import REPO

# Room for the base images, every exercise's images, the checks' own copies and the
# build cache (the series' images alone are several hundred MB each).
NEED_DISK_GB = 20
# The final result's dev loop uses `develop.watch` with `sync+restart`.
MIN_COMPOSE = (2, 23)
PIPX = "pipx (`python3 -m pip install --user pipx`, or your package manager's pipx)"


@dataclass
class Result:
    name: str
    ok: bool | None  # None: a warning, not a failure
    detail: str
    fix: str = ""


def run(*command: str, timeout: float = 60) -> subprocess.CompletedProcess | None:
    """The command's result, or None when it is not installed."""
    if not shutil.which(command[0]):
        return None
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, 124, "", f"timed out after {timeout:.0f} s")


def version(name: str) -> str | None:
    """The first line `NAME --version` says, or None when it is missing or fails."""
    process = run(name, "--version")
    if not process or process.returncode != 0:
        return None
    text = (process.stdout or process.stderr).strip()
    return text.splitlines()[0] if text else ""


def poetry_pins() -> tuple[str, str]:
    """The Poetry and export plugin versions the series' Dockerfiles pin."""
    for dockerfile in sorted(REPO.glob("*/Dockerfile")):
        text = dockerfile.read_text()
        if (p := re.search(r"poetry==([\w.]+)", text)) and (e := re.search(r"poetry-plugin-export==([\w.]+)", text)):
            return p.group(1), e.group(1)
    return "?", "?"


def base_images() -> list[str]:
    """Every base image the series builds on: the stand-in builder's default list, and the steps'."""
    script = (REPO / "tools" / "standins" / "build.sh").read_text()
    listed = re.search(r"\|\| images=\(([^)]*)\)", script)
    images = listed.group(1).split() if listed else []
    for step in STEPS:
        images += [step.base, *(variant.base for variant in step.variants)]
    return list(dict.fromkeys(images))


def check_python() -> Result:
    # An older Python never gets here: importing `tools` stops it with the fix.
    return Result("Python", True, ".".join(map(str, sys.version_info[:3])))


def check_git() -> Result:
    if (found := version("git")) is not None:
        return Result("git", True, found)
    return Result("git", False, "not found",
                  "install git (macOS: `xcode-select --install`; Debian/Ubuntu/WSL: `sudo apt install git`)")


def check_poetry() -> Result:
    poetry, plugin = poetry_pins()
    fix = f"with {PIPX}: `pipx install poetry=={poetry}` then `pipx inject poetry poetry-plugin-export=={plugin}`"
    if (found := version("poetry")) is None:
        return Result("Poetry", False, "not found (step 2 writes a lock; extra 1 re-locks)", fix)
    if not re.search(r"\b2\.", found):
        return Result("Poetry", False, f"{found}: the series uses Poetry 2", fix)
    if not (export := run("poetry", "export", "--help")) or export.returncode != 0:
        return Result("Poetry", False, f"{found}, without the export plugin",
                      f"`pipx inject poetry poetry-plugin-export=={plugin}` "
                      f"(or `poetry self add poetry-plugin-export=={plugin}`)")
    return Result("Poetry", True, f"{found}, export plugin present")


def check_tool(name: str, why: str) -> Result:
    """A tool one elective exercise needs: missing, it is a warning, not a failure."""
    if (found := version(name)) is not None:
        return Result(name, True, found)
    return Result(name, None, f"not found: only {why}", f"with {PIPX}: `pipx install {name}`")


def check_index() -> Result:
    """pip reaches the package index it is configured for, as the builds will."""
    with tempfile.TemporaryDirectory() as download:
        # A hung index times out here, as a failed download.
        process = run(sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir", "--quiet",
                      "--disable-pip-version-check", "--dest", download, "six", timeout=120)
        if process.returncode == 0 and any(Path(download).iterdir()):
            return Result("package index", True, "pip downloads from its index")
    if "No module named pip" in process.stderr:
        return Result("package index", False, "this Python has no pip",
                      "`python3 -m ensurepip --user`, or install your system's python3-pip")
    lines = [line for line in process.stderr.strip().splitlines() if line.strip()]
    return Result("package index", False, f"pip could not download: {lines[-1] if lines else '?'}",
                  "check the network; behind a proxy set HTTPS_PROXY; with a company index, "
                  "`python3 -m pip config set global.index-url URL`; behind a TLS-inspecting proxy, "
                  "point PIP_CERT at its CA bundle")


def check_port(port: int = 8000) -> Result:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return Result(f"port {port}", None, "in use: `docker compose up` would not publish on it",
                          f"stop what serves on {port} (`docker ps`), "
                          "or run with `PORT=8080 docker compose up --build`")
    return Result(f"port {port}", True, "free")


def disk_result(path: Path, where: str) -> Result:
    free = shutil.disk_usage(path).free / 1e9
    if free >= NEED_DISK_GB:
        return Result("disk space", True, f"{free:.0f} GB free {where}")
    return Result(
        "disk space", False, f"{free:.1f} GB free {where}, {NEED_DISK_GB} GB wanted",
        "free space (`docker system df`, then `docker image prune -a --filter label=org.dockerizing-python.test`"
        " and `docker builder prune`); on Docker Desktop, raise the disk limit under Settings, Resources",
    )


def check_docker() -> Result:
    process = run("docker", "version", "--format", "{{.Client.Version}} / {{.Server.Version}}", timeout=30)
    if process is None:
        return Result("Docker", False, "the docker command is not installed",
                      "install Docker Desktop (macOS, Windows) or Docker Engine (Linux)")
    if process.returncode != 0:
        fix = "start Docker Desktop, or the engine (`sudo systemctl start docker`)"
        if "permission denied" in process.stderr.lower():
            fix = "let your user use the engine: `sudo usermod -aG docker $USER`, then log out and in"
        return Result("Docker", False, "the engine does not answer", fix)
    client, server = process.stdout.strip().split(" / ")
    return Result("Docker", True, f"client {client}, engine {server}")


def check_architecture() -> Result:
    """Images build for the engine's own architecture: on arm64, say what differs."""
    process = run("docker", "info", "--format", "{{.Architecture}}", timeout=30)
    arch = process.stdout.strip() if process and process.returncode == 0 else "unknown"
    if arch == "x86_64":
        return Result("Architecture", True, f"{arch}, as the scoreboard's machines")
    if arch == "unknown":
        return Result("Architecture", None, "the engine did not say its architecture")
    if arch not in ("aarch64", "arm64"):
        return Result("Architecture", None, f"{arch}: not the scoreboard's x86_64, and not tried here")
    return Result(
        "Architecture", True,
        f"{arch}: images build for linux/arm64 (unless DOCKER_DEFAULT_PLATFORM says otherwise), from the aarch64 "
        "wheels the locks list for every compiled package the app runs (extra 1 compiles psycopg2 from source, as "
        "on x86_64); extra 5's debugpy falls back to its platform-independent wheel, with no compiled part for "
        "Linux arm64; times differ from the scoreboard's, measured on x86_64",
    )


def check_compose() -> Result:
    process = run("docker", "compose", "version", "--short", timeout=30)
    wanted = ".".join(map(str, MIN_COMPOSE))
    fix = (f"install Docker Compose {wanted} or newer (Docker Desktop ships it; on Linux the "
           "`docker-compose-plugin` package, or update Docker Desktop)")
    if not process or process.returncode != 0:
        return Result("Compose", False, "`docker compose` is missing", fix)
    version = process.stdout.strip().lstrip("v")
    if tuple(int(part) for part in re.findall(r"\d+", version)[:2]) < MIN_COMPOSE:
        return Result("Compose", False, f"version {version}, {wanted} or newer wanted", fix)
    return Result("Compose", True, version)


def check_buildkit() -> Result:
    """A one-line build with a cache mount, through Compose as the check builds."""
    base = "python:3.11-slim"
    if (inspected := run("docker", "image", "inspect", base, timeout=30)) is None or inspected.returncode != 0:
        return Result("BuildKit", None, f"not tried: it builds on {base}, which is missing", "see the base images")
    tag = "dockerizing-python-test/doctor:buildkit"
    with tempfile.TemporaryDirectory() as context:
        Path(context, "Dockerfile").write_text(f"FROM {base}\nRUN --mount=type=cache,target=/cache touch /cache/ok\n")
        try:
            docker_cli.build(Path(context), tag, timeout=300)
        except docker_cli.DockerError as error:
            return Result("BuildKit", False, str(error).splitlines()[0],
                          "update Docker (Compose v2 builds with BuildKit); check `DOCKER_BUILDKIT` is not 0")
        finally:
            run("docker", "image", "rm", "--force", tag, timeout=60)
    return Result("BuildKit", True, "builds with cache mounts (RUN --mount=type=cache)")


def check_base_image(image: str) -> Result:
    try:
        standin = docker_cli.is_standin(image)
    except (docker_cli.DockerError, OSError, subprocess.TimeoutExpired):
        return Result(image, False, "not present",
                      f"`docker pull {image}`; where Docker Hub is out of reach, "
                      "`docker load -i bases.tar` from the host's copy (WORKSHOP.md), or "
                      "`sudo bash tools/standins/build.sh` on Debian or Ubuntu builds offline stand-ins")
    return Result(image, True, "present" + (", an offline stand-in" if standin else ""))


def check_docker_disk() -> Result:
    process = run("docker", "info", "--format", "{{.DockerRootDir}}", timeout=30)
    root = Path(process.stdout.strip()) if process and process.returncode == 0 else None
    if root and root.is_dir():
        return disk_result(root, "where Docker keeps its images")
    # Docker Desktop keeps images inside its VM: its disk limit is in Settings.
    return disk_result(REPO, "beside the repository (Docker Desktop: check its disk limit in Settings)")


def checks(docker: bool = True):
    """The results, each as its check finishes, in the order the report shows them."""
    yield check_python()
    yield check_git()
    yield check_poetry()
    yield check_tool("pipenv", "step 2's exercise needs it, to write a Pipfile.lock")
    yield check_tool("pre-commit", "extra 3's exercise needs it, to export requirements.txt with a hook")
    yield check_index()
    yield check_port()
    if not docker:
        yield disk_result(REPO, "beside the repository")
        return
    yield (engine := check_docker())
    if engine.ok:
        yield check_compose()
        yield check_architecture()
        yield check_docker_disk()
        yield from map(check_base_image, base_images())
        yield check_buildkit()


def report(docker: bool = True, out=print) -> list[Result]:
    out("Is this machine ready for the workshop?")
    results = []
    for result in checks(docker):
        results.append(result)
        mark = {True: "ok", False: "FAIL", None: "warn"}[result.ok]
        out(f"  {mark:5} {result.name:18} {result.detail}")
        if result.ok is not True and result.fix:
            out(f"  {'':5} {'':18} fix: {result.fix}")
    failed = [result for result in results if result.ok is False]
    if not docker:
        out("(Docker's checks left out: run without --no-docker for the engine, Compose, BuildKit and base images)")
    out(f"{len(failed)} problem(s): fix them, then run `python3 -m tools.workshop doctor` again."
        if failed else "Ready.")
    return results
