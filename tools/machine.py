"""The machine a measurement ran on, and its Docker: one description for every record, with no host
names and no paths, as the records are committed."""

import os
import platform
import subprocess
from pathlib import Path

from tools import docker_cli


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


def _ask(*args: str) -> str:
    try:
        return docker_cli.docker(*args, timeout=30)
    except (docker_cli.DockerError, OSError, subprocess.TimeoutExpired):
        return "?"


def describe() -> dict:
    try:
        standin = docker_cli.is_standin("python:3.11")
    except (docker_cli.DockerError, OSError, subprocess.TimeoutExpired):
        standin = None
    return {
        "os": platform.system(),
        "arch": platform.machine(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_bytes": _memory_bytes(),
        "docker_engine": _ask("version", "--format", "{{.Server.Version}}"),
        "docker_os": _ask("info", "--format", "{{.OperatingSystem}}"),
        "compose": _ask("compose", "version", "--short"),
        "base_images": "offline stand-ins" if standin else "Docker Hub",
    }
