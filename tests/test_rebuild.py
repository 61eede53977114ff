"""Layer caching: what a one-line app change costs on rebuild."""

import re
import uuid

import pytest

from tools import docker_cli


def edit_the_app(step, folder):
    """A one-line change, new in every run: an edit seen before would hit the cache."""
    source = folder / step.app_source
    assert source.is_file(), f"{step.name}: the app belongs at {step.app_source}"
    source.write_text(source.read_text() + f"# a one-line change ({uuid.uuid4().hex})\n")


@pytest.mark.reads("code_change_reinstalls_dependencies", "dependency_install", "app_source")
def test_app_change_and_the_dependency_install(step, images, step_copy, scratch_tag):
    images.get(step)  # the pristine folder's build warms the cache
    edit_the_app(step, step_copy)
    tag = scratch_tag()
    rebuild = docker_cli.build(step_copy, tag)

    installs = rebuild.log.matching(step.dependency_install)
    assert installs, (
        f"{step.name}: no instruction matching {step.dependency_install!r}: install the "
        "dependencies in an instruction of their own, before the code is copied (step 3's lesson)"
    )
    rerun = [i.text for i in installs if not i.cached]
    if step.code_change_reinstalls_dependencies:
        assert rerun, (
            f"{step.name} is meant to show the flaw 'an app change re-runs the dependency "
            "install' (step 3 fixes it by copying the dependency files first), but the "
            "install stayed cached"
        )
    else:
        assert not rerun, (
            f"{step.name}: a one-line app change re-ran {rerun}; copy only the dependency "
            "files before installing, and the code after (step 3's lesson)"
        )


@pytest.mark.applies_to("code_change_downloads_nothing")
def test_app_change_downloads_nothing(step, images, step_copy, scratch_tag):
    images.get(step)
    edit_the_app(step, step_copy)
    tag = scratch_tag()
    rebuild = docker_cli.build(step_copy, tag)
    fetched = [
        f"{i.text}: {line}"
        for i in rebuild.log.instructions if not i.cached
        for line in i.output if re.match(r"\s*(Downloading|Collecting) ", line)
    ]
    assert not fetched, f"{step.name}: a code change fetched packages:\n" + "\n".join(fetched)
