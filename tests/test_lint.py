"""Every Dockerfile passes hadolint (deliberate breaks are ignored inline, with a reason), and
the series' own Python passes ruff with the rules in ruff.toml."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tools.series import REPO

SKIPPED = {".git", "node_modules"}
DOCKERFILES = sorted(
    path.relative_to(REPO)
    for pattern in ("Dockerfile", "*.Dockerfile")
    for path in REPO.rglob(pattern)
    if not SKIPPED.intersection(path.relative_to(REPO).parts)
    and path.relative_to(REPO).parts[:2] != ("workshop", "work")  # attendees' copies
    and not any(part.startswith(".venv") for part in path.parts)
)


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=str)
def test_hadolint(dockerfile: Path):
    hadolint = Path(sys.executable).parent / "hadolint"
    lint = subprocess.run([str(hadolint), "--no-color", str(dockerfile)], cwd=REPO, capture_output=True, text=True)
    assert lint.returncode == 0, (
        f"hadolint finds problems in {dockerfile}; fix them, or where the step breaks a rule "
        f"on purpose, ignore it inline with a comment saying which step fixes it:\n{lint.stdout}"
    )


def test_ruff():
    ruff = Path(sys.executable).parent / "ruff"
    lint = subprocess.run(
        [str(ruff), "check", "--no-cache", "--output-format", "concise", "."],
        cwd=REPO, capture_output=True, text=True,
    )
    assert lint.returncode == 0, (
        f"ruff finds problems (`ruff check --fix` mends some):\n{lint.stdout}"
    )


def import_graph() -> dict[str, set[str]]:
    """Each module of tools/ and tests/ -> the modules of the two it imports (anywhere in it)."""
    files = {
        ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__"): path
        for path in (REPO / "tools").rglob("*.py")
    } | {path.stem: path for path in (REPO / "tests").glob("*.py")}
    graph = {}
    for name, path in files.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # `from package import submodule` depends on the submodule, not on the package.
                imported |= {
                    f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in files else node.module
                    for alias in node.names
                }
        graph[name] = {target for target in imported if target in files and target != name}
    return graph


def test_no_import_cycle():
    graph, cycles, state = import_graph(), [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(path[path.index(target):] + [module, target]))
            elif target not in state:
                visit(target, path + [module])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    assert not cycles, "modules that import each other, directly or round a loop:\n" + "\n".join(cycles)
