"""What a running container of the image shows: its start-up and stop times, who runs
the server, how many workers it has, and the requests per second it serves on `GET /`,
measured with wrk on the same machine."""

import json
import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field

from tools import docker_cli, scoreboard
from tools.durations import duration
from tools.scoreboard.data import spread
from tools.scoreboard.deadline import Deadline
from tools.scoreboard.session import Session

# A server that does not answer within this long is broken, whatever --timeout allows.
STARTUP_LIMIT = 120
STOP_GRACE = 10  # `docker stop --time`, Docker's default
# Workers still appearing after this long are counted as they are; a server without
# gunicorn workers (0) never settles, so this is also how long its facts take.
SETTLE_LIMIT = 10

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
    seen: list[dict] = []

    def settled() -> dict | None:
        output = docker_cli.docker("exec", container.id, "python3", "-c", _PROCESS_FACTS, timeout=deadline.left(60))
        seen.append(json.loads(output))
        if len(seen) > 1 and seen[-1]["workers"] and seen[-1]["workers"] == seen[-2]["workers"]:
            return seen[-1]
        return None

    try:
        return docker_cli.wait_for(settled, "settled", deadline.left(SETTLE_LIMIT), interval=0.25)
    except docker_cli.TimedOut:
        return seen[-1]


def serving(session: Session, env: dict[str, str] | None = None) -> docker_cli.Container:
    """A container of the image (`env` added), once `/` answers 200: within STARTUP_LIMIT and the image's time."""
    container = session.scratch.run(session.image, env)
    try:
        docker_cli.wait_until_serving(container, "/", session.deadline.left(STARTUP_LIMIT))
    except docker_cli.TimedOut:
        session.deadline.left()  # OutOfTime if the image's time is what ran out
        raise
    return container


@dataclass
class Runs:
    startup: list[float] = field(default_factory=list)  # from `docker run` to the first 200 on /
    stop: list[float] = field(default_factory=list)
    exit_codes: list[int | None] = field(default_factory=list)
    # `docker stop` at the first 200, with BOOTING_WORKERS workers: some still boot.
    stop_during_boot: list[float] = field(default_factory=list)
    stop_during_boot_exit_codes: list[int | None] = field(default_factory=list)
    facts: dict | None = None  # process_facts of the first run


def start_and_stop(session: Session) -> Runs:
    """Start the image with its defaults, time the first 200 on / and `docker stop`."""
    result, deadline = Runs(), session.deadline
    for attempt in session.attempts("start-up"):
        started = time.monotonic()
        container = serving(session)
        result.startup.append(time.monotonic() - started)
        # Every time, so that `docker stop` meets a server whose workers have all
        # booted: a worker still importing the app when SIGTERM comes holds the
        # stop for the whole graceful timeout.
        facts = process_facts(container, deadline)
        result.facts = result.facts or facts
        session.phase = session.phase_of("docker stop", attempt)
        took, exit_code = timed_stop(container, deadline)
        result.stop.append(took)
        result.exit_codes.append(exit_code)
        container.remove()
        session.phase = session.phase_of("docker stop during boot", attempt)
        container = serving(session, {"WORKERS": str(scoreboard.BOOTING_WORKERS)})
        took, exit_code = timed_stop(container, deadline)
        container.remove()
        result.stop_during_boot.append(took)
        result.stop_during_boot_exit_codes.append(exit_code)
        session.say(f"start-up {duration(result.startup[-1], digits=2)}, "
                    f"docker stop {duration(result.stop[-1], digits=2)}, "
                    f"during boot {duration(took, digits=2)}")
    return result


def timed_stop(container: docker_cli.Container, deadline: Deadline) -> tuple[float, int | None]:
    """Seconds `docker stop` took, and the exit code it left."""
    started = time.monotonic()
    docker_cli.docker("stop", "--time", str(STOP_GRACE), container.id, timeout=deadline.left(STOP_GRACE + 30))
    return time.monotonic() - started, container.state().get("ExitCode")


class LoadTestFailed(Exception):
    pass


_WRK_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_WRK_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_WRK_HTTP_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def wrk(url: str, seconds: int, deadline: Deadline) -> dict:
    """One wrk run: requests per second and the errors it counted."""
    command = ["wrk", f"-t{scoreboard.LOAD_THREADS}", f"-c{scoreboard.LOAD_CONNECTIONS}", f"-d{seconds}s", url]
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


def throughput(session: Session) -> dict | None:
    """The JSON's throughput of the image; None without wrk."""
    if not shutil.which("wrk"):
        session.say("wrk is not installed: no throughput (install it: apt-get install wrk, brew install wrk)")
        return None
    runs, load, stops, workers, deadline = [], [], [], None, session.deadline
    for _ in session.attempts("throughput"):
        container = serving(session, {"WORKERS": str(scoreboard.LOAD_WORKERS)})
        workers = process_facts(container, deadline)["workers"]
        wrk(container.url + "/", scoreboard.WARM_UP_S, deadline)
        # How busy the machine was (builds, other work) as the sample began.
        load.append(round(os.getloadavg()[0], 2))
        runs.append(wrk(container.url + "/", scoreboard.LOAD_S, deadline))
        stops.append(timed_stop(container, deadline)[0])
        container.remove()
        session.say(f"{session.phase}: {runs[-1]['rps']:.0f} requests/s, errors: "
                    f"{runs[-1]['http_errors']} HTTP, {runs[-1]['socket_errors']} socket; "
                    f"docker stop right after: {stops[-1]:.2f} s")
    return {
        **spread([run["rps"] for run in runs]),
        "stop_after_load_s": spread(stops),
        "http_errors": [run["http_errors"] for run in runs],
        "socket_errors": [run["socket_errors"] for run in runs],
        "load_average_1m": load,
        "workers": workers,
    }


def recycling(session: Session) -> dict:
    """Requests that failed while workers retired every RECYCLE_AFTER requests under load (wrk needed)."""
    failures = []
    for _ in session.attempts("recycling under load"):
        container = serving(
            session, {"WORKERS": str(scoreboard.LOAD_WORKERS), "MAX_REQUESTS": str(scoreboard.RECYCLE_AFTER)}
        )
        run = wrk(container.url + "/", scoreboard.RECYCLE_LOAD_S, session.deadline)
        container.remove()
        failures.append(run["http_errors"] + run["socket_errors"])
        session.say(f"{session.phase}: {failures[-1]} failed requests of {run['rps'] * scoreboard.RECYCLE_LOAD_S:.0f}")
    return {"max_requests": scoreboard.RECYCLE_AFTER, "seconds": scoreboard.RECYCLE_LOAD_S, **spread(failures)}


def oversized_header(session: Session) -> str:
    """What the server answers to a request with one OVERSIZED_HEADER_BYTES header."""
    container = serving(session)
    port = int(container.url.rsplit(":", 1)[1])
    request = (
        f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {'a' * scoreboard.OVERSIZED_HEADER_BYTES}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(request)
            answer = client.recv(200).decode(errors="replace")
    except OSError as error:
        answer = ""
        session.say(f"oversized header: {error}")
    container.remove()
    status = re.match(r"HTTP/1\.[01] (\d{3})", answer)
    return status.group(1) if status else "closed"
