"""What each folder of the series teaches, as facts the generic tests check.

A new step needs a folder and an entry here, not a new test module.
"""

import dataclasses
import hashlib
import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclasses.dataclass(frozen=True)
class Variant:
    """Another image built from a step's folder: a second Dockerfile or a build target."""

    name: str  # short, used in image tags and tables: "slim", "alt-uv"
    dockerfile: str = "Dockerfile"
    target: str | None = None
    base: str = "python:3.11"
    # Commands this image must not have (a compiler in a slim final stage, an installer).
    absent_commands: tuple[str, ...] = ()
    # Regex of the step Dockerfile's instructions this variant leaves out, and
    # nothing else: the same image without one lesson, to measure what it is worth.
    leaves_out: str | None = None
    # Held to its step's hash_checked_downloads too.
    hash_checked_downloads: bool = False


@dataclasses.dataclass(frozen=True)
class Step:
    folder: str  # folder name, "." for the final result at the root
    # The lesson in a line, for the root README's table of the steps.
    summary: str = ""
    # The image the final stage is built FROM; sizes are measured over it.
    base: str = "python:3.11"
    # Size the step may add over its base image (requirement, not a measurement).
    max_added_mb: int = 100
    # Regex matching the Dockerfile instructions that install third-party packages.
    dependency_install: str = r"pip install -r"
    # File whose one-line edit stands for "the app changed".
    app_source: str = "dockerizing_python/main.py"
    # Flaws a later step fixes (True = this step still has the flaw).
    code_change_reinstalls_dependencies: bool = False
    server_runs_as_root: bool = False
    junk_reaches_image: bool = False
    # Poetry in the final image: "unpinned", "pinned" (to the Dockerfile's version) or None.
    poetry: str | None = None
    # Requirements file inside the image whose every requirement must carry a hash.
    hashed_requirements: str | None = None
    # pip downloads what the app needs only in hash-checking mode, and never
    # fetches a build backend into an isolated environment.
    hash_checked_downloads: bool = False
    # Python's container-friendly environment variables are set in the image config.
    python_env: bool = False
    # An installer's download cache the image keeps (a flaw): this folder holds files.
    install_cache: str | None = None
    # Names that must appear nowhere in the image (an absolute path: not at that path) ...
    absent_paths: tuple[str, ...] = ()
    # ... and modules the image's Python must not find.
    absent_modules: tuple[str, ...] = ()
    # Another step whose image adds more over the same base than this one.
    smaller_than: str | None = None
    # (module, shared library): a compiled extension that must load and link to
    # the system's library, in the step's image and every variant.
    native_extension: tuple[str, str] | None = None
    # (requirement, message): installing it on a bare -slim image fails, naming this.
    fails_on_bare_slim: tuple[str, str] | None = None
    # Compose runs a real database beside the app; GET /db reaches it.
    database: bool = False
    # Modules whose import must find every module it loads compiled at build time.
    bytecode: tuple[str, ...] = ()
    # The dependency install runs with a BuildKit cache mount, which stays out of the image.
    cache_mount: bool = False
    # ... and the installer really reuses that cache, even where the index's answers carry
    # no caching headers: a rebuild of the install downloads no package, a lock change only
    # the one that changed.
    cache_reused: bool = False
    # The committed requirements.txt must equal what its pre-commit hook exports.
    committed_requirements: bool = False
    # How many stages the Dockerfile may have (None: any).
    stages: int | None = None
    # A one-line app change rebuilds without downloading anything.
    code_change_downloads_nothing: bool = False
    # The image declares a HEALTHCHECK, and it turns healthy.
    healthcheck: bool = False
    # Survives a killed worker and a bounded load without errors.
    production_checks: bool = False
    # Serves and stops cleanly under a read-only root, an arbitrary UID, no
    # capabilities, no new privileges and tight memory and process limits.
    runs_hardened: bool = False
    # The compose file runs the service with that hardening.
    compose_hardened: bool = False
    # `docker compose watch` brings an edit of the app into the running container.
    dev_loop: bool = False
    # Shipping: pushed to a registry, the image pulled by its digest serves.
    registry: bool = False
    # A CycloneDX SBOM of the image lists its requirements and no dev tool.
    sbom: bool = False
    # Kubernetes manifests in this file, valid and matching the image.
    kubernetes: str | None = None
    # A swarm stack file (behind HAProxy) whose update and rollback drop no request.
    swarm_stack: str | None = None
    # Looked into while it runs, the image unchanged: this compose file runs the app under
    # debugpy and py-spy beside it; a shell in the hardened app reads but cannot write.
    debug_compose: str | None = None
    # The base moved to a newer Python than the starting point's, requires-python, the lock
    # and its export with it: a copy of the starting point that changes only `FROM` builds
    # an image without the packages its requirements.txt pins.
    python_moved: bool = False
    # The folder's other Dockerfiles or targets, each built and held to its own facts.
    variants: tuple[Variant, ...] = ()
    # The step this lesson starts from (its name); None for the first.
    builds_on: str | None = None
    # Test another copy of this step (a workshop attendee's) instead of the folder.
    location: Path | None = None

    @property
    def path(self) -> Path:
        return self.location or REPO / self.folder

    @property
    def image_name(self) -> str:
        """Unique per folder tested, so an attendee's copy never reuses the reference image."""
        if not self.location:
            return self.name
        return f"{self.name}-{hashlib.sha1(str(self.location).encode()).hexdigest()[:8]}"

    @property
    def name(self) -> str:
        """The folder's name, "final" for the root; also what GET / answers."""
        return "final" if self.folder == "." else self.folder


