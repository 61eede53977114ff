"""Every relative link of the repository's Markdown files leads somewhere (no Docker needed):
a link to a missing file, or to an #anchor no heading has as GitHub slugs it, fails here.
"""

import pytest

from tools import markdown_links
from tools.readmes import markdown_files
from tools.series import REPO

MARKDOWN = markdown_files()


@pytest.mark.parametrize("markdown", MARKDOWN, ids=[path.relative_to(REPO).as_posix() for path in MARKDOWN])
def test_relative_links_resolve(markdown):
    broken = markdown_links.broken_links(markdown)
    assert not broken, f"{markdown.relative_to(REPO)} has broken links (line: target):\n  " + "\n  ".join(broken)


def test_a_broken_file_link_a_broken_anchor_and_a_link_out_of_the_repository_are_reported(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "other.md").write_text("# Other page\n\n## Its section\n")
    (tmp_path / "page.md").write_text("# Outside\n")
    page = repo / "page.md"
    page.write_text(
        "# Page\n\n"
        "[fine](other.md#its-section) and [here](#page)\n\n"
        "[gone](missing.md) and [nowhere](other.md#no-such-section)\n\n"
        "[also nowhere](#no-such-heading) and [up](../page.md)\n"
    )
    assert markdown_links.broken_links(page, root=repo) == [
        "5: missing.md (missing.md does not exist)",
        "5: other.md#no-such-section (no heading in other.md has the anchor #no-such-section)",
        "7: #no-such-heading (no heading in page.md has the anchor #no-such-heading)",
        "7: ../page.md (outside the repository)",
    ]


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Without Docker Hub", "without-docker-hub"),
        ("Step 1: keep it simple", "step-1-keep-it-simple"),
        ("`docker stop` in *10 s*", "docker-stop-in-10-s"),
        ("What's new? [Poetry](https://python-poetry.org/) 2", "whats-new-poetry-2"),
        ("C++ & Python", "c--python"),
        ("gunicorn_conf_py", "gunicorn_conf_py"),
    ],
)
def test_headings_are_slugged_as_github_does(heading, anchor):
    assert markdown_links.anchors(f"### {heading}\n") == {anchor}


def test_repeated_headings_are_numbered_and_code_holds_none():
    text = "# Run it\n\n```\n# not a heading\n```\n\n## Run it\n\nRun it\n---\n\n<a id=\"custom\"></a>\n"
    assert markdown_links.anchors(text) == {"run-it", "run-it-1", "run-it-2", "custom"}


def test_links_in_code_are_not_links():
    text = (
        "[a](b.md#c) `[x](y.md)` <https://e.org> [d](https://e.org)\n"
        "```\n[z](z.md)\n```\n\n<img src=\"pic.png\">\n\n[r]: ref.md\n"
    )
    assert [link.target for link in markdown_links.links(text)] == [
        "b.md#c", "https://e.org", "pic.png", "ref.md",
    ]
