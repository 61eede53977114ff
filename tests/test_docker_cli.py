"""The suite's Docker helper: a rebuild removes the image it untagged, unless a tag or a container still
holds it; a failed build says why."""

import pytest

from tools import docker_cli


def test_a_rebuild_removes_the_image_it_untagged_and_keeps_one_still_tagged(scratch_tag, tmp_path):
    """A changed folder builds a new image (on a warm machine, so did a fresh clone of the same one);
    the old one, untagged by the build, would stay behind on every run. One with a tag left (`room`
    keeps a base that way) stays, even when that tag is in the same repository."""
    tag, kept, ids = scratch_tag(), scratch_tag(), []
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY file /\n")
    for content in ("one", "two", "three"):
        (tmp_path / "file").write_text(content)
        docker_cli.build(tmp_path, tag)
        ids.append(docker_cli.image_id(tag))
        if content == "one":
            docker_cli.docker("tag", tag, kept)

    assert len(set(ids)) == 3, ids
    assert docker_cli.image_id(ids[0]) == ids[0], f"building {tag} again removed {ids[0]}, which {kept} still names"
    assert not docker_cli.image_id(ids[1]), f"building {tag} again left the image it replaced behind: {ids[1]}"


def test_a_failed_build_shows_the_reason_printed_above_a_long_traceback(scratch_tag, tmp_path):
    """The message holds the failed instruction's last 40 lines of output, not the log's: here the reason
    sits 31 lines up, where BuildKit's summary at the end of the log would push it out of the log's last
    40, as pipenv's traceback did to its reason for refusing a lock. (The reason is spelt so that the
    instruction's text, which that summary repeats, does not contain it.)"""
    (tmp_path / "Dockerfile").write_text(
        'FROM python:3.11-slim\nRUN echo "the $(echo reason)"; for i in $(seq 30); do echo "line $i"; done; exit 3\n'
    )
    with pytest.raises(docker_cli.BuildFailed) as failed:
        docker_cli.build(tmp_path, scratch_tag())
    message = str(failed.value)
    assert "the reason" in message and "line 30" in message and "exit code: 3" in message, message
