"""The room cache: the host's laptop serves packages and base images to the room.

    python3 -m tools.workshop serve                # on the host's laptop, until Ctrl-C
    python3 -m tools.workshop room URL             # on each laptop: bases install from URL
    python3 -m tools.workshop room --leave         # afterwards: the original bases back

`serve` runs proxpi (room-cache/), a caching proxy of the package index, and registry:2 as a
pull-through cache of Docker Hub. A laptop's environment does not reach inside a build, so `room`
rebuilds each Python base with the cache's address in its environment, under the base's own tag
(pip, uv and pipenv read it; Poetry only with the plugin the offline stand-ins carry).
"""

import re
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from tools import docker_cli
from tools.series import Step
from tools.workshop import copy_app
from tools.workshop.doctor import base_images

CACHE_FILES = Path(__file__).parent / "room-cache"
INDEX_IMAGE = "dockerizing-python-room/index:proxpi-1.3.1"
NAME = "dockerizing-python-room"
INDEX_PORT, REGISTRY_PORT = 3141, 5001
UPSTREAM_REGISTRY = "https://registry-1.docker.io"
ORIGINAL_LABEL = "org.dockerizing-python.room-original"
# A line of proxpi's DEBUG log for each file it fetches from the upstream index.
UPSTREAM_DOWNLOAD = re.compile(r"Downloading '(?P<url>[^']+)'")
# gunicorn's access log: a file the cache served (200; 206 for the part of it uv reads first) or sent upstream (302).
SERVED = re.compile(r'"GET /index/[^/ ]+/(?P<file>[^/ ?]+) HTTP/[\d.]+" (?P<status>\d{3})')


def upstream_index() -> str:
    """PyPI's simple index as this Python's pip names it (the laptop's pip configuration is not read)."""
    try:
        from pip._internal.models.index import PyPI
    except ImportError:  # a Python without pip
        return "https://pypi.org/simple/"
    return PyPI.simple_url.rstrip("/") + "/"


