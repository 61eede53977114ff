"""The offline stand-ins: faithful where a lesson depends on them, rebuilt when their recipe changes."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import docker_cli
from tools.series import REPO

STANDINS = REPO / "tools" / "standins"
STANDIN_LABEL = docker_cli.STANDIN_LABEL
RECIPE_LABEL = "org.dockerizing-python.standin-recipe"
PYTHON_BASES = ("python:3.11", "python:3.11-slim", "python:3.13")

# Where the image's own Python looks for modules, and every .pyc file in there.
# -B: the probe itself must not write the bytecode it looks for.
_BYTECODE = r"""
stdlib=$(python3 -B -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
pycs() { find "$1" -type f -name '*.pyc'; }
echo "stdlib $(pycs "$stdlib" | wc -l) $(pycs "$stdlib" | head -n 3 | tr '\n' ' ')"
for dir in $(python3 -B -c 'import os, sys; print(*[p for p in sys.path if os.path.isdir(p)])'); do
    echo "path $(find "$dir" -type f -name '*.pyc' | wc -l) $dir"
done
"""


@pytest.mark.parametrize("image", PYTHON_BASES)
def test_python_base_ships_its_standard_library_without_bytecode(image):
    if reason := docker_cli.unreachable_reason():
        pytest.skip(f"Docker is needed: {reason}")
    try:
        labels = json.loads(docker_cli.docker("image", "inspect", "--format", "{{json .Config.Labels}}", image)) or {}
    except docker_cli.DockerError:
        pytest.skip(f"{image} is not present: tests/run pulls it or builds its stand-in")
    report = docker_cli.docker(
        "run", "--rm", "--label", f"{docker_cli.LABEL}=1", "--user", "0",
        "--entrypoint", "sh", image, "-c", _BYTECODE,
    ).splitlines()
    _, count, *examples = next(line.split() for line in report if line.startswith("stdlib "))
    assert count == "0", (
        f"{image}: its standard library holds {count} .pyc files (e.g. {examples}); the "
        "official image ships none, so extra 2's compileall lesson could not fail on it"
    )
    if labels.get(STANDIN_LABEL) == "true":
        # The official image deletes its Python's bytecode everywhere, not only the stdlib's.
        left = [line.split(maxsplit=2)[1:] for line in report if line.startswith("path ")]
        left = {folder: int(count) for count, folder in left if count != "0"}
        assert not left, f"{image} (stand-in): .pyc files where the official image has none: {left}"


# A docker client that keeps its images in a JSON file and records what it is asked,
# and a debootstrap that makes an empty root: the script's decisions, without a daemon.
_FAKE_DOCKER = r'''
import json, os, re, sys, uuid
state_file = os.environ["FAKE_DOCKER_STATE"]
state = json.load(open(state_file))
args = sys.argv[1:]
state["calls"].append(args)
status = 0
if args[:2] == ["image", "inspect"]:
    name = args[-1]
    image = state["images"].get(name) or next(
        (i for i in state["images"].values() if i["Id"] == name), None)
    if image is None:
        status = 1
    elif "--format" in args:
        template = args[args.index("--format") + 1]
        if ".Id" in template:
            print(image["Id"])
        else:
            print(image["Labels"].get(re.search(r'"(.+?)"', template).group(1), ""))
elif args[:2] == ["image", "rm"]:
    state["images"] = {n: i for n, i in state["images"].items() if i["Id"] != args[2]}
elif args[0] == "build":
    labels = dict(a.split("=", 1) for a, flag in zip(args[1:], args) if flag == "--label")
    state["images"][args[args.index("-t") + 1]] = {"Id": uuid.uuid4().hex, "Labels": {STANDIN: "true", **labels}}
elif args[0] == "import":
    sys.stdin.buffer.read()
    changes = " ".join(a for a, flag in zip(args[1:], args) if flag == "--change").replace("LABEL ", "")
    state["images"][args[-1]] = {"Id": uuid.uuid4().hex, "Labels": dict(re.findall(r'(\S+?)=(\S+)', changes))}
else:  # pull, buildx: Docker Hub is out of reach, no buildx plugin
    status = 1
json.dump(state, open(state_file, "w"))
sys.exit(status)
'''.replace("STANDIN", repr(STANDIN_LABEL))


class FakeDocker:
    def __init__(self, tmp_path: Path):
        self.recipe = tmp_path / "standins"
        shutil.copytree(STANDINS, self.recipe)
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        (bin_dir / "docker").write_text(f"#!{sys.executable}\n{_FAKE_DOCKER}")
        (bin_dir / "debootstrap").write_text(  # its last argument: the new root
            '#!/bin/sh\nfor root; do :; done\nmkdir -p "$root/etc/apt/apt.conf.d"\n'
        )
        for tool in ("docker", "debootstrap"):
            (bin_dir / tool).chmod(0o755)
        (tmp_path / "ca.crt").write_text("")
        self.state = tmp_path / "docker.json"
        self.state.write_text(json.dumps({"images": {}, "calls": []}))
        self.env = {
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "FAKE_DOCKER_STATE": str(self.state),
            "CA_BUNDLE": str(tmp_path / "ca.crt"),
            "TMPDIR": str(tmp_path),  # the script's scratch folders, even when it fails
        }

    @property
    def images(self) -> dict:
        return json.loads(self.state.read_text())["images"]

    def add(self, name: str, labels: dict[str, str]) -> None:
        state = json.loads(self.state.read_text())
        state["images"][name] = {"Id": f"id-of-{name}", "Labels": labels}
        self.state.write_text(json.dumps(state))

    def run(self, *images: str) -> list[list[str]]:
        """build.sh for these images; the docker commands it ran that change images."""
        done = len(json.loads(self.state.read_text())["calls"])
        run = subprocess.run(
            ["bash", str(self.recipe / "build.sh"), *images],
            env=self.env, capture_output=True, text=True, timeout=120,
        )
        assert run.returncode == 0, f"build.sh failed:\n{run.stderr}"
        calls = json.loads(self.state.read_text())["calls"][done:]
        return [c for c in calls if c[0] in ("build", "import", "pull") or c[:2] == ["image", "rm"]]


def built(calls) -> list[str]:
    return [c[c.index("-t") + 1] for c in calls if c[0] == "build"]


def test_standins_are_built_once_then_kept(tmp_path):
    docker = FakeDocker(tmp_path)
    first = docker.run("python:3.11", "postgres:15")
    assert built(first) == ["python:3.11", "postgres:15"]
    assert sum(c[0] == "import" for c in first) == 1, "the Debian base is made once"
    assert all(RECIPE_LABEL in docker.images[i]["Labels"] for i in docker.images), (
        f"every stand-in names its recipe: {docker.images}"
    )
    assert docker.run("python:3.11", "postgres:15") == [], "a current stand-in is left alone"


def test_a_standin_is_rebuilt_when_its_recipe_changes(tmp_path):
    docker = FakeDocker(tmp_path)
    docker.run("python:3.11", "python:3.11-slim", "postgres:15")
    old = {name: image["Id"] for name, image in docker.images.items()}

    with (docker.recipe / "python.Dockerfile").open("a") as dockerfile:
        dockerfile.write("RUN true\n")
    calls = docker.run("python:3.11", "python:3.11-slim", "postgres:15")
    assert built(calls) == ["python:3.11", "python:3.11-slim"], (
        "a changed python.Dockerfile rebuilds both python stand-ins, and only them"
    )
    removed = [c[2] for c in calls if c[:2] == ["image", "rm"]]
    assert removed == [old["python:3.11"], old["python:3.11-slim"]], "the old stand-ins go"

    with (docker.recipe / "postgres-entrypoint.sh").open("a") as entrypoint:
        entrypoint.write("# a comment changes the file\n")
    assert built(docker.run("python:3.11", "postgres:15")) == ["postgres:15"]

    docker.add("python:3.11", {STANDIN_LABEL: "true"})  # a stand-in from before recipe labels
    assert built(docker.run("python:3.11")) == ["python:3.11"]


def test_the_debian_base_is_made_again_when_its_recipe_changes(tmp_path):
    docker = FakeDocker(tmp_path)
    docker.run("postgres:15")
    build_sh = docker.recipe / "build.sh"
    script = build_sh.read_text()
    build_sh.write_text(script.replace("# Keep apt's caches", "# Keeps apt's caches"))
    assert docker.run("postgres:15") == [], "a changed comment rebuilds nothing"
    build_sh.write_text(script.replace("--variant=minbase", "--variant=minbase --include=less"))
    calls = docker.run("postgres:15")
    assert [c[0] for c in calls if c[0] in ("import", "build")] == ["import", "build"], (
        "a changed Debian base recipe makes the base and the stand-ins on it again"
    )


def test_each_python_is_built_on_the_debian_release_that_ships_it(tmp_path):
    docker = FakeDocker(tmp_path)
    calls = docker.run("python:3.11", "python:3.13")
    imported = [c[-1] for c in calls if c[0] == "import"]
    assert imported == ["dockerizing-python-standin/debian:bookworm", "dockerizing-python-standin/debian:trixie"]
    builds = {c[c.index("-t") + 1]: " ".join(c) for c in calls if c[0] == "build"}
    for image, suite, version in (("python:3.11", "bookworm", "3.11"), ("python:3.13", "trixie", "3.13")):
        wanted = (f"DEBIAN_BASE=dockerizing-python-standin/debian:{suite}", f"PYTHON_VERSION={version}")
        assert all(arg in builds[image] for arg in wanted), f"{image}: {builds[image]}"


def test_a_pulled_or_own_image_is_never_touched(tmp_path):
    docker = FakeDocker(tmp_path)
    docker.add("python:3.11", {"maintainer": "someone else"})
    docker.add("postgres:15", {})
    assert docker.run("python:3.11", "postgres:15") == []
    assert docker.images["python:3.11"]["Id"] == "id-of-python:3.11"
