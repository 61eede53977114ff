"""A committed requirements.txt, kept in step with the lock by a pre-commit hook."""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.applies_to("committed_requirements")
def test_committed_requirements_match_the_lock(step, tmp_path):
    config = step.path / ".pre-commit-config.yaml"
    assert config.is_file(), f"{step.name}: a pre-commit hook should export requirements.txt"
    hook = config.read_text()
    entry = re.search(r"^\s*entry:\s*(poetry export .+)$", hook, re.M)
    assert entry, f"{step.name}: no `poetry export` hook in .pre-commit-config.yaml"
    for name in ("pyproject.toml", "poetry.lock"):
        shutil.copy(step.path / name, tmp_path / name)
    command = shlex.split(entry.group(1))
    command[0] = str(Path(sys.executable).parent / "poetry")
    export = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert export.returncode == 0, f"the hook's export failed:\n{export.stderr}"
    fresh = (tmp_path / "requirements.txt").read_text()
    assert (step.path / "requirements.txt").read_text() == fresh, (
        f"{step.name}/requirements.txt is stale: run `pre-commit run --all-files` "
        f"(or `{entry.group(1)}`) in {step.name} and commit the result"
    )


@pytest.mark.applies_to("stages")
def test_number_of_stages(step):
    stages = re.findall(r"^FROM\s", (step.path / "Dockerfile").read_text(), re.M | re.I)
    assert len(stages) == step.stages, (
        f"{step.name}: the Dockerfile has {len(stages)} stages; this lesson needs {step.stages}"
    )