def lan_address() -> str | None:
    """This laptop's address on its default route (None without one): check it, a VPN may own it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # a documentation address: connecting sends nothing
            return sock.getsockname()[0]
        except OSError:
            return None


@dataclass
class Room:
    name: str
    address: str
    index_port: int
    registry_port: int
    index: docker_cli.Container | None = None
    registry_container: docker_cli.Container | None = None
    registry_problem: str | None = None

    @property
    def index_url(self) -> str:
        return f"http://{self.address}:{self.index_port}/index/"

    @property
    def registry(self) -> str:
        return f"{self.address}:{self.registry_port}"

    def upstream_downloads(self) -> list[str]:
        """The files the cache fetched from the upstream index, in order."""
        return [m["url"] for m in UPSTREAM_DOWNLOAD.finditer(self.index.logs(lines="all"))]

    def served(self) -> list[tuple[str, int]]:
        """(file, HTTP status) for each file request the cache answered."""
        return [(m["file"], int(m["status"])) for m in SERVED.finditer(self.index.logs(lines="all"))]

    def cached_bytes(self) -> dict[str, int]:
        """The size of each file in the cache, by name (its access log gives none for files)."""
        listing = docker_cli.docker("exec", self.index.id, "find", "/var/cache/proxpi", "-type", "f",
                                    "-printf", "%s %f\\n", check=False)
        return {name: int(size) for size, name in (line.split(" ", 1) for line in listing.splitlines())}

    def attendee_lines(self) -> list[str]:
        return [
            "On each laptop, before the first build (once per laptop; `--leave` undoes it):",
            f"    python3 -m tools.workshop room {self.index_url}",
            "and for the laptop's own installs (the check's .venv-tests, pipx):",
            f"    export PIP_INDEX_URL={self.index_url} PIP_TRUSTED_HOST={self.address} "
            f"UV_DEFAULT_INDEX={self.index_url}",
        ] + ([f"No base images through the room: {self.registry_problem}."] if self.registry_problem else [
            "Laptops still without the bases, before `room`: add these two lines to Docker's daemon.json "
            "(Docker Desktop: Settings, Docker Engine), restart the engine (it stops its containers), "
            "then pull the bases, one laptop first:",
            f'    "registry-mirrors": ["http://{self.registry}"],',
            f'    "insecure-registries": ["{self.registry}"]',
        ]) + [f"Attendees reach this laptop at {self.address}; if that is not its address on the room's "
              "network (a VPN, WSL 2), start again with --address before they run `room`."]

    def stop(self) -> None:
        docker_cli.docker("rm", "--force", "--volumes", f"{self.name}-index", f"{self.name}-registry", check=False)
        docker_cli.docker("network", "rm", self.name, check=False)


def start(
    listen: str = "", address: str | None = None, index_port: int = INDEX_PORT,
    registry_port: int = REGISTRY_PORT, name: str = NAME, upstream_registry: str = UPSTREAM_REGISTRY,
) -> Room:
    """Start both caches, published on `listen` (every interface by default). Where the registry
    cannot start (registry:2 missing; 2.8 stops at once when its upstream does not answer), the room
    has the package cache alone and `registry_problem` says why."""
    if reason := docker_cli.unreachable_reason():
        raise docker_cli.DockerError(reason)
    # On a laptop that ran `room`, its own base would install through the cache not yet running.
    docker_cli.build(CACHE_FILES, INDEX_IMAGE, dockerfile="index.Dockerfile",
                     args={"BASE": unreplaced("python:3.11-slim")})
    local = "127.0.0.1" if listen in ("", "0.0.0.0") else listen
    address = address or (listen if listen not in ("", "0.0.0.0") else lan_address())
    if not address:
        raise docker_cli.DockerError("this laptop has no network route: join the room's network, or give --address")
    room = Room(name, address, index_port, registry_port)
    room.stop()  # what an interrupted earlier run left
    if docker_cli.docker("network", "ls", "--quiet", "--filter", f"name=^{name}$") == "":
        docker_cli.docker("network", "create", "--label", f"{docker_cli.LABEL}=1", name)
    try:
        room.index = _run(name, "index", listen, index_port, INDEX_IMAGE, f"PROXPI_INDEX_URL={upstream_index()}")
        docker_cli.wait_for(lambda: docker_cli.answers_200(f"http://{local}:{index_port}/health"),
                            "the package cache answering", 60, container=room.index, ignoring=(OSError,))
        try:
            docker_cli.image_config("registry:2")
        except docker_cli.DockerError:
            room.registry_problem = "registry:2 is not on this laptop: pull it, or build its stand-in"
        else:
            try:
                room.registry_container = _run(name, "registry", listen, registry_port, "registry:2",
                                               f"REGISTRY_PROXY_REMOTEURL={upstream_registry}")
                docker_cli.wait_for(lambda: docker_cli.answers_200(f"http://{local}:{registry_port}/v2/"),
                                    "the registry answering", 60, container=room.registry_container,
                                    ignoring=(OSError,))
            except docker_cli.DockerError as error:
                log = room.registry_container.logs(lines="all") if room.registry_container else str(error)
                panic = re.findall(r"^panic: (.*)$", log, re.M)
                room.registry_problem = (f"{upstream_registry} does not answer: {panic[0]}" if panic
                                         else f"registry:2 did not start: {log.strip().splitlines()[-1]}")
                if room.registry_container:
                    room.registry_container.remove()
    except BaseException:
        room.stop()
        raise
    return room


def _run(name: str, part: str, listen: str, port: int, image: str, env: str) -> docker_cli.Container:
    published = f"{listen}:{port}:5000" if listen else f"{port}:5000"
    container_id = docker_cli.docker(
        "run", "--detach", "--network", name, "--label", f"{docker_cli.LABEL}=1", "--name", f"{name}-{part}",
        "--publish", published, "--env", env, image,
    )
    return docker_cli.Container(container_id, None)


def serve(**options) -> int:
    """Run the caches until Ctrl-C (or SIGTERM), then say what reached upstream."""
    # Ctrl-C and SIGTERM stop it, even where it was started with SIGINT ignored (a background job of a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        room = start(**options)
    except (docker_cli.DockerError, subprocess.TimeoutExpired) as error:
        print(f"the room cache did not start: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    try:
        print(f"The room cache is serving packages at {room.index_url}"
              + ("" if room.registry_problem else f" and images at {room.registry}") + ".")
        print("\n".join([*room.attendee_lines(), "Ctrl-C stops it."]), flush=True)
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        fetched = room.upstream_downloads()
        served = [file for file, status in room.served() if status == 200]
        print(f"\nThe room downloaded {len(served)} files from the cache; the cache fetched "
              f"{len(fetched)} files upstream ({len(set(fetched))} different).", flush=True)
        room.stop()
        print("Stopped: the cache is empty again.")
    return 0


def python_bases() -> list[str]:
    return [base for base in base_images() if base.startswith("python:")]


def original_tag(base: str) -> str:
    """Where `room` keeps the base it replaced, under a tag of its own."""
    return "dockerizing-python-room/original:" + re.sub(r"[^\w.-]", "-", base)


def unreplaced(base: str) -> str:
    """`base`, or where `room` keeps it while the room's version has its tag."""
    try:
        return (docker_cli.image_config(base).get("Labels") or {}).get(ORIGINAL_LABEL) or base
    except docker_cli.DockerError:
        return base


def use(index_url: str, bases: list[str] | None = None) -> list[str]:
    """Rebuild each Python base present here to install from `index_url`, under its own tag."""
    done = []
    for base in bases or python_bases():
        try:
            labels = docker_cli.image_config(base).get("Labels") or {}
        except docker_cli.DockerError:
            continue  # not on this laptop
        if ORIGINAL_LABEL not in labels:  # not yet replaced: keep it
            docker_cli.docker("tag", base, original_tag(base))
        wrap(original_tag(base), index_url, base, labeled=False)
        done.append(base)
    return done