def lesson(starting_point: Step, folder: str, **changes) -> Step:
    """A step: the one it builds on, plus what its lesson changes.

    Variants and a size comparison belong to one folder, so they are not carried on.
    """
    per_folder = {"variants": (), "smaller_than": None, "summary": ""}
    return dataclasses.replace(
        starting_point, folder=folder, builds_on=starting_point.name, **{**per_folder, **changes}
    )


# Step 5's src/ layout, kept from then on.
SRC_APP = "src/dockerizing_python/main.py"
# Tools that build or test the app, never needed to run it. From step 4 on
# poetry-core, the build backend, is installed (its `poetry.core`); Poetry is not.
NO_DEV_TOOLS = ("poetry.console", "virtualenv", "pytest", "ruff")

STEP_1 = Step(
    folder="step-1-kiss-requirements",
    summary="the simplest Dockerfile: `COPY . .`, `pip install -r requirements.txt`, gunicorn",
    max_added_mb=80,
    code_change_reinstalls_dependencies=True,
    server_runs_as_root=True,
    junk_reaches_image=True,
)
STEP_2 = lesson(
    STEP_1, "step-2-kiss-poetry",
    summary="dependencies managed by Poetry, and five ways to install them compared",
    max_added_mb=150,
    # Any poetry install but the app's own (--only-root, from step 3 on).
    dependency_install=r"poetry install(?! --only-root)",
    poetry="unpinned",
    # Poetry keeps every wheel it downloaded, in a layer of the image.
    install_cache="/root/.cache/pypoetry",
    # The dev group stays out of the image.
    absent_modules=("pytest", "ruff"),
    variants=tuple(
        Variant(
            f"alt-{tool}", "alternatives.Dockerfile", target=tool,
            # uv installs and stays behind in its own stage.
            absent_commands=("uv",) if tool == "uv" else (),
        )
        for tool in ("pip", "venv", "poetry", "pipenv", "uv")
    ),
)
STEP_3 = lesson(
    STEP_2, "step-3-basic-improvements",
    summary="pin Poetry; copy the lock first so the dependency layer stays cached",
    dependency_install=r"poetry install --no-root",
    code_change_reinstalls_dependencies=False,
    poetry="pinned",
)
STEP_4 = lesson(
    STEP_3, "step-4-nontrivial-improvements",
    summary="multi-stage export to hashed requirements, no Poetry in the image, a non-root user",
    # pip installs a hashed export, and nothing unchecked, from here on.
    dependency_install=r"--require-hashes",
    hashed_requirements="/app/requirements.txt",
    hash_checked_downloads=True,
    code_change_downloads_nothing=True,
    max_added_mb=60,
    # Python's env vars are set, and the server runs the way production platforms run containers.
    python_env=True,
    runs_hardened=True,
    server_runs_as_root=False,
    poetry=None,
    install_cache=None,
    absent_paths=("pyvenv.cfg", "/usr/local/bin/poetry", "/root/.cache"),
    absent_modules=("poetry.console", "virtualenv"),
    smaller_than="step-3-basic-improvements",
)
STEP_5 = lesson(
    STEP_4, "step-5-larger-project",
    summary="`src/` layout, the app's own tests, an allow-list `.dockerignore`",
    junk_reaches_image=False,
    app_source=SRC_APP,
    absent_paths=("pyvenv.cfg", "/usr/local/bin/poetry", "/root/.cache", "/app/tests", "/app/src/tests"),
    absent_modules=NO_DEV_TOOLS,
)
EXTRA_1 = lesson(
    STEP_5, "extra-1-compiling-dependencies",
    summary="psycopg2 built from source, full versus `-slim`, a real PostgreSQL",
    absent_paths=(
        "pyvenv.cfg", "/usr/local/bin/poetry", "/root/.cache", "/app/tests", "/app/db_password.txt",
        "psycopg2_binary.libs",  # psycopg2-binary's bundled libraries (its wheel has no module of that name)
    ),
    absent_modules=NO_DEV_TOOLS,
    native_extension=("psycopg2._psycopg", "libpq.so.5"),
    fails_on_bare_slim=("psycopg2", "pg_config"),
    database=True,
    variants=(
        Variant(
            "slim", "slim.Dockerfile", base="python:3.11-slim",
            absent_commands=("gcc", "cc", "pg_config", "curl"), hash_checked_downloads=True,
        ),
    ),
)
EXTRA_2 = lesson(
    STEP_5, "extra-2-need-for-speed",
    summary="BuildKit cache mounts and precompiled bytecode",
    max_added_mb=80,
    # The app's dependencies; uv's own install in its stage is not one of them.
    dependency_install=r"--require-hashes -r requirements\.txt",
    # uv installs from a stage of its own and is not copied.
    absent_paths=("pyvenv.cfg", "/usr/local/bin/poetry", "/app/tests", "/usr/local/bin/uv"),
    absent_modules=(*NO_DEV_TOOLS, "uv"),
    # Compiled at build time: every module importing the app loads, its dependencies' and the standard library's.
    bytecode=("dockerizing_python.main",),
    cache_mount=True,
    cache_reused=True,
    variants=(
        # The same lesson with pip, whose cache works only where the index allows it.
        Variant("pip", "pip.Dockerfile"),
        # Without compileall: what the bytecode is worth at start-up.
        Variant("no-compileall", "no-compileall.Dockerfile", leaves_out=r"compileall"),
    ),
)
EXTRA_3 = lesson(
    EXTRA_2, "extra-3-moving-complexity",
    summary="a pre-commit hook exports the requirements; back to one stage",
    dependency_install=r"--require-hashes",
    # The image reads the committed export, never the lock.
    absent_paths=("pyvenv.cfg", "/usr/local/bin/poetry", "/app/tests", "/app/poetry.lock"),
    absent_modules=NO_DEV_TOOLS,
    cache_reused=False,
    committed_requirements=True,
    stages=1,
)
FINAL = lesson(
    EXTRA_3, ".",
    summary="everything above in one simple Dockerfile, at the repository root",
    # The series' folders, tests and tools stay out of the image, and so does pip's cache (the
    # two pip commands that install uv run with --no-cache-dir).
    absent_paths=(
        "pyvenv.cfg", "/app/tests", "/app/tools", "/app/README.md", "/app/poetry.lock", "/root/.cache/pip",
        "step-1-kiss-requirements", "extra-3-moving-complexity",
    ),
    # poetry-core, the build backend, is installed; Poetry itself is not, nor
    # uv, which installs from a tmpfs mount.
    absent_modules=(*NO_DEV_TOOLS, "uv"),
    # Extra 2's uv, in the one stage: its cache is reused even where the index's answers carry no caching headers.
    cache_reused=True,
    healthcheck=True,
    production_checks=True,
    compose_hardened=True,
    dev_loop=True,
    # The same app behind other servers, to measure what this one is worth.
    variants=tuple(
        Variant(server, "servers.Dockerfile", target=server)
        for server in ("plain-uvicorn", "uvicorn-worker", "asgi-h1c")
    ),
)
# A lesson folder built on the final result keeps its own files, and pip's cache, out of the image too.
ON_FINAL_ABSENT = ("pyvenv.cfg", "/app/tests", "/app/README.md", "/root/.cache/pip")
# Extra 4 ships the final result as it is, and proves what shipping needs.
EXTRA_4 = lesson(
    FINAL, "extra-4-shipping-it",
    summary=(
        "after the build: a registry and a digest, an SBOM, Kubernetes manifests, "
        "a rolling update that drops no request, CI that pushes"
    ),
    absent_paths=(*ON_FINAL_ABSENT, "/app/kubernetes.yaml", "/app/stack.yml"),
    registry=True,
    sbom=True,
    kubernetes="kubernetes.yaml",
    swarm_stack="stack.yml",
)
# Extra 5 debugs the final result as it is: the tools come from outside its image.
EXTRA_5 = lesson(
    FINAL, "extra-5-debugging-it",
    summary="looking inside the hardened container: a shell, py-spy from outside, debugpy from an editor",
    absent_paths=(*ON_FINAL_ABSENT, "/app/compose.debug.yml", "/app/.vscode", "debugpy", "py-spy"),
    absent_modules=(*NO_DEV_TOOLS, "uv", "debugpy"),
    debug_compose="compose.debug.yml",
)
# Extra 6 moves the final result to a newer Python: the base, requires-python, the lock
# and the export.
EXTRA_6 = lesson(
    FINAL, "extra-6-a-newer-python",
    summary="moving the final result from Python 3.11 to 3.13: the base, the lock, the export, and both measured",
    base="python:3.13",
    absent_paths=ON_FINAL_ABSENT,
    python_moved=True,
)

