"""Facts read inside a running container with the image's own Python (no ps needed)."""

import json
from dataclasses import dataclass

from tools import docker_cli

_PROCESSES = r"""
import json, os
found = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        stat = open(f"/proc/{pid}/stat").read()
        status = open(f"/proc/{pid}/status").read().splitlines()
        cmdline = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()
    except OSError:
        continue
    uid = next(line for line in status if line.startswith("Uid:")).split()[1]
    ppid = stat.rsplit(")", 1)[1].split()[1]
    found.append([int(pid), int(ppid), int(uid), cmdline.strip()])
print(json.dumps(found))
"""

_FIND = r"""
import os, sys
names = set(sys.argv[1:])
for top, dirs, files in os.walk("/"):
    if top == "/":
        dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev")]
    for name in names.intersection(dirs + files):
        print(os.path.join(top, name))
"""


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    uid: int
    cmdline: str


def processes(host) -> list[Process]:
    output = host.check_output("python3 -c %s", _PROCESSES)
    return [Process(*row) for row in json.loads(output)]


def gunicorn_master_and_workers(host) -> tuple[Process, list[Process]]:
    running = processes(host)
    master = next(p for p in running if p.pid == 1)
    workers = [p for p in running if p.ppid == 1 and "gunicorn" in p.cmdline]
    return master, workers


def find_paths(host, *names: str) -> list[str]:
    """Every path in the container's filesystem whose last part is one of `names`."""
    return host.check_output("python3 -c %s " + " ".join(["%s"] * len(names)), _FIND, *names).split()


def find_paths_in_image(image: str, *names: str) -> list[str]:
    """The same, in a throwaway container that runs only the search, not the app."""
    return docker_cli.docker("run", "--rm", "--entrypoint", "python3", image, "-c", _FIND, *names).split()


def read_in_image(image: str, path: str) -> str:
    return docker_cli.docker("run", "--rm", "--entrypoint", "cat", image, path)
