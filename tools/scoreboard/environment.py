"""What a run measured with: the machine, its Docker and the load test's settings."""

import os
import platform
from pathlib import Path

from tools import docker_cli
from tools.scoreboard import LOAD_CONNECTIONS, LOAD_S, LOAD_THREADS, LOAD_WORKERS, WARM_UP_S
from tools.scoreboard.throughput import wrk_version


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