STEPS = [STEP_1, STEP_2, STEP_3, STEP_4, STEP_5, EXTRA_1, EXTRA_2, EXTRA_3, FINAL, EXTRA_4, EXTRA_5, EXTRA_6]
BY_NAME = {step.name: step for step in STEPS}

# The workshop's core lessons, which a half day does together and never leaves out ...
WORKSHOP_CORE = (STEP_3, STEP_4, STEP_5)
# ... and what the two-hour plan takes first: the core, then the quick extras; step 2
# (five build targets) and extra 1 (a database) only if there is room.
WORKSHOP_PRIORITY = (*WORKSHOP_CORE, EXTRA_3, EXTRA_2, FINAL, STEP_2, EXTRA_1)


def facts(step: Step) -> str:
    """The step's facts that differ from a Step's defaults, as text: what a digest of the
    step holds, so that a new field changes only the digests of the steps that hold a
    non-default value for it (set, or inherited through `lesson()`), and of the exercises
    that start from them. Changing a default changes no digest: prove again after one."""
    default = Step(folder=step.folder)
    return repr({
        field.name: getattr(step, field.name)
        for field in dataclasses.fields(Step)
        if getattr(step, field.name) != getattr(default, field.name)
    })


def python_version(base: str) -> str:
    """The Python version an official python image's tag names: "python:3.13-slim" -> "3.13"."""
    return base.partition(":")[2].partition("-")[0]


def starting_point(step: Step) -> Step | None:
    """The step a lesson builds on."""
    return BY_NAME[step.builds_on] if step.builds_on else None


if __name__ == "__main__":
    # CI's step matrix is this list, so that a new step needs no edit of the workflow.
    print(json.dumps([step.name for step in STEPS]))
