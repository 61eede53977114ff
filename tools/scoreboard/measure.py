"""Builds, runs and inspects one image of the series; returns what it measured."""

import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from tools import docker_cli
from tools.scoreboard import LOAD_CONNECTIONS, LOAD_S, LOAD_THREADS, LOAD_WORKERS, WARM_UP_S
from tools.series import REPO, Step, Variant

IMAGE_REPOSITORY = "dockerizing-python-scoreboard"
STANDIN_LABEL = "org.dockerizing-python.standin"
# A developer's local clutter, absent from a clean checkout: never part of a measurement.
CLUTTER = (".venv*", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache")
# A server that does not answer within this long is broken, whatever --timeout allows.
STARTUP_LIMIT = 120
STOP_GRACE = 10  # `docker stop --time`, Docker's default


@dataclass(frozen=True)
class Image:
    """One image of the series: a step's Dockerfile, or one of its variants."""

    step: Step
    variant: Variant | None = None

    @property
    def key(self) -> str:
        return self.step.name + (f":{self.variant.name}" if self.variant else "")

    @property
    def dockerfile(self) -> str:
        return self.variant.dockerfile if self.variant else "Dockerfile"

    @property
    def target(self) -> str | None:
        return self.variant.target if self.variant else None

    @property
    def base(self) -> str:
        return self.variant.base if self.variant else self.step.base

    @property
    def tag(self) -> str:
        return f"{IMAGE_REPOSITORY}/{self.step.name}:{self.variant.name if self.variant else 'latest'}"


def images_of(steps: list[Step]) -> list[Image]:
    return [Image(step, variant) for step in steps for variant in (None, *step.variants)]


_CACHE_MOUNT = re.compile(r"--mount=\S*\btype=cache\b")


def uses_cache_mounts(dockerfile: Path) -> bool:
    return bool(_CACHE_MOUNT.search(dockerfile.read_text()))


def dockerfile_digest(path: Path) -> str:
    """SHA-256 of a Dockerfile, line endings normalised (a Windows checkout hashes the same)."""
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


class OutOfTime(Exception):
    pass


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self, at_most: float | None = None) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise OutOfTime()
        return left if at_most is None else min(left, at_most)


def spread(samples: list[float]) -> dict:
    """The median a table shows, and the spread the JSON keeps."""
    return {
        "median": round(statistics.median(samples), 2),
        "min": round(min(samples), 2),
        "max": round(max(samples), 2),
        "samples": [round(sample, 2) for sample in samples],
    }


# Run inside the container with its own Python: who PID 1 is, and its gunicorn workers.
_PROCESS_FACTS = r"""
import json, os, pwd
processes = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        stat = open(f"/proc/{pid}/stat").read()
        cmdline = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()
        status = open(f"/proc/{pid}/status").read().splitlines()
    except OSError:
        continue
    uid = int(next(line for line in status if line.startswith("Uid:")).split()[1])
    processes[int(pid)] = (int(stat.rsplit(")", 1)[1].split()[1]), uid, cmdline.strip())
ppid, uid, cmdline = processes[1]
children = lambda parent: [p for p, (pp, _, c) in processes.items() if pp == parent]
master = 1
if "gunicorn" not in cmdline:  # a shell-form CMD: gunicorn runs under /bin/sh
    master = next((p for p in children(1) if "gunicorn" in processes[p][2]), None)
try:
    user = pwd.getpwuid(uid).pw_name
except KeyError:
    user = None
print(json.dumps({
    "uid": uid, "user": user, "pid1": cmdline,
    "workers": len(children(master)) if master else 0,
}))
"""


def process_facts(container: docker_cli.Container, deadline: Deadline) -> dict:
    """Facts about the running server, once its workers have stopped appearing."""
    facts = None
    for _ in range(20):
        output = docker_cli.docker(
            "exec", container.id, "python3", "-c", _PROCESS_FACTS, timeout=deadline.left(60)
        )
        latest = json.loads(output)
        if facts and latest["workers"] and latest["workers"] == facts["workers"]:
            return latest
        facts = latest
        time.sleep(0.25)
    return facts


