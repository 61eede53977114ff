"""Extra 5: a shell, a profiler and a debugger on the running app, its image unchanged."""

import json
import re
import subprocess
import threading

import httpx
import pytest

from compose import ComposeProject, compose_up
from debug_adapter import DebugAdapterClient
from test_kubernetes import KUBERNETES_VERSION, schema_problems
from tools import docker_cli

LAUNCH = ".vscode/launch.json"
# What `kubectl debug` adds to a pod, written out.
KUBECTL_DEBUG = "kubectl-debug.yaml"
NO_CAPABILITIES = "0000000000000000"
# Asks the running app over loopback, from its own Python with its own package.
CALL_THE_APP = """
import json, os, urllib.request
import dockerizing_python.main as app
answer = urllib.request.urlopen(f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/", timeout=10).read()
print(json.dumps({"module": app.STEP, "answer": json.loads(answer)}))
"""


def debug_compose(step) -> str:
    assert (step.path / step.debug_compose).is_file(), (
        f"{step.name}: {step.debug_compose} is missing (the app under debugpy, and a profiler beside it)"
    )
    return step.debug_compose


def waiting_line(step) -> int:
    """The line where GET /slow waits."""
    source = (step.path / step.app_source).read_text().splitlines()
    lines = [number for number, line in enumerate(source, 1) if "time.sleep(" in line]
    assert lines, f"{step.name}: {step.app_source} has no GET /slow that waits with time.sleep"
    return lines[0]


def in_background(url: str) -> dict:
    """GET url in a thread; the answer lands in the returned dict."""
    result: dict = {}

    def get():
        try:
            result["answer"] = httpx.get(url, timeout=120)
        except httpx.HTTPError as error:
            result["error"] = error

    result["thread"] = threading.Thread(target=get, daemon=True)
    result["thread"].start()
    return result


def exec_in_app(project: ComposeProject, *command: str) -> subprocess.CompletedProcess:
    return project.run("exec", "-T", "app", *command, timeout=60)


@pytest.mark.applies_to("debug_compose")
def test_a_shell_in_the_hardened_app_reads_but_cannot_write(step):
    with compose_up(step) as project:
        called = exec_in_app(project, "python", "-c", CALL_THE_APP)
        assert called.returncode == 0, f"{step.name}: {called.stderr[-2000:]}"
        assert json.loads(called.stdout) == {"module": step.name, "answer": {"step": step.name}}
        command_line = exec_in_app(project, "cat", "/proc/1/cmdline").stdout
        assert "gunicorn" in command_line, f"{step.name}: PID 1 runs {command_line!r}"
        for folder in ("/app", "/tmp"):
            written = exec_in_app(project, "touch", f"{folder}/written-from-a-shell")
            assert written.returncode != 0 and "Read-only file system" in written.stderr, (
                f"{step.name}: writing to {folder} from a shell should fail with 'Read-only file system'; "
                f"it {'failed with ' + written.stderr.strip() if written.returncode else 'succeeded'}"
            )
        # --no-index: it fails before it would reach an index anyway.
        installed = exec_in_app(project, "pip", "install", "--no-index", "httpie")
        assert installed.returncode != 0 and "No usable temporary directory" in installed.stderr, (
            f"{step.name}: pip install should find no writable temporary directory; it said "
            f"{(installed.stderr.strip() or installed.stdout.strip()).splitlines()[-1:]}"
        )


@pytest.mark.applies_to("debug_compose")
def test_a_profiler_from_outside_sees_the_slow_request(step):
    debug = debug_compose(step)
    line = waiting_line(step)
    profiler = None
    try:
        with compose_up(step) as project:
            profiler = project
            built = project.run("--file", debug, "build", "profiler", timeout=900)
            assert built.returncode == 0, f"{step.name}: building the profiler failed:\n{built.stderr[-3000:]}"
            slow = in_background(project.url + "/slow?seconds=5")

            def dumped() -> str | None:
                dump = project.run("--file", debug, "run", "--rm", "--no-deps", "profiler", timeout=120)
                output = dump.stdout + dump.stderr
                assert dump.returncode == 0, f"{step.name}: py-spy could not read the app:\n{output[-2000:]}"
                return output if "slow (" in output else None

            output = docker_cli.wait_for(dumped, "py-spy showing GET /slow", 15, interval=0.5)
            where = f"slow (dockerizing_python/main.py:{line})"
            assert where in output, f"{step.name}: the dump should show {where}:\n{output[-3000:]}"
            slow["thread"].join(30)
            assert slow["answer"].status_code == 200, slow
            app = json.loads(docker_cli.docker("inspect", project.container("app")))[0]["HostConfig"]
            assert app["CapDrop"] == ["ALL"] and not app["CapAdd"], f"{step.name}: the app's capabilities changed"
            status = exec_in_app(project, "cat", "/proc/1/status").stdout
            effective = re.search(r"CapEff:\s*(\w+)", status).group(1)
            assert effective == NO_CAPABILITIES, f"{step.name}: the app's gunicorn holds capabilities {effective}"
    finally:
        if profiler:
            profiler.run("--file", debug, "--profile", "profiler", "down", "--volumes", "--rmi", "local")


