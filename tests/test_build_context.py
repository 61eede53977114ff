"""What a folder's clutter does to the build context and the image."""

import pytest

from container_facts import find_paths, read_in_image
from tools import docker_cli

BIG_FILE_BYTES = 50_000_000
# Junk a real project folder collects, each piece named for the test to find it.
JUNK = {
    ".venv/junk-venv-marker": "a developer's virtualenv\n",
    ".git/junk-git-marker": "the repository's history\n",
    ".env": "JUNK_SECRET=fake-secret-for-the-test\n",
}
BIG_FILE = "junk-big-file.bin"


def plant_junk(folder):
    for relative, text in JUNK.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    with open(folder / BIG_FILE, "wb") as big:
        big.truncate(BIG_FILE_BYTES)


@pytest.mark.reads("junk_reaches_image")
def test_junk_in_the_folder(step, step_copy, scratch_tag):
    plant_junk(step_copy)
    tag = scratch_tag()
    build = docker_cli.build(step_copy, tag)
    # Searched without starting the app: a stray .venv can break the app itself.
    found = find_paths(tag, "junk-venv-marker", "junk-git-marker", ".env", BIG_FILE)
    # Only our .env counts: some packages ship a file of that name.
    found = [p for p in found if not p.endswith(".env") or "fake-secret" in read_in_image(tag, p)]
    context_mb = build.log.context_bytes / 1e6

    if step.junk_reaches_image:
        assert len(found) == 4 and context_mb > 50, (
            f"{step.name} is meant to show the flaw 'folder junk reaches the image' (step 5 "
            f"adds an allow-list .dockerignore); found {found}, context {context_mb:.1f} MB"
        )
    else:
        assert not found, f"{step.name}: junk reached the image: {found}; fix .dockerignore"
        assert context_mb < 5, (
            f"{step.name}: the build context was {context_mb:.1f} MB; the allow-list "
            ".dockerignore should keep the 50 MB file out"
        )