def first_200(container: docker_cli.Container, path: str, deadline: Deadline) -> float:
    """time.monotonic() of the first 200 from `path`, polling as fast as makes sense."""
    limit = time.monotonic() + deadline.left(STARTUP_LIMIT)
    next_check = time.monotonic() + 1
    while time.monotonic() < limit:
        try:
            with urllib.request.urlopen(container.url + path, timeout=1) as response:
                if response.status == 200:
                    return time.monotonic()
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > next_check:
            if not container.state().get("Running"):
                raise docker_cli.DockerError(
                    f"the container stopped before serving:\n{container.logs()}"
                )
            next_check = time.monotonic() + 1
        time.sleep(0.01)
    deadline.left()  # OutOfTime if the image's time is what ran out
    raise docker_cli.DockerError(
        f"no 200 from {path} within {STARTUP_LIMIT} s:\n{container.logs()}"
    )


def empty_cache_mounts(deadline: Deadline) -> None:
    """Empty every BuildKit cache mount (`RUN --mount=type=cache`) of the engine."""
    docker_cli.docker(
        "builder", "prune", "--force", "--filter", "type=exec.cachemount", timeout=deadline.left(120)
    )


def drop_layer_cache(deadline: Deadline) -> None:
    """Forget every cached layer of the engine (images stay), keeping the cache mounts."""
    docker_cli.docker(
        "builder", "prune", "--force", "--all", "--filter", "type=regular", timeout=deadline.left(120)
    )


# The dependency a lock-change rebuild moves to its previous release: small, pure
# Python, in every lock of the series, and pinned by no pyproject.toml (a transitive
# dependency), so Poetry still finds its lock fresh.
LOCK_BUMP = "idna"
# Files that pin it: Poetry's lock, exported or hand-made requirements, pipenv's lock.
LOCK_FILES = ("poetry.lock", "requirements.txt", "alternatives/requirements.txt", "alternatives/Pipfile.lock")
_SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


def index_url() -> str:
    """The package index pip uses here (its default, or a mirror it was pointed at)."""
    try:
        from pip._internal.models.index import PyPI
        return PyPI.simple_url
    except ImportError:
        return "https://pypi.org/simple/"


def _version_key(version: str) -> tuple:
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


def index_files(name: str, deadline: "Deadline") -> list[dict]:
    """Every file the index has for a project, from its JSON (PEP 691)."""
    request = urllib.request.Request(
        index_url().rstrip("/") + f"/{name}/", headers={"Accept": _SIMPLE_JSON}
    )
    with urllib.request.urlopen(request, timeout=deadline.left(30)) as response:
        return [f for f in json.load(response)["files"] if not f.get("yanked")]


def release_version(filename: str, name: str) -> str | None:
    """3.19 from idna-3.19-py3-none-any.whl or idna-3.19.tar.gz."""
    for prefix in {name, name.replace("-", "_")}:
        if filename.startswith(prefix + "-"):
            rest = filename[len(prefix) + 1:]
            return rest.split("-")[0] if rest.endswith(".whl") else rest.removesuffix(".tar.gz").removesuffix(".zip")
    return None


def previous_release(name: str, version: str, deadline: "Deadline") -> tuple[str, dict[str, str]] | None:
    """The release before `version` and its {file name: sha256}; None if there is none."""
    by_version: dict[str, dict[str, str]] = {}
    for f in index_files(name, deadline):
        found = release_version(f["filename"], name)
        if found and -1 not in _version_key(found):
            by_version.setdefault(found, {})[f["filename"]] = f["hashes"]["sha256"]
    older = [v for v in by_version if _version_key(v) < _version_key(version)]
    if not older:
        return None
    new = max(older, key=_version_key)
    return new, by_version[new]


_POETRY_PACKAGE = r'(\[\[package\]\]\nname = "{name}"\nversion = ")([^"]+)(".*?\nfiles = \[\n)(.*?)(\n\])'
_REQUIREMENT = r"(?im)^({name}==)([^\s;\\]+)([^\n\\]*)((?:\s*\\\n\s+--hash=\S+)*)"


