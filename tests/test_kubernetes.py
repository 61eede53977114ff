"""Extra 4's Kubernetes manifests: valid for a pinned Kubernetes, and true to the built image.

No cluster runs here: the schema check is offline, and the image is started with the
constraints the Deployment sets, so that a probe, a port or a UID that drifts from the
image fails here and not on the cluster.
"""

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from ruamel.yaml import YAML  # comes with check-jsonschema

from container_facts import in_image
from tools import docker_cli

# The Kubernetes release whose schemas the manifests must satisfy.
KUBERNETES_VERSION = "1.35.0"
KUBERNETES_VALIDATE = Path(sys.executable).parent / "kubernetes-validate"
# Where the image reads its configuration from the environment.
ENV_READ = re.compile(r"""(?:environ\.get|environ\[|getenv)\(?\s*["'](\w+)["']""")


def manifests(step) -> dict[str, dict]:
    path = step.path / step.kubernetes
    assert path.is_file(), f"{step.name}: {step.kubernetes} is missing (a Deployment, a Service, a PodDisruptionBudget)"
    return {doc["kind"]: doc for doc in YAML(typ="safe").load_all(path.read_text()) if doc}


def app_container(step) -> tuple[dict, dict]:
    """The Deployment's pod spec and its one container."""
    pod = manifests(step)["Deployment"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    return pod, container


def schema_problems(path) -> list[str] | None:
    """What `kubernetes-validate --strict` finds in the file for the pinned Kubernetes, or None if valid."""
    checked = subprocess.run(
        [KUBERNETES_VALIDATE, "--strict", "--kubernetes-version", KUBERNETES_VERSION, path],
        capture_output=True, text=True, timeout=120,
    )
    if checked.returncode == 0:
        return None
    return [line for line in (checked.stdout + checked.stderr).splitlines() if not line.startswith("INFO")]


@pytest.mark.applies_to("kubernetes")
def test_manifests_validate_strictly(step):
    kinds = set(manifests(step))
    assert {"Deployment", "Service", "PodDisruptionBudget"} <= kinds, (
        f"{step.name}: {step.kubernetes} has {sorted(kinds)}"
    )
    problems = schema_problems(step.path / step.kubernetes)
    assert problems is None, (
        f"{step.name}/{step.kubernetes} against Kubernetes {KUBERNETES_VERSION}:\n" + "\n".join(problems)
    )


@pytest.mark.applies_to("kubernetes")
def test_deployment_runs_it_the_production_way(step):
    deployment = manifests(step)["Deployment"]
    pod, container = app_container(step)
    security = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
    problems = [
        f"{what}: {value!r}" for what, value, wanted in (
            ("replicas", deployment["spec"].get("replicas"), 2),
            ("runAsNonRoot", security.get("runAsNonRoot"), True),
            ("readOnlyRootFilesystem", security.get("readOnlyRootFilesystem"), True),
            ("allowPrivilegeEscalation", security.get("allowPrivilegeEscalation"), False),
            ("capabilities.drop", security.get("capabilities", {}).get("drop"), ["ALL"]),
            ("seccompProfile", security.get("seccompProfile"), {"type": "RuntimeDefault"}),
        ) if value != wanted
    ]
    probes = [kind for kind in ("startupProbe", "readinessProbe", "livenessProbe") if kind not in container]
    limits = [key for key in ("requests", "limits") if not container.get("resources", {}).get(key)]
    assert not problems and not probes and not limits, (
        f"{step.name}/{step.kubernetes}: wrong {problems}, missing probes {probes}, missing resources {limits}"
    )
    assert "@sha256:" in container["image"], f"{step.name}: deploy by digest, not by tag: {container['image']}"
    assert container.get("lifecycle", {}).get("preStop"), f"{step.name}: a preStop pause lets endpoints catch up"


@pytest.mark.applies_to("kubernetes")
def test_manifest_matches_the_image(step, image):
    pod, container = app_container(step)
    env = {item["name"]: item["value"] for item in container.get("env", [])}
    config = docker_cli.image_config(image)
    assert str(pod["securityContext"].get("runAsUser")) == config["User"], (
        f"{step.name}: runAsUser {pod['securityContext'].get('runAsUser')} is not the image's USER {config['User']!r}"
    )
    conf = in_image(
        image, "python3", "-c",
        "import runpy; c = runpy.run_path('gunicorn.conf.py'); print(c['bind'], c['graceful_timeout'])", env=env,
    )
    bind, graceful = conf.split()
    [port] = [p["containerPort"] for p in container["ports"]]
    assert bind.rsplit(":", 1)[1] == str(port), f"{step.name}: containerPort {port}, but gunicorn binds {bind}"
    sources = in_image(image, "python3", "-c", (
        "import pathlib, dockerizing_python as p; print(pathlib.Path('gunicorn.conf.py').read_text());"
        "[print(f.read_text()) for f in pathlib.Path(p.__file__).parent.glob('*.py')]"
    ))
    unread = sorted(set(env) - set(ENV_READ.findall(sources)))
    assert not unread, f"{step.name}: the Deployment sets {unread}, which neither the app nor gunicorn.conf.py reads"
    pause = container["lifecycle"]["preStop"].get("sleep", {}).get("seconds", 0)
    grace = pod.get("terminationGracePeriodSeconds", 30)
    assert grace > pause + float(graceful), (
        f"{step.name}: terminationGracePeriodSeconds {grace} must exceed the preStop pause ({pause} s) "
        f"plus gunicorn's graceful_timeout ({graceful} s), or Kubernetes kills requests in flight"
    )


@pytest.mark.applies_to("kubernetes")
def test_probes_answer_under_the_manifests_constraints(step, image, containers):
    pod, container = app_container(step)
    memory = container["resources"]["limits"]["memory"].replace("Mi", "m").replace("Gi", "g")
    options = (
        "--read-only", "--user", str(pod["securityContext"]["runAsUser"]), "--cap-drop", "ALL",
        "--security-opt", "no-new-privileges", "--memory", memory,
    )
    env = {item["name"]: item["value"] for item in container.get("env", [])}
    running = containers.start(image, env=env, options=options)
    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        path = container[kind]["httpGet"]["path"]
        answer = httpx.get(running.url + path, timeout=5)
        assert answer.status_code == 200, f"{step.name}: the {kind} asks {path}, which answers {answer.status_code}"
