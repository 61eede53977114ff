"""Measures one image of the series, phase by phase, into its scoreboard entry; and what the run measured
with. A failure is recorded, not raised: the entry's status says "failed", at which phase, and the log's end."""

import os
import subprocess
import time
from collections.abc import Callable

from tools import docker_cli, machine, scoreboard
from tools.durations import duration
from tools.scoreboard import Image, builds, dockerfile_digest, running
from tools.scoreboard.data import redact, spread
from tools.scoreboard.deadline import Deadline, OutOfTime
from tools.scoreboard.session import Session
from tools.series import REPO


def environment(repeat: int) -> dict:
    """The machine and the Docker a run measured with (no host names, no paths)."""
    described = machine.describe()
    return {
        "machine": {
            **{key: described[key] for key in ("os", "arch", "cpu", "cpus", "memory_bytes")},
            # Other work on the machine skews timings; this says how busy it was.
            "load_average_at_start": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        },
        "docker": {key: described[f"docker_{key}"] for key in ("engine", "os")} | {"compose": described["compose"]},
        "repeat": repeat,
        "load_test": {
            "wrk": running.wrk_version(),
            "threads": scoreboard.LOAD_THREADS,
            "connections": scoreboard.LOAD_CONNECTIONS,
            "warm_up_s": scoreboard.WARM_UP_S,
            "duration_s": scoreboard.LOAD_S,
            "workers": scoreboard.LOAD_WORKERS,
        },
    }


def base_facts(base: str) -> dict:
    try:
        standin = docker_cli.is_standin(base)
    except docker_cli.DockerError:
        raise docker_cli.DockerError(
            f"the base image {base} is not present: run `tools/standins/build.sh {base}` "
            "(it pulls, or builds an offline stand-in)"
        ) from None
    return {
        "image": base,
        "standin": standin,
        "size_bytes": docker_cli.image_size(base),
        "layers": docker_cli.image_layers(base),
    }


def measure(image: Image, repeat: int, timeout: float, say: Callable[[str], None] = print) -> dict:
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
    session = Session(image, repeat, Deadline(timeout), say)
    try:
        entry["base"] = base_facts(image.base)
        fresh = builds.from_scratch(session)
        noop = builds.without_change(session, fresh.folder)
        app = builds.after_app_change(session, fresh.folder)
        lock = builds.after_lock_change(session, fresh.folder)
        session.phase = "inspecting the image"
        healthcheck = (docker_cli.image_config(image.tag).get("Healthcheck") or {}).get("Test") or ["NONE"]
        size, layers = docker_cli.image_size(image.tag), docker_cli.image_layers(image.tag)
        runs = running.start_and_stop(session)
        served = running.throughput(session)
        # The server's facts, where the server is what a row compares: the final's rows.
        server = image.step.production_checks
        recycled = running.recycling(session) if server and served else None  # no throughput: no wrk
        header = running.oversized_header(session) if server else None
        entry.update({
            "size_bytes": size,
            "added_bytes": size - entry["base"]["size_bytes"],
            "layers": layers,
            "added_layers": layers - entry["base"]["layers"],
            "context_bytes": max(fresh.context_bytes),
            "cold_build_s": spread(fresh.cold),
            "cache_mounts": fresh.cache_mounts,
            # None: the Dockerfile has no cache mount, so it would equal the cold build.
            "rebuild_warm_cache_mounts_s": spread(fresh.warm) if fresh.warm else None,
            "noop_rebuild_s": spread(noop),
            "code_change_rebuild_s": spread(app.seconds),
            # The last app-change rebuild's instructions that ran, as BuildKit timed them.
            "code_change_steps": app.steps,
            # None: no lock file of the image pins LOCK_BUMP.
            "lock_change_rebuild_s": spread(lock.seconds) if lock.seconds else None,
            "lock_change": lock.bumped,
            # Per run; None where the installer's log does not say (Poetry, pipenv).
            "lock_change_downloads": lock.downloads if lock.seconds else None,
            # None: no instruction matched the step's dependency_install pattern.
            "code_change_reinstalls_dependencies": any(app.reinstalled) if app.reinstalled else None,
            "startup_s": spread(runs.startup),
            "stop_s": spread(runs.stop),
            "stop_exit_codes": runs.exit_codes,
            "stop_during_boot_s": spread(runs.stop_during_boot),
            "stop_during_boot_exit_codes": runs.stop_during_boot_exit_codes,
            "recycling": recycled,  # None: not a server row, or no wrk
            "oversized_header": header,  # the status answered, or "closed"; None: not a server row
            "throughput_rps": served,  # None: wrk was not installed
            # `docker stop` of the throughput sample's container, as soon as wrk finished.
            "stop_after_load_s": served.pop("stop_after_load_s") if served else None,
            "user": {"uid": runs.facts["uid"], "name": runs.facts["user"]},
            "pid1": runs.facts["pid1"],
            "workers": runs.facts["workers"],
            "healthcheck": healthcheck != ["NONE"],
        })
        if session.warnings:
            entry["warnings"] = session.warnings
    except docker_cli.BuildFailed as error:
        failed(entry, session, redact(error.log.failure(), session.scratch.root, REPO))
    except (OutOfTime, subprocess.TimeoutExpired):
        failed(entry, session, f"took longer than --timeout {duration(timeout, digits=0)}")
    except (docker_cli.DockerError, running.LoadTestFailed, OSError) as error:
        failed(entry, session, redact(str(error), session.scratch.root, REPO))
    finally:
        session.scratch.clean()
    entry["measure_s"] = round(time.monotonic() - began, 1)  # this whole measurement
    return entry


def failed(entry: dict, session: Session, error: str) -> None:
    entry.update(status="failed", phase=session.phase, error=error)
