"""What a running container of the image shows: its start-up and stop times, who runs
the server and how many workers it has."""

import json
import time
from dataclasses import dataclass, field

from tools import docker_cli
from tools.durations import duration
from tools.scoreboard import BOOTING_WORKERS
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
        output = docker_cli.docker(
            "exec", container.id, "python3", "-c", _PROCESS_FACTS, timeout=deadline.left(60)
        )
        seen.append(json.loads(output))
        latest = seen[-1]
        if len(seen) > 1 and latest["workers"] and latest["workers"] == seen[-2]["workers"]:
            return latest
        return None

    try:
        return docker_cli.wait_for(settled, "settled", deadline.left(SETTLE_LIMIT), interval=0.25)
    except docker_cli.TimedOut:
        return seen[-1]


def until_serving(container: docker_cli.Container, deadline: Deadline) -> None:
    """Until `/` answers 200, within STARTUP_LIMIT and the image's time."""
    try:
        docker_cli.wait_until_serving(container, "/", deadline.left(STARTUP_LIMIT))
    except docker_cli.TimedOut:
        deadline.left()  # OutOfTime if the image's time is what ran out
        raise


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
        container = session.scratch.run(session.image)
        until_serving(container, deadline)
        result.startup.append(time.monotonic() - started)
        # Every time, so that `docker stop` meets a server whose workers have all
        # booted: a worker still importing the app when SIGTERM comes holds the
        # stop for the whole graceful timeout.
        facts = process_facts(container, deadline)
        result.facts = result.facts or facts
        session.phase = session.phase_of("docker stop", attempt)
        started = time.monotonic()
        docker_cli.docker(
            "stop", "--time", str(STOP_GRACE), container.id, timeout=deadline.left(STOP_GRACE + 30),
        )
        result.stop.append(time.monotonic() - started)
        result.exit_codes.append(container.state().get("ExitCode"))
        container.remove()
        session.phase = session.phase_of("docker stop during boot", attempt)
        took, exit_code = stop_at_first_answer(session)
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
    took = time.monotonic() - started
    return took, container.state().get("ExitCode")


def stop_at_first_answer(session: Session) -> tuple[float, int | None]:
    """`docker stop` as soon as `/` first answers, while other workers may still boot."""
    container = session.scratch.run(session.image, {"WORKERS": str(BOOTING_WORKERS)})
    until_serving(container, session.deadline)
    try:
        return timed_stop(container, session.deadline)
    finally:
        container.remove()
