"""Extra 4's rolling update on swarm mode behind HAProxy: v1 to v2, then a broken v3
that rolls itself back, all under a bounded load on loopback, without a failed request."""

import contextlib
import json
import re
import threading
import time

import httpx
import pytest

import swarm
from compose import ComposeProject
from conftest import announce
from load import OK, run_load
from tools import docker_cli

PROXY = "proxy.yml"  # the lesson's HAProxy, a Compose service on the stack's network
STACK = "dpt-shipping"
SERVICE = "app"
CLIENTS = 8  # at once, each sending one request after another
BATCH_SECONDS = 2  # the load runs in batches until the update has ended


def answer(version: str) -> dict:
    return {"step": version}


def build_version(step, copy, tag: str, version: str, healthy: bool = True) -> None:
    """The app changed to answer `version`; unhealthy: /healthz gone, so the check fails."""
    source = copy / step.app_source
    text = re.sub(r'^STEP = ".*"$', f"STEP = {json.dumps(version)}", source.read_text(), flags=re.M)
    if not healthy:
        text = text.replace('@app.get("/healthz")', '@app.get("/not-healthz")')
    source.write_text(text)
    docker_cli.build(copy, tag)


def as_outcome(expected: dict) -> str:
    """How tests/load.py records a 200 whose body is `expected` while it waits for another."""
    return f"200 {json.dumps(expected, separators=(',', ':'))!r}"


@contextlib.contextmanager
def load_until_done(url: str, expected: dict):
    """Bounded load in a thread; yields the list its outcomes go to, stops on leaving."""
    outcomes: list[tuple[float, str]] = []
    done = threading.Event()

    def batches() -> None:
        while not done.is_set():
            outcomes.extend(run_load(url, BATCH_SECONDS, CLIENTS, expected))

    worker = threading.Thread(target=batches)
    worker.start()
    try:
        yield outcomes
    finally:
        done.set()
        worker.join()


def answers(url: str, count: int = 20) -> set[str]:
    with httpx.Client(timeout=5) as client:
        return {client.get(url).text for _ in range(count)}


def wait_for_answer(url: str, expected: dict, seconds: float = 90) -> None:
    docker_cli.wait_for(
        lambda: answers(url) == {json.dumps(expected, separators=(",", ":"))},
        f"HAProxy answering {expected}", seconds, interval=1, ignoring=(httpx.HTTPError,),
    )


def roll(
    stack, stack_file: str, image: str, url: str, before: dict, after: dict | None,
) -> tuple[str, float, list[str], int]:
    """Deploys `image` under load: (end state, seconds, failed outcomes, requests).

    Every answer must be `before`'s or, where given, `after`'s."""
    accepted = {OK, as_outcome(after)} if after else {OK}
    with load_until_done(url, before) as outcomes:
        time.sleep(BATCH_SECONDS)  # load before the update, too
        started = time.monotonic()
        stack.deploy(stack_file, image)
        state = stack.wait_for_update(SERVICE)
        seconds = time.monotonic() - started
        time.sleep(BATCH_SECONDS)  # and after it
    failed = [outcome for _, outcome in outcomes if outcome not in accepted]
    return state, seconds, failed, len(outcomes)


@pytest.mark.applies_to("swarm_stack")
def test_rolling_update_and_rollback_drop_no_request(step, image, step_copy, scratch_tag, request):
    assert (step.path / step.swarm_stack).is_file(), (
        f"{step.name}: {step.swarm_stack} is missing (the swarm stack that the update deploys)"
    )
    v1, v2, v3 = answer(step.name), answer(f"{step.name} v2"), answer(f"{step.name} v3")
    image_v2, image_v3 = scratch_tag(), scratch_tag()
    build_version(step, step_copy, image_v2, v2["step"])
    build_version(step, step_copy, image_v3, v3["step"], healthy=False)

    with swarm.single_node() as reason:
        if reason:
            pytest.skip(reason)
        stack = swarm.Stack(step.path, STACK)
        proxy = ComposeProject(step.path, f"{STACK}-proxy")
        proxy.base += ["--file", PROXY]
        try:
            stack.deploy(step.swarm_stack, image)
            proxy.up()
            wait_for_answer(proxy.url + "/", v1)

            state, seconds, failed, sent = roll(stack, step.swarm_stack, image_v2, proxy.url + "/", v1, v2)
            announce(
                request.config,
                f"rolling update v1 -> v2: {state} in {seconds:.1f} s, {len(failed)} of {sent} requests failed",
            )
            assert state == "completed", f"{step.name}: the update to v2 ended {state!r}"
            assert not failed, f"{step.name}: {len(failed)} of {sent} requests failed during the update: {failed[:5]}"
            assert answers(proxy.url + "/") == {json.dumps(v2, separators=(",", ":"))}, "not every answer is v2's"

            state, seconds, failed, sent = roll(stack, step.swarm_stack, image_v3, proxy.url + "/", v2, None)
            announce(
                request.config,
                f"update to an unhealthy v3: {state} in {seconds:.1f} s, {len(failed)} of {sent} requests failed",
            )
            assert state == "rollback_completed", (
                f"{step.name}: the update to a v3 that never turns healthy ended {state!r}"
            )
            assert not failed, f"{step.name}: {len(failed)} of {sent} requests failed during the rollback: {failed[:5]}"
            assert answers(proxy.url + "/") == {json.dumps(v2, separators=(",", ":"))}, (
                "after the rollback, not every answer is v2's"
            )
            # The logs of the service's tasks, stopped ones included: an update, a rollback
            # and the stops they make log no error.
            problems = docker_cli.log_problems(stack.logs(SERVICE))
            assert not problems, f"{step.name}: error lines in the app tasks' logs: {problems[:5]}"
        finally:
            proxy.down()
            stack.remove()
