"""Throughput: requests per second on `GET /`, measured with wrk on the same machine."""

import os
import re
import shutil
import socket
import subprocess

from tools.scoreboard import (
    LOAD_CONNECTIONS,
    LOAD_S,
    LOAD_THREADS,
    LOAD_WORKERS,
    OVERSIZED_HEADER_BYTES,
    RECYCLE_AFTER,
    RECYCLE_LOAD_S,
    WARM_UP_S,
)
from tools.scoreboard.data import spread
from tools.scoreboard.deadline import Deadline
from tools.scoreboard.running import process_facts, timed_stop, until_serving
from tools.scoreboard.session import Session


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



def throughput(session: Session) -> dict | None:
    """The JSON's throughput of the image; None without wrk."""
    if not shutil.which("wrk"):
        session.say("wrk is not installed: no throughput (install it: apt-get install wrk, brew install wrk)")
        return None
    runs, load, stops, workers, deadline = [], [], [], None, session.deadline
    for _ in session.attempts("throughput"):
        container = session.scratch.run(session.image, {"WORKERS": str(LOAD_WORKERS)})
        until_serving(container, deadline)
        workers = process_facts(container, deadline)["workers"]
        wrk(container.url + "/", WARM_UP_S, deadline)
        # How busy the machine was (builds, other work) as the sample began.
        load.append(round(os.getloadavg()[0], 2))
        runs.append(wrk(container.url + "/", LOAD_S, deadline))
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


def recycling(session: Session) -> dict | None:
    """Requests that failed while workers retired every RECYCLE_AFTER requests under load."""
    if not shutil.which("wrk"):
        return None
    failures = []
    for _ in session.attempts("recycling under load"):
        container = session.scratch.run(
            session.image, {"WORKERS": str(LOAD_WORKERS), "MAX_REQUESTS": str(RECYCLE_AFTER)},
        )
        until_serving(container, session.deadline)
        run = wrk(container.url + "/", RECYCLE_LOAD_S, session.deadline)
        container.remove()
        failures.append(run["http_errors"] + run["socket_errors"])
        session.say(f"{session.phase}: {failures[-1]} failed requests of {run['rps'] * RECYCLE_LOAD_S:.0f}")
    return {"max_requests": RECYCLE_AFTER, "seconds": RECYCLE_LOAD_S, **spread(failures)}


def oversized_header(session: Session) -> str:
    """What the server answers to a request with one OVERSIZED_HEADER_BYTES header."""
    container = session.scratch.run(session.image)
    until_serving(container, session.deadline)
    port = int(container.url.rsplit(":", 1)[1])
    request = (
        f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {'a' * OVERSIZED_HEADER_BYTES}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(request)
            answer = client.recv(200).decode(errors="replace")
    except OSError as error:
        answer = ""
        session.say(f"oversized header: {error}")
    finally:
        container.remove()
    status = re.match(r"HTTP/1\.[01] (\d{3})", answer)
    return status.group(1) if status else "closed"
