"""Measures one image of the series: every phase in turn, then its scoreboard entry.

A failure is recorded, not raised: the entry's status says "failed", at which phase, and
the end of the log.
"""

import subprocess
import time
from collections.abc import Callable

from tools import docker_cli
from tools.durations import duration
from tools.scoreboard import builds, image_facts, running
from tools.scoreboard.data import spread
from tools.scoreboard.deadline import Deadline, OutOfTime
from tools.scoreboard.images import Image, dockerfile_digest
from tools.scoreboard.redact import redact
from tools.scoreboard.session import Session
from tools.scoreboard.throughput import LoadTestFailed, oversized_header, recycling, throughput
from tools.series import REPO


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
        entry["base"] = image_facts.base_facts(image.base)
        fresh = builds.from_scratch(session)
        noop = builds.without_change(session, fresh.folder)
        app = builds.after_app_change(session, fresh.folder)
        lock = builds.after_lock_change(session, fresh.folder)
        session.phase = "inspecting the image"
        built = image_facts.built_facts(image.tag)
        runs = running.start_and_stop(session)
        served = throughput(session)
        # The server's facts, where the server is what a row compares: the final's rows.
        server = image.step.production_checks
        recycled = recycling(session) if server else None
        header = oversized_header(session) if server else None
        entry.update({
            "size_bytes": built["size_bytes"],
            "added_bytes": built["size_bytes"] - entry["base"]["size_bytes"],
            "layers": built["layers"],
            "added_layers": built["layers"] - entry["base"]["layers"],
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
            "healthcheck": built["healthcheck"],
        })
        if session.warnings:
            entry["warnings"] = session.warnings
    except docker_cli.BuildFailed as error:
        failed(entry, session, redact(error.log.tail(), session.scratch.root, REPO))
    except (OutOfTime, subprocess.TimeoutExpired):
        failed(entry, session, f"took longer than --timeout {duration(timeout, digits=0)}")
    except (docker_cli.DockerError, LoadTestFailed, OSError) as error:
        failed(entry, session, redact(str(error), session.scratch.root, REPO))
    finally:
        session.scratch.clean()
    entry["measure_s"] = round(time.monotonic() - began, 1)  # this whole measurement
    return entry


def failed(entry: dict, session: Session, error: str) -> None:
    entry.update(status="failed", phase=session.phase, error=error)