def bump_lock(folder: Path, deadline: "Deadline") -> dict | None:
    """Moves LOCK_BUMP to its previous release in every lock file of `folder` that pins it,
    hashes included, as re-locking and re-exporting would. None when no file pins it."""
    name, found = LOCK_BUMP, {}
    for relative in LOCK_FILES:
        path = folder / relative
        if not path.is_file():
            continue
        text = path.read_text()
        if relative.endswith("Pipfile.lock"):
            entry = json.loads(text).get("default", {}).get(name)
            if entry:
                found[relative] = entry["version"].lstrip("=")
        elif match := re.search(_POETRY_PACKAGE.format(name=name), text, re.S) if relative.endswith("poetry.lock") \
                else re.search(_REQUIREMENT.format(name=name), text):
            found[relative] = match.group(2)
    if not found:
        return None
    old = next(iter(found.values()))
    previous = previous_release(name, old, deadline)
    if previous is None:
        return None
    new, files = previous
    for relative in found:
        path = folder / relative
        text = path.read_text()
        if relative.endswith("Pipfile.lock"):
            lock = json.loads(text)
            lock["default"][name].update(
                version=f"=={new}", hashes=[f"sha256:{digest}" for digest in files.values()]
            )
            text = json.dumps(lock, indent=4) + "\n"
        elif relative.endswith("poetry.lock"):
            listed = ",\n".join(
                f'    {{file = "{file}", hash = "sha256:{digest}"}}' for file, digest in files.items()
            )
            text = re.sub(
                _POETRY_PACKAGE.format(name=name),
                lambda m: m.group(1) + new + m.group(3) + listed + "," + m.group(5), text, count=1, flags=re.S,
            )
        else:
            def requirement(m):
                hashes = "".join(f" \\\n    --hash=sha256:{digest}" for digest in files.values())
                return m.group(1) + new + m.group(3).rstrip() + (hashes if m.group(4) else "")
            text = re.sub(_REQUIREMENT.format(name=name), requirement, text, count=1)
        path.write_text(text)
    return {"package": name, "from": old, "to": new}


class LoadTestFailed(Exception):
    pass


_WRK_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_WRK_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_WRK_HTTP_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def wrk(url: str, seconds: int, deadline: Deadline) -> dict:
    """One wrk run: requests per second and the errors it counted."""
    command = ["wrk", f"-t{LOAD_THREADS}", f"-c{LOAD_CONNECTIONS}", f"-d{seconds}s", url]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=deadline.left(seconds + 30))
    rate = _WRK_RATE.search(proc.stdout)
    if proc.returncode != 0 or not rate:
        raise LoadTestFailed(f"{' '.join(command[:-1])} failed:\n{proc.stdout}{proc.stderr}".strip())
    socket_errors = _WRK_SOCKET_ERRORS.search(proc.stdout)
    http_errors = _WRK_HTTP_ERRORS.search(proc.stdout)
    return {
        "rps": float(rate.group(1)),
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "http_errors": int(http_errors.group(1)) if http_errors else 0,
    }


def wrk_version() -> str | None:
    """`wrk -v` prints "wrk VERSION [engine] ..." (and exits 1); None without wrk."""
    if not shutil.which("wrk"):
        return None
    proc = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10)
    words = (proc.stdout + proc.stderr).split()
    return words[1] if len(words) > 1 and words[0] == "wrk" else "unknown"


