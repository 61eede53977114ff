"""Facts read inside containers with the image's own Python (no ps needed): processes in the running
server as its own user, what the image holds as root (`in_image`: the app's user cannot see into
root's 0700 home, and a check that could not look must never pass for one that found nothing)."""

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

def unreadable(error):
    raise error  # a directory it cannot read must fail, not pass for empty

names = set()
for wanted in sys.argv[1:]:
    if not wanted.startswith("/"):
        names.add(wanted)
        continue
    try:
        os.lstat(wanted)
        print(wanted)
    except (FileNotFoundError, NotADirectoryError):
        pass
for top, dirs, files in os.walk("/", onerror=unreadable) if names else ():
    if top == "/":
        dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev")]
    for name in names.intersection(dirs + files):
        print(os.path.join(top, name))
"""

_LIST = r"""
import os, sys
try:
    print("\n".join(os.listdir(sys.argv[1])))
except FileNotFoundError:
    pass
"""

_IMPORTABLE = r"""
import importlib.util, os, pwd, site, sys
# Root's Python skips the other users' own site-packages: look there too.
for user in pwd.getpwall():
    site.addsitedir(os.path.join(user.pw_dir, ".local", "lib",
                                 "python%d.%d" % sys.version_info[:2], "site-packages"))
for name in sys.argv[1:]:
    try:
        if importlib.util.find_spec(name):
            print(name)
    except ModuleNotFoundError:  # its parent package is missing
        pass
"""


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    uid: int
    cmdline: str


def gunicorn_master_and_workers(host) -> tuple[Process, list[Process]]:
    running = [Process(*row) for row in json.loads(host.check_output("python3 -c %s", _PROCESSES))]
    master = next(p for p in running if p.pid == 1)
    workers = [p for p in running if p.ppid == 1 and "gunicorn" in p.cmdline]
    return master, workers


_ON_PATH = "import shutil, sys; print(*filter(shutil.which, sys.argv[1:]))"


def in_image(image: str, *command: str, user: str = "0", env: dict[str, str] | None = None) -> str:
    """Output of `command` in a throwaway container of `image`, as root unless told: root reads every
    directory, a fresh container shows the image alone, and a probe never writes the .pyc it looks for."""
    env = {"PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return docker_cli.docker(
        "run", "--rm", "--label", f"{docker_cli.LABEL}=1", "--user", user,
        *(arg for key, value in env.items() for arg in ("--env", f"{key}={value}")),
        "--entrypoint", command[0], image, *command[1:],
    )


def find_paths(image: str, *names: str, user: str = "0") -> list[str]:
    """Paths in the image whose last part is one of `names` (an absolute name: that path, if it exists).
    An unreadable directory fails the search (DockerError) rather than read as absent."""
    return in_image(image, "python3", "-c", _FIND, *names, user=user).splitlines()


def list_dir(image: str, path: str) -> list[str]:
    """Entries of the directory `path` in the image; none if it does not exist."""
    return in_image(image, "python3", "-c", _LIST, path).splitlines()


def importable(image: str, *modules: str) -> list[str]:
    """Those of `modules` that the image's Python finds, for any user."""
    return in_image(image, "python3", "-c", _IMPORTABLE, *modules).splitlines()


def commands_on_path(image: str, *commands: str) -> list[str]:
    """Those of `commands` that the image's PATH finds."""
    return in_image(image, "python3", "-c", _ON_PATH, *commands).split()


def read_in_image(image: str, path: str) -> str:
    return in_image(image, "cat", path)
