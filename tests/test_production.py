"""The final image under conditions production brings: health probes, crashes, load."""

import asyncio
import json
import re
import socket
import threading
import time

import httpx
import pytest
import testinfra

from container_facts import gunicorn_master_and_workers
from load import OK, REFUSED, failure, run_load
from tools import docker_cli

LOAD_REQUESTS = 2000
LOAD_CONCURRENCY = 50
LOAD_SECONDS = 60
# The stop and recycle tests: seconds of load, and clients at once.
SHORT_LOAD_SECONDS = 4
SHORT_LOAD_CLIENTS = 20
STOP_GRACE = 10  # `docker stop`'s default, and the compose file's


@pytest.mark.applies_to("healthcheck")
def test_healthcheck_turns_healthy(step, server):
    try:
        docker_cli.wait_until_healthy(server)
    except docker_cli.DockerError as error:
        pytest.fail(f"{step.name}: {error}", pytrace=False)


@pytest.mark.applies_to("production_checks")
def test_a_killed_worker_is_replaced(step, image, containers):
    # Killing a worker makes gunicorn log an error: provoked on purpose.
    container = containers.start(image, provokes_errors=True)
    host = testinfra.get_host(f"docker://{container.id}")
    _, workers = gunicorn_master_and_workers(host)
    victim = workers[0].pid
    host.check_output("kill -9 %s", str(victim))

    with httpx.Client(base_url=container.url, timeout=5) as client:

        def replaced() -> bool:
            assert client.get("/").status_code == 200, "a request failed after the kill"
            _, now = gunicorn_master_and_workers(host)
            return len(now) == len(workers) and victim not in {worker.pid for worker in now}

        docker_cli.wait_for(replaced, "a replacement worker", 30, interval=0.2, container=container)


@pytest.mark.applies_to("production_checks")
def test_bounded_load_without_errors(step, server):
    async def load() -> list:
        limits = httpx.Limits(max_connections=LOAD_CONCURRENCY)
        async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=10) as client:
            gate = asyncio.Semaphore(LOAD_CONCURRENCY)

            async def one(_):
                async with gate:
                    try:
                        return (await client.get("/")).status_code
                    except httpx.HTTPError as error:
                        return repr(error)

            return await asyncio.gather(*map(one, range(LOAD_REQUESTS)))

    started = time.monotonic()
    results = asyncio.run(asyncio.wait_for(load(), LOAD_SECONDS))
    errors = [result for result in results if result != 200]
    assert not errors, (
        f"{len(errors)} of {LOAD_REQUESTS} requests failed "
        f"(concurrency {LOAD_CONCURRENCY}, {time.monotonic() - started:.1f} s): {errors[:5]}"
    )
    # A log line per request is work for every request (a proxy in front, if any, can log them).
    logged = server.logs(lines="all").count('"GET / HTTP/1.1" 200')
    assert not logged, f"{step.name}: the server logged {logged} requests one line each (an access log)"


class StopInBackground(threading.Thread):
    """`docker stop` in a thread, `delay` s from now: when it began, how long it took, or its error."""

    def __init__(self, container: docker_cli.Container, delay: float = 0):
        super().__init__()
        self.container, self.delay = container, delay
        self.at = self.took = self.error = None

    def run(self) -> None:
        time.sleep(self.delay)
        self.at = time.monotonic()
        try:
            docker_cli.docker("stop", "--time", str(STOP_GRACE), self.container.id, timeout=STOP_GRACE + 30)
        except Exception as error:  # reported by the test, not lost with the thread
            self.error = error
        self.took = time.monotonic() - self.at


@pytest.mark.applies_to("production_checks")
def test_a_stop_under_load_answers_every_request_sent_before_it(step, image, containers):
    container = containers.start(image)
    stopper = StopInBackground(container, delay=SHORT_LOAD_SECONDS / 2)
    stopper.start()
    try:
        outcomes = run_load(container.url + "/", SHORT_LOAD_SECONDS, SHORT_LOAD_CLIENTS, {"step": step.name})
    finally:
        stopper.join()
    assert stopper.error is None, f"{step.name}: `docker stop` failed: {stopper.error}"
    before = [outcome for sent, outcome in outcomes if sent < stopper.at]
    after = [outcome for sent, outcome in outcomes if sent >= stopper.at]
    lost = [outcome for outcome in before if outcome != OK]
    assert before and not lost, (
        f"{step.name}: {len(lost)} of {len(before)} requests sent before `docker stop` failed: {lost[:5]}"
    )
    broken = [outcome for outcome in after if outcome not in (OK, REFUSED)]
    assert not broken, f"{step.name}: after `docker stop`, requests broke instead of being refused: {broken[:5]}"
    assert REFUSED in after, f"{step.name}: the server still answered every request after `docker stop`"
    exit_code = container.state()["ExitCode"]
    assert exit_code == 0 and stopper.took < STOP_GRACE, (
        f"{step.name}: `docker stop` took {stopper.took:.1f} s (grace {STOP_GRACE} s), exit code {exit_code}"
    )


