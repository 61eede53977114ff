"""Extra 3's pre-commit hook and the root's each export their own folder, installed from either."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.series import REPO

EXTRA_3 = "extra-3-moving-complexity"
FOLDERS = (".", EXTRA_3)
FILES = ("pyproject.toml", "poetry.lock", ".pre-commit-config.yaml", "requirements.txt")
# What each requirements.txt holds until a hook exports it again.
NOT_EXPORTED = "# not exported by any hook yet\n"


def _run(command: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def repo(tmp_path) -> tuple[Path, dict]:
    """A git repository laid out like this one, holding only what the hooks use."""
    repo = tmp_path / "repo"
    for folder in FOLDERS:
        (repo / folder).mkdir(parents=True, exist_ok=True)
        for name in FILES:
            shutil.copy(REPO / folder / name, repo / folder / name)
        (repo / folder / "requirements.txt").write_text(NOT_EXPORTED)
    tools = Path(sys.executable).parent  # the suite's Poetry (with its export plugin) and pre-commit
    env = {
        **os.environ,
        "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        # No hooksPath or template of the machine's git configuration.
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "start"]):
        done = _run(command, repo, env)
        assert done.returncode == 0, f"{command}: {done.stderr}"
    return repo, env


@pytest.mark.parametrize("changed", FOLDERS, ids=["root-lock-changed", "extra-3-lock-changed"])
@pytest.mark.parametrize("installed_in", FOLDERS, ids=["installed-at-root", "installed-in-extra-3"])
def test_a_hook_exports_only_its_own_folder(repo, installed_in, changed):
    repo, env = repo
    install = _run([str(Path(sys.executable).parent / "pre-commit"), "install"], repo / installed_in, env)
    assert install.returncode == 0, install.stderr

    with (repo / changed / "poetry.lock").open("a") as lock:
        lock.write("# changed\n")
    _run(["git", "add", "-A"], repo, env)
    commit = _run(["git", "commit", "-m", f"change {changed}/poetry.lock"], repo, env)

    exported = {f for f in FOLDERS if (repo / f / "requirements.txt").read_text() != NOT_EXPORTED}
    expected = {changed} if changed == installed_in else set()
    where = f"installed in {installed_in!r}, {changed!r}/poetry.lock changed"
    assert exported == expected, (
        f"{where}: the hook exported {sorted(exported) or 'nothing'}, expected "
        f"{sorted(expected) or 'nothing'}; a hook must match and export only its own folder's "
        f"files (paths are relative to the repository's root)\n{commit.stdout}{commit.stderr}"
    )
    # A hook that rewrites a file fails, and pre-commit stops the commit so that the
    # export is reviewed and added; a hook that did nothing lets it through.
    stopped = _run(["git", "log", "--oneline"], repo, env).stdout.count("\n") == 1
    assert (commit.returncode != 0 and stopped) == bool(expected), (
        f"{where}: the commit exited {commit.returncode} and was "
        f"{'stopped' if stopped else 'made'}; it should {'stop' if expected else 'go through'}\n"
        f"{commit.stdout}{commit.stderr}"
    )
    for folder in exported:
        assert (repo / folder / "requirements.txt").read_text() == (
            REPO / folder / "requirements.txt"
        ).read_text(), f"{where}: the export differs from {folder}/requirements.txt (its groups?)"
    strays = _run(["git", "status", "--porcelain", "--untracked-files=all"], repo, env).stdout
    assert "??" not in strays, f"{where}: the hook wrote files elsewhere:\n{strays}"
