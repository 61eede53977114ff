"""Every Dockerfile passes hadolint; deliberate breaks are ignored inline, with a reason."""

import subprocess
import sys
from pathlib import Path

import pytest

from tools.series import REPO

SKIPPED = {".git", "workshop", "node_modules"}
DOCKERFILES = sorted(
    path.relative_to(REPO)
    for pattern in ("Dockerfile", "*.Dockerfile")
    for path in REPO.rglob(pattern)
    if not SKIPPED.intersection(path.relative_to(REPO).parts)
    and not any(part.startswith(".venv") for part in path.parts)
)


def test_no_global_hadolint_configuration():
    configs = [p for p in (".hadolint.yaml", ".hadolint.yml") if (REPO / p).exists()]
    assert not configs, f"rules are ignored inline, on the line that breaks them, not in {configs}"


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=str)
def test_hadolint(dockerfile: Path):
    hadolint = Path(sys.executable).parent / "hadolint"
    lint = subprocess.run(
        [str(hadolint), "--no-color", str(dockerfile)], cwd=REPO, capture_output=True, text=True,
    )
    assert lint.returncode == 0, (
        f"hadolint finds problems in {dockerfile}; fix them, or where the step breaks a rule "
        f"on purpose, ignore it inline with a comment saying which step fixes it:\n{lint.stdout}"
    )
