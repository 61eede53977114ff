"""The suite's Docker helper removes the image a rebuild untagged, unless a tag or a container still holds it."""

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