@pytest.mark.applies_to("debug_compose")
def test_a_debugger_stops_at_a_breakpoint(step):
    debug = debug_compose(step)
    line = waiting_line(step)
    launch = json.loads((step.path / LAUNCH).read_text())["configurations"][0]
    assert launch["connect"]["host"] == "127.0.0.1", f"{step.name}: {LAUNCH} should attach on this machine only"
    mappings = [
        {key: path.replace("${workspaceFolder}", str(step.path)) for key, path in mapping.items()}
        for mapping in launch["pathMappings"]
    ]
    source = step.path / step.app_source
    port = docker_cli.free_port()
    with compose_up(step, files=(debug,), env={"DEBUG_PORT": str(port)}) as project:
        app = json.loads(docker_cli.docker("inspect", project.container("app")))[0]["HostConfig"]
        published = {binding["HostIp"] for binding in app["PortBindings"]["5678/tcp"]}
        assert published == {"127.0.0.1"}, f"{step.name}: debugpy's port is published on {published}"
        try:
            client = DebugAdapterClient("127.0.0.1", port)
            client.request("initialize", adapterID="debugpy", linesStartAt1=True, pathFormat="path")
        except OSError as error:
            pytest.fail(f"{step.name}: no debugger answers on the published port: {error}", pytrace=False)
        try:
            attached = client.send("attach", justMyCode=True, pathMappings=mappings)
            client.event("initialized")
            breakpoints = client.request("setBreakpoints", source={"path": str(source)}, breakpoints=[{"line": line}])
            assert breakpoints["breakpoints"][0]["verified"], f"{step.name}: breakpoint not set: {breakpoints}"
            client.request("configurationDone")
            client.response(attached)

            slow = in_background(project.url + "/slow?seconds=0.25")
            stopped = client.event("stopped")
            [frame] = client.request("stackTrace", threadId=stopped["threadId"], levels=1)["stackFrames"]
            assert (frame["name"], frame["line"], frame["source"]["path"]) == ("slow", line, str(source)), frame
            [local_scope, *_] = client.request("scopes", frameId=frame["id"])["scopes"]
            variables = client.request("variables", variablesReference=local_scope["variablesReference"])
            assert {"seconds": "0.25"}.items() <= {v["name"]: v["value"] for v in variables["variables"]}.items()
            assert slow["thread"].is_alive(), f"{step.name}: the request ended while paused: {slow}"
            # Every thread of the one worker is stopped: nothing else is answered meanwhile.
            with pytest.raises(httpx.TimeoutException):
                httpx.get(project.url + "/healthz", timeout=2)

            client.request("continue", threadId=stopped["threadId"])
            slow["thread"].join(30)
            assert slow["answer"].json() == {"slept": 0.25}, slow
            client.request("disconnect")
        finally:
            client.close()


@pytest.mark.applies_to("debug_compose")
def test_the_production_compose_file_has_no_debugger(step):
    production = (step.path / "docker-compose.yml").read_text()
    assert "debug" not in production.lower(), f"{step.name}: docker-compose.yml must not run the debugger"


@pytest.mark.applies_to("debug_compose")
def test_kubectl_debug_manifest_validates_strictly(step):
    path = step.path / KUBECTL_DEBUG
    assert path.is_file(), f"{step.name}: {KUBECTL_DEBUG} is missing (the pod with kubectl debug's container)"
    problems = schema_problems(path)
    assert problems is None, f"{step.name}/{KUBECTL_DEBUG} against Kubernetes {KUBERNETES_VERSION}:\n" + "\n".join(
        problems
    )