class Scratch:
    """Folders, images and containers made while measuring, all removed afterwards."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="scoreboard-"))
        self.tags: list[str] = []
        self.ids: dict[str, str] = {}  # tag -> image id it points at
        self.containers: list[docker_cli.Container] = []

    def copy(self, source: Path, fresh_mtimes: bool = False) -> Path:
        """A copy of a folder without local clutter.

        BuildKit sends only what changed since the last context it received, so a copy
        whose files all carry new modification times makes it send, and report, the
        whole context. The layer cache ignores modification times.
        """
        folder = self.root / uuid.uuid4().hex[:12]
        shutil.copytree(
            source, folder, ignore=shutil.ignore_patterns(*CLUTTER), symlinks=True,
            copy_function=shutil.copy if fresh_mtimes else shutil.copy2,
        )
        return folder

    def build(self, folder: Path, image: Image, tag: str, deadline: Deadline, **options):
        self.tags.append(tag)
        build = docker_cli.build(
            folder, tag, image.dockerfile, image.target, timeout=deadline.left(), **options
        )
        # Every build through Compose gets a new image id (Compose labels the image with
        # its one-off project name): remove the one the tag pointed at before.
        image_id = docker_cli.docker("image", "inspect", "--format", "{{.Id}}", tag)
        if self.ids.get(tag) not in (None, image_id):
            docker_cli.docker("image", "rm", self.ids[tag], check=False)
        self.ids[tag] = image_id
        return build

    def remove_image(self, tag: str) -> None:
        docker_cli.remove_image(tag)
        self.ids.pop(tag, None)

    def clean(self) -> None:
        for container in self.containers:
            container.remove()
        for tag in dict.fromkeys(self.tags):
            docker_cli.remove_image(tag)
        for image_id in self.ids.values():
            docker_cli.docker("image", "rm", image_id, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


_URL_HOST = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s\"']+")
_LOOKUP = re.compile(r"\blookup [^\s:]+")
_REGISTRY = re.compile(r"(?<![\w./-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z][a-z0-9-]*(?::\d+)?/(?=\w)")  # a registry before an image name
_ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b")


def redact(text: str, *paths: Path) -> str:
    """An error for the committed JSON: no host names, addresses or this machine's paths."""
    for path in paths:
        text = text.replace(str(path), f"<{path.name}>")
    text = _URL_HOST.sub(r"\1<host>", text)
    text = _LOOKUP.sub("lookup <host>", text)
    text = _REGISTRY.sub("<registry>/", text)
    return _ADDRESS.sub("<address>", text)


def base_facts(base: str) -> dict:
    try:
        config = docker_cli.image_config(base)
    except docker_cli.DockerError:
        raise docker_cli.DockerError(
            f"the base image {base} is not present: run `tools/standins/build.sh {base}` "
            "(it pulls, or builds an offline stand-in)"
        ) from None
    return {
        "image": base,
        "standin": (config.get("Labels") or {}).get(STANDIN_LABEL) == "true",
        "size_bytes": docker_cli.image_size(base),
        "layers": docker_cli.image_layers(base),
    }