def wrap(base: str, index_url: str, tag: str, labeled: bool = True) -> None:
    """Build `base` with the room cache's address in its environment, as `tag`; unlabeled,
    `docker image prune --filter label=...` of the suite's images leaves it alone."""
    docker_cli.build(CACHE_FILES, tag, dockerfile="base.Dockerfile", labeled=labeled, args={
        "BASE": base, "INDEX_URL": index_url,
        "INDEX_HOST": urllib.parse.urlsplit(index_url).hostname, "ORIGINAL": base,
    })


def leave(bases: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Tag each replaced base's original back in its place: (restored, to pull again)."""
    restored, lost = [], []
    for base in bases or python_bases():
        try:
            original = (docker_cli.image_config(base).get("Labels") or {}).get(ORIGINAL_LABEL)
        except docker_cli.DockerError:
            continue
        if not original:  # not replaced, or pulled again since: drop what `room` kept
            docker_cli.docker("image", "rm", original_tag(base), check=False)
            continue
        try:
            wrapped = docker_cli.image_id(base)
            docker_cli.docker("tag", original, base)
            docker_cli.docker("image", "rm", original)
            docker_cli.docker("image", "rm", wrapped, check=False)  # untagged now
            restored.append(base)
        except docker_cli.DockerError:  # its original was removed meanwhile
            lost.append(base)
    return restored, lost


def checked_index_url(url: str) -> str:
    """The address `serve` printed, if the cache answers there; else what is wrong with it."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.rstrip("/") != "/index":
        raise ValueError(f"{url!r} is not an address like http://192.168.1.10:{INDEX_PORT}/index/, "
                         "the one `serve` printed")
    health = f"{parts.scheme}://{parts.netloc}/health"
    try:
        answers = docker_cli.answers_200(health)
    except OSError as error:
        answers = error
    if answers is not True:
        raise ValueError(f"the room cache does not answer at {health}: {answers}")
    return url if url.endswith("/") else url + "/"


def room_tag(base: str) -> str:
    return f"{docker_cli.TEST_REPOSITORY}/room-base:" + base.replace(":", "-")


def build_through(
    room: Room, step: Step, folders: list[Path], tag: str, dockerfile: str = "Dockerfile", target: str | None = None,
) -> list[dict]:
    """Build each copy of `step` from bases that install through `room`, one after another: their FROM
    lines name wrapped copies of the bases (`room_tag`), leaving the suite's own untouched, and the builds
    use the host's network to reach the cache on 127.0.0.1 (on the day, `room` wraps the bases in place)."""
    bases = sorted({base for base in re.findall(r"^FROM (python:\S+)", (step.path / dockerfile).read_text(), re.M)})
    for base in bases:
        wrap(base, room.index_url, room_tag(base))
    results = []
    for folder in folders:
        text = (folder / dockerfile).read_text()
        for base in bases:
            text = re.sub(rf"^FROM {re.escape(base)}\b", f"FROM {room_tag(base)}", text, flags=re.M)
        (folder / dockerfile).write_text(text)
        before = len(room.served())
        build = docker_cli.build(folder, tag, dockerfile, target, no_cache=True, network="host")
        window, sizes = room.served()[before:], room.cached_bytes()
        results.append({
            "seconds": round(build.seconds, 1),
            "files": sum(1 for _, status in window if status == 200),
            "bytes": sum(sizes.get(file, 0) for file, status in window if status == 200),
            "redirected": sum(1 for _, status in window if 300 <= status < 400),
            "upstream_files": len(room.upstream_downloads()),
        })
    for base in bases:
        docker_cli.remove_image(room_tag(base))
    return results


def measure(step: Step, copies: int = 3, say=print) -> dict:
    """`copies` copies of the step built one after another without the cache, then through it."""
    if replaced := [base for base in python_bases() if unreplaced(base) != base]:
        raise docker_cli.DockerError(f"{', '.join(replaced)} install from a room cache here: "
                                     "`python3 -m tools.workshop room --leave` first")
    tag = f"{docker_cli.TEST_REPOSITORY}/room-measure:latest"
    with tempfile.TemporaryDirectory() as scratch:
        folders = [Path(scratch) / f"copy-{n}" for n in range(copies)]
        for folder in folders:
            copy_app(step, folder)
        without = []
        for folder in folders:
            without.append(round(docker_cli.build(folder, tag, no_cache=True).seconds, 1))
            say(f"[room] without the cache: {without[-1]} s")
        room = start(listen="127.0.0.1", index_port=docker_cli.free_port(),
                     registry_port=docker_cli.free_port(), name=f"{NAME}-measure")
        try:
            through = build_through(room, step, folders, tag)
            fetched = room.upstream_downloads()
        finally:
            room.stop()
            docker_cli.remove_image(tag)
    for result in through:
        say(f"[room] through the cache: {result['seconds']} s, {result['files']} files, "
            f"{result['upstream_files']} fetched upstream so far")
    return {"exercise": step.name, "copies": copies, "without": without, "through": through,
            "upstream_files": len(fetched), "different_upstream_files": len(set(fetched))}
