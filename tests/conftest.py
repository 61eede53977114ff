"""Fixtures: each image is built once per run, served once, and cleaned up after."""

import ast
import dataclasses
import functools
import inspect
import shutil
import textwrap
import uuid
from pathlib import Path

import httpx
import pytest
import testinfra

import lessons
from tools import docker_cli
from tools.series import BY_NAME, STEPS, Step

# A test whose fixtures (with the fixtures they ask for, however indirectly) include one
# of these, or whose code names one of these, builds or runs an image.
DOCKER_FIXTURES = {"image", "images", "server", "http", "host", "containers", "shared_containers", "scratch_tag"}
DOCKER_NAMES = {"docker_cli", "compose_up", "ComposeProject", "testinfra"}


def pytest_configure(config):
    for marker, meaning in lessons.MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: {meaning}")
    config.addinivalue_line("markers", "docker: builds or runs an image (set here, from what the test uses)")
    unknown = sorted(set(config.getoption("step")) - set(BY_NAME))
    if unknown:
        raise pytest.UsageError(f"unknown --step {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    folder = config.getoption("folder")
    if folder and (len(config.getoption("step")) != 1 or not Path(folder).is_dir()):
        raise pytest.UsageError("--folder needs an existing folder and exactly one --step")


def pytest_generate_tests(metafunc):
    if "step" not in metafunc.fixturenames:
        return
    marks = list(metafunc.definition.iter_markers())
    wanted = metafunc.config.getoption("step")
    steps = [step for step in STEPS if not wanted or step.name in wanted]
    if folder := metafunc.config.getoption("folder"):
        steps = [dataclasses.replace(step, location=Path(folder).resolve()) for step in steps]
    if "variant" in metafunc.fixturenames:
        pairs = [
            (step, variant) for step in steps for variant in step.variants
            if lessons.selected(marks, step, variant)
        ]
        ids = [f"{step.name}-{variant.name}" for step, variant in pairs]
        metafunc.parametrize(("step", "variant"), pairs, ids=ids)
    else:
        steps = [step for step in steps if lessons.selected(marks, step)]
        metafunc.parametrize("step", steps, ids=lambda step: step.name)


@functools.cache
def names_docker(function) -> bool:
    node = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return bool({name.id for name in ast.walk(node) if isinstance(name, ast.Name)} & DOCKER_NAMES)


def pytest_collection_modifyitems(items):
    for item in items:
        if set(item.fixturenames) & DOCKER_FIXTURES or names_docker(item.function):
            item.add_marker(pytest.mark.docker)


def announce(config, message: str) -> None:
    """Print past pytest's capture: a first run builds for minutes, show progress."""
    capture = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")
    with capture.global_and_fixture_disabled():
        reporter.write_line(message)


class Images:
    """Builds each (folder, Dockerfile, target) once per test run."""

    def __init__(self, config):
        self.config = config
        self.built: dict[tuple, docker_cli.Build] = {}
        self.failed: dict[tuple, str] = {}
        self.checked_docker = False

    def get(self, step: Step, dockerfile: str = "Dockerfile", target: str | None = None):
        if not self.checked_docker:
            if reason := docker_cli.unreachable_reason():
                pytest.exit(f"Docker is needed to build and run the images: {reason}", returncode=2)
            self.checked_docker = True
        key = (step.path, dockerfile, target)
        if key in self.failed:
            pytest.fail(self.failed[key], pytrace=False)
        if key not in self.built:
            variant = Path(dockerfile).stem.lower().replace("dockerfile", "") or "latest"
            tag = f"{docker_cli.TEST_REPOSITORY}/{step.image_name}:{variant}{'-' + target if target else ''}"
            announce(self.config, f"\nbuilding {tag} from {step.name}/{dockerfile} ...")
            try:
                self.built[key] = docker_cli.build(step.path, tag, dockerfile, target)
            except docker_cli.BuildFailed as error:
                self.failed[key] = str(error)
                pytest.fail(self.failed[key], pytrace=False)
            announce(self.config, f"built {tag} in {self.built[key].seconds:.0f} s")
        return self.built[key]


class Containers:
    """Starts containers and removes every one, pass or fail. Each whole log is read first: an ERROR,
    CRITICAL or Traceback line in it fails the test, unless the test provoked it on purpose."""

    def __init__(self):
        self.started: list[docker_cli.Container] = []
        self.serving: dict[str, docker_cli.Container] = {}
        self.provoking: set[str] = set()

    def start(
        self, image: str, env: dict[str, str] | None = None,
        options: tuple[str, ...] = (), provokes_errors: bool = False,
    ) -> docker_cli.Container:
        try:
            container = docker_cli.run(image, env, options=options)
        except docker_cli.DockerError as error:
            pytest.fail(str(error), pytrace=False)
        self.started.append(container)
        if provokes_errors:
            self.provoking.add(container.id)
        try:
            docker_cli.wait_until_serving(container)
        except docker_cli.DockerError as error:
            pytest.fail(f"{image}: {error}", pytrace=False)
        return container

    def serve(self, image: str) -> docker_cli.Container:
        """The one shared container of `image`, started on first use."""
        if image not in self.serving:
            self.serving[image] = self.start(image)
        return self.serving[image]

    def remove_all(self) -> None:
        unclean = {}
        for container in self.started:
            if container.id not in self.provoking and (
                problems := docker_cli.log_problems(container.logs(lines="all"))
            ):
                unclean[container.id[:12]] = problems[:5]
            container.remove()
        self.started.clear()
        self.serving.clear()
        if unclean:
            pytest.fail(f"error lines in the log of containers the suite started: {unclean}", pytrace=False)


@pytest.fixture(scope="session")
def images(request) -> Images:
    return Images(request.config)


@pytest.fixture(scope="session")
def shared_containers():
    containers = Containers()
    yield containers
    containers.remove_all()


@pytest.fixture
def containers():
    """For tests that stop, kill or reconfigure a container of their own."""
    containers = Containers()
    yield containers
    containers.remove_all()


@pytest.fixture
def image(step, images) -> str:
    return images.get(step).tag


@pytest.fixture
def server(image, shared_containers) -> docker_cli.Container:
    """One running container per image, shared by the tests that only look."""
    return shared_containers.serve(image)


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


@pytest.fixture
def host(server):
    """The server's processes, seen as its own user; image contents: container_facts.in_image."""
    return testinfra.get_host(f"docker://{server.id}")


@pytest.fixture
def step_copy(step, tmp_path) -> Path:
    """A throwaway copy of the step's folder, to edit or litter without touching the repo."""
    copy = tmp_path / step.name
    skipped = [".git", ".venv*", "__pycache__", ".pytest_cache"]
    if step.folder == ".":  # the root holds the whole series; take only the final app
        skipped += ["step-*", "extra-*", "tests", "tools", ".ci", "docs"]
    shutil.copytree(step.path, copy, ignore=shutil.ignore_patterns(*skipped), symlinks=True)
    return copy


@pytest.fixture
def scratch_tag():
    """Makes tags for images a test builds for itself; those images are removed afterwards."""
    tags: list[str] = []

    def new_tag() -> str:
        tags.append(f"{docker_cli.TEST_REPOSITORY}/scratch:{uuid.uuid4().hex[:12]}")
        return tags[-1]

    yield new_tag
    for tag in tags:
        docker_cli.remove_image(tag)