def measure(image: Image, repeat: int, timeout: float, say=print) -> dict:
    """Everything the scoreboard shows about one image; status "failed" says where it broke."""
    entry = {
        "key": image.key,
        "step": image.step.name,
        "variant": image.variant.name if image.variant else None,
        "dockerfile": image.dockerfile,
        "target": image.target,
        "dockerfile_sha256": dockerfile_digest(image.step.path / image.dockerfile),
        "status": "ok",
    }
    began = time.monotonic()
    deadline = Deadline(timeout)
    scratch = Scratch()
    phase = "base image"
    try:
        entry["base"] = base_facts(image.base)

        cache_mounts = uses_cache_mounts(image.step.path / image.dockerfile)
        cold, warm, context, warnings = [], [], [], []

        def every_run_ran(build: docker_cli.Build) -> None:
            # A build from scratch runs every RUN; one that did not makes the time meaningless.
            if reused := [i.text for i in build.log.instructions if i.cached and i.text.startswith("RUN")]:
                warnings.append(f"{phase} took these from the cache: {reused}")
                say(f"warning: {warnings[-1]}")

        for attempt in range(1, repeat + 1):
            phase = f"cold build {attempt}/{repeat}"
            empty_cache_mounts(deadline)
            folder = scratch.copy(image.step.path, fresh_mtimes=True)
            build = scratch.build(folder, image, image.tag, deadline, no_cache=True)
            cold.append(build.seconds)
            context.append(build.log.context_bytes)
            say(f"{phase}: {build.seconds:.1f} s, context {build.log.context_bytes} B")
            every_run_ran(build)
            if cache_mounts:
                # BuildKit's --no-cache ignores cache mounts too; dropping the layer cache
                # runs every instruction again with the mounts as the cold build left them.
                phase = f"rebuild from scratch, cache mounts warm {attempt}/{repeat}"
                scratch.remove_image(image.tag)
                drop_layer_cache(deadline)
                folder = scratch.copy(image.step.path, fresh_mtimes=True)
                build = scratch.build(folder, image, image.tag, deadline)
                warm.append(build.seconds)
                say(f"{phase}: {build.seconds:.1f} s")
                every_run_ran(build)

        noop = []
        for attempt in range(1, repeat + 1):
            phase = f"rebuild without change {attempt}/{repeat}"
            build = scratch.build(folder, image, image.tag, deadline)
            noop.append(build.seconds)
            say(f"{phase}: {build.seconds:.1f} s")

        change, reinstalled = [], []
        for attempt in range(1, repeat + 1):
            phase = f"rebuild after a one-line app change {attempt}/{repeat}"
            copy = scratch.copy(folder)
            with open(copy / image.step.app_source, "a") as source:
                source.write(f"# a one-line change to the app ({uuid.uuid4().hex[:8]})\n")
            tag = f"{IMAGE_REPOSITORY}/scratch:{uuid.uuid4().hex[:12]}"
            build = scratch.build(copy, image, tag, deadline)
            scratch.remove_image(tag)
            shutil.rmtree(copy)
            change.append(build.seconds)
            # Where the time went: BuildKit's own timing of each instruction that ran.
            change_steps = [
                {"instruction": " ".join(i.text.split())[:120], "seconds": i.seconds}
                for i in build.log.instructions if not i.cached
            ]
            installs = build.log.matching(image.step.dependency_install)
            if installs:
                reinstalled.append(any(not install.cached for install in installs))
            say(f"{phase}: {build.seconds:.1f} s")

        lock_change, downloads, bumped = [], [], None
        for attempt in range(1, repeat + 1):
            phase = f"rebuild after one dependency changed version {attempt}/{repeat}"
            copy = scratch.copy(folder)
            bumped = bump_lock(copy, deadline)
            if bumped is None:
                say(f"no lock file pins {LOCK_BUMP}: no lock-change rebuild")
                shutil.rmtree(copy)
                break
            tag = f"{IMAGE_REPOSITORY}/scratch:{uuid.uuid4().hex[:12]}"
            build = scratch.build(copy, image, tag, deadline)
            scratch.remove_image(tag)
            shutil.rmtree(copy)
            lock_change.append(build.seconds)
            counts = [i.downloads() for i in build.log.matching(image.step.dependency_install) if not i.cached]
            downloads.append(sum(counts) if counts and None not in counts else None)
            say(f"{phase} ({bumped['package']} {bumped['from']} -> {bumped['to']}): "
                f"{build.seconds:.1f} s, {downloads[-1]} package(s) downloaded")

        phase = "inspecting the image"
        config = docker_cli.image_config(image.tag)
        size, layers = docker_cli.image_size(image.tag), docker_cli.image_layers(image.tag)
        healthcheck = (config.get("Healthcheck") or {}).get("Test") or ["NONE"]

        startup, stop, facts, exit_codes = [], [], None, []
        for attempt in range(1, repeat + 1):
            phase = f"start-up {attempt}/{repeat}"
            started = time.monotonic()
            container = docker_cli.run(image.tag)
            scratch.containers.append(container)
            startup.append(first_200(container, "/", deadline) - started)
            if facts is None:
                facts = process_facts(container, deadline)
            phase = f"docker stop {attempt}/{repeat}"
            started = time.monotonic()
            docker_cli.docker(
                "stop", "--time", str(STOP_GRACE), container.id,
                timeout=deadline.left(STOP_GRACE + 30),
            )
            stop.append(time.monotonic() - started)
            exit_codes.append(container.state().get("ExitCode"))
            container.remove()
            say(f"start-up {startup[-1]:.2f} s, docker stop {stop[-1]:.2f} s")

        throughput = None
        if shutil.which("wrk"):
            runs, load, workers = [], [], None
            for attempt in range(1, repeat + 1):
                phase = f"throughput {attempt}/{repeat}"
                container = docker_cli.run(image.tag, {"WORKERS": str(LOAD_WORKERS)})
                scratch.containers.append(container)
                first_200(container, "/", deadline)
                workers = process_facts(container, deadline)["workers"]
                wrk(container.url + "/", WARM_UP_S, deadline)
                # How busy the machine was (builds, other work) as the sample began.
                load.append(round(os.getloadavg()[0], 2))
                runs.append(wrk(container.url + "/", LOAD_S, deadline))
                container.remove()
                say(f"{phase}: {runs[-1]['rps']:.0f} requests/s, errors: "
                    f"{runs[-1]['http_errors']} HTTP, {runs[-1]['socket_errors']} socket")
            throughput = {
                **spread([run["rps"] for run in runs]),
                "http_errors": [run["http_errors"] for run in runs],
                "socket_errors": [run["socket_errors"] for run in runs],
                "load_average_1m": load,
                "workers": workers,
            }
        else:
            say("wrk is not installed: no throughput (install it: apt-get install wrk, brew install wrk)")

        entry.update({
            "size_bytes": size,
            "added_bytes": size - entry["base"]["size_bytes"],
            "layers": layers,
            "added_layers": layers - entry["base"]["layers"],
            "context_bytes": max(context),
            "cold_build_s": spread(cold),
            "cache_mounts": cache_mounts,
            # None: the Dockerfile has no cache mount, so it would equal the cold build.
            "rebuild_warm_cache_mounts_s": spread(warm) if warm else None,
            "noop_rebuild_s": spread(noop),
            "code_change_rebuild_s": spread(change),
            # The last app-change rebuild's instructions that ran, as BuildKit timed them.
            "code_change_steps": change_steps,
            # None: no lock file of the image pins LOCK_BUMP.
            "lock_change_rebuild_s": spread(lock_change) if lock_change else None,
            "lock_change": bumped,
            # Per run; None where the installer's log does not say (Poetry, pipenv).
            "lock_change_downloads": downloads if lock_change else None,
            # None: no instruction matched the step's dependency_install pattern.
            "code_change_reinstalls_dependencies": any(reinstalled) if reinstalled else None,
            "startup_s": spread(startup),
            "stop_s": spread(stop),
            "stop_exit_codes": exit_codes,
            "throughput_rps": throughput,  # None: wrk was not installed
            "user": {"uid": facts["uid"], "name": facts["user"]},
            "pid1": facts["pid1"],
            "workers": facts["workers"],
            "healthcheck": healthcheck != ["NONE"],
        })
        if warnings:
            entry["warnings"] = warnings
    except docker_cli.BuildFailed as error:
        entry.update(status="failed", phase=phase, error=redact(error.log.tail(), scratch.root, REPO))
    except (OutOfTime, subprocess.TimeoutExpired):
        entry.update(status="failed", phase=phase, error=f"took longer than --timeout {timeout:.0f} s")
    except (docker_cli.DockerError, LoadTestFailed, OSError) as error:
        entry.update(status="failed", phase=phase, error=redact(str(error), scratch.root, REPO))
    finally:
        scratch.clean()
    entry["measure_s"] = round(time.monotonic() - began, 1)  # this whole measurement
    return entry


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    return platform.processor() or None


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def environment(repeat: int) -> dict:
    """The machine and the Docker a run measured with (no host names, no paths)."""
    return {
        "machine": {
            "os": platform.system(),
            "arch": platform.machine(),
            "cpu": _cpu_model(),
            "cpus": os.cpu_count(),
            "memory_bytes": _memory_bytes(),
            # Other work on the machine skews timings; this says how busy it was.
            "load_average_at_start": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        },
        "docker": {
            "engine": docker_cli.docker("version", "--format", "{{.Server.Version}}"),
            "os": docker_cli.docker("info", "--format", "{{.OperatingSystem}}"),
            "compose": docker_cli.docker("compose", "version", "--short"),
        },
        "repeat": repeat,
        "load_test": {
            "wrk": wrk_version(),
            "threads": LOAD_THREADS,
            "connections": LOAD_CONNECTIONS,
            "warm_up_s": WARM_UP_S,
            "duration_s": LOAD_S,
            "workers": LOAD_WORKERS,
        },
    }