# Connections the workers hold: established TCP sockets on port 8000 (hex 1F40) with a
# worker's file descriptor. One still in the listen queue has none yet.
_HELD_CONNECTIONS = r"""
import os, sys
established = set()
for table in ("/proc/net/tcp", "/proc/net/tcp6"):  # tcp6 is absent on a kernel without IPv6
    for row in open(table).read().splitlines()[1:] if os.path.exists(table) else ():
        fields = row.split()
        if fields[1].endswith(":1F40") and fields[3] == "01":
            established.add(f"socket:[{fields[9]}]")
held = 0
for pid in sys.argv[1:]:
    try:
        held += sum(os.readlink(f"/proc/{pid}/fd/{fd}") in established for fd in os.listdir(f"/proc/{pid}/fd"))
    except FileNotFoundError:  # a descriptor, or the worker, gone meanwhile: look again
        pass
print(held)
"""


def held_connections(host, workers) -> int:
    return int(host.check_output("python3 -c %s " + " ".join(["%s"] * len(workers)), _HELD_CONNECTIONS,
                                 *(str(worker.pid) for worker in workers)))


def refused(url: str) -> bool:
    try:
        httpx.get(url, timeout=2)
    except httpx.TimeoutException:  # waiting in the listen queue: not refused yet
        return False
    except httpx.HTTPError as error:
        return failure(error) == REFUSED
    return False


@pytest.mark.applies_to("production_checks")
def test_a_request_in_flight_at_stop_gets_its_answer(step, image, containers):
    """Half a request's headers, taken by a worker before `docker stop`; the rest arrives once
    the stop has begun (new connections are refused), and its complete answer comes back."""
    # No healthcheck: its probes would be connections too.
    container = containers.start(image, options=("--no-healthcheck",))
    host = testinfra.get_host(f"docker://{container.id}")
    _, workers = gunicorn_master_and_workers(host)
    port = int(container.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=STOP_GRACE) as held:
        held.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        docker_cli.wait_for(lambda: held_connections(host, workers), "a worker taking the connection", 10,
                            interval=0.1, container=container)
        stopper = StopInBackground(container)
        stopper.start()
        answer, ended = b"", "closed"
        try:
            # Until new connections are refused, or the stop has failed.
            docker_cli.wait_for(lambda: stopper.error or refused(container.url + "/"),
                                "`docker stop` refusing new connections", STOP_GRACE, interval=0.05)
            try:
                held.sendall(b"\r\n")
                while chunk := held.recv(65536):
                    answer += chunk
            except TimeoutError:
                ended = f"silent for {STOP_GRACE} s"
            except OSError as error:
                ended = f"broken: {error!r}"
        finally:
            stopper.join()
    assert stopper.error is None, f"{step.name}: `docker stop` failed: {stopper.error}"
    head, _, body = answer.partition(b"\r\n\r\n")
    expected = json.dumps({"step": step.name}, separators=(",", ":")).encode()
    assert head.startswith(b"HTTP/1.1 200") and body == expected, (
        f"{step.name}: a request in flight when the stop began got {answer[:200]!r} instead of its answer, "
        f"then the connection was {ended}"
    )
    state = container.state()
    assert not state["Running"] and state["ExitCode"] == 0, (
        f"{step.name}: after answering, the server exited with code {state['ExitCode']}"
    )


@pytest.mark.applies_to("production_checks")
def test_workers_recycle_under_load_without_a_failure(step, image, containers):
    # A tiny limit, so that the workers retire within a few seconds of load.
    container = containers.start(image, env={"MAX_REQUESTS": "100"})
    host = testinfra.get_host(f"docker://{container.id}")
    _, workers = gunicorn_master_and_workers(host)
    outcomes = run_load(container.url + "/", SHORT_LOAD_SECONDS, SHORT_LOAD_CLIENTS, {"step": step.name})
    failed = [outcome for _, outcome in outcomes if outcome != OK]
    assert not failed, f"{step.name}: {len(failed)} of {len(outcomes)} requests failed: {failed[:5]}"
    _, now = gunicorn_master_and_workers(host)
    retired = {worker.pid for worker in workers} - {worker.pid for worker in now}
    assert retired, (
        f"{step.name}: no worker was replaced after {len(outcomes)} requests with MAX_REQUESTS=100"
    )


@pytest.mark.applies_to("production_checks")
def test_a_stop_during_boot_is_prompt(step, image, containers):
    """`docker stop` at the first answer, while the other workers still import the app:
    the stop ends through SIGTERM with exit 0, without waiting out the graceful timeout."""
    config = (step.path / "gunicorn.conf.py").read_text()
    setting = re.search(r"^graceful_timeout = (\d+)", config, re.M)
    graceful = int(setting[1]) if setting else 30  # gunicorn's default
    container = containers.start(image, env={"WORKERS": "4"})
    started = time.monotonic()
    docker_cli.docker("stop", "--time", str(STOP_GRACE), container.id, timeout=STOP_GRACE + 30)
    took = time.monotonic() - started
    exit_code = container.state()["ExitCode"]
    assert exit_code == 0 and took < graceful / 2, (
        f"{step.name}: `docker stop` during boot took {took:.1f} s (graceful_timeout {graceful} s), "
        f"exit code {exit_code}: a booting worker lost the SIGTERM and the master waited it out"
    )
