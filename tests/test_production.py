"""The final image under conditions production brings: health probes, crashes, load."""

import asyncio
import time

import httpx
import pytest
import testinfra

from container_facts import gunicorn_master_and_workers

LOAD_REQUESTS = 2000
LOAD_CONCURRENCY = 50
LOAD_SECONDS = 60


@pytest.mark.applies_to(lambda step: step.healthcheck)
def test_healthcheck_turns_healthy(step, server):
    deadline = time.monotonic() + 60
    while (status := server.state().get("Health", {}).get("Status")) != "healthy":
        assert status in ("starting", "healthy"), f"{step.name}: healthcheck is {status!r}"
        assert time.monotonic() < deadline, f"{step.name}: not healthy within 60 s"
        time.sleep(0.5)


@pytest.mark.applies_to(lambda step: step.production_checks)
def test_a_killed_worker_is_replaced(step, image, containers):
    container = containers.start(image)
    host = testinfra.get_host(f"docker://{container.id}")
    _, workers = gunicorn_master_and_workers(host)
    victim = workers[0].pid
    host.check_output("kill -9 %s", str(victim))

    deadline = time.monotonic() + 30
    with httpx.Client(base_url=container.url, timeout=5) as client:
        while True:
            assert client.get("/").status_code == 200, "a request failed after the kill"
            _, now = gunicorn_master_and_workers(host)
            pids = {worker.pid for worker in now}
            if len(now) == len(workers) and victim not in pids:
                break
            assert time.monotonic() < deadline, f"no replacement worker within 30 s: {pids}"
            time.sleep(0.2)


@pytest.mark.applies_to(lambda step: step.production_checks)
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
