"""The READMEs say what the files and the measurements say, and their links lead somewhere.

No Docker needed: the measured sections are re-rendered from the committed
docs/scoreboard.json, the Dockerfile and diff sections from the step folders.
"""

import json
import os
import re
import urllib.parse
from pathlib import Path

import pytest

from tools import readmes
from tools.scoreboard import JSON_PATH, MARKDOWN_PATH, render
from tools.scoreboard.measure import dockerfile_digest, images_of
from tools.series import REPO, STEPS

ROOT_README = REPO / "README.md"
BEGIN, END = "<!-- scoreboard:begin -->", "<!-- scoreboard:end -->"
GENERATED = ("dockerfile", "diff")


def find_readmes() -> list[Path]:
    """Every README.md of the repository, hidden folders, virtualenvs and workshop copies aside."""
    found = []
    for top, dirs, files in os.walk(REPO):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("__pycache__", "node_modules"))
        if Path(top) == REPO / "workshop":  # workshop/work/ holds attendees' copies, git-ignored
            dirs.remove("work") if "work" in dirs else None
        if "README.md" in files:
            found.append(Path(top) / "README.md")
    return found


READMES = find_readmes()
STEP_OF = {step.path / "README.md": step for step in STEPS}
STEP_READMES = [readme for readme in READMES if readme in STEP_OF]
OTHER_READMES = [readme for readme in READMES if readme not in STEP_OF]


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def readme_params(readmes_: list[Path]):
    return pytest.mark.parametrize("readme", readmes_, ids=[rel(r) for r in readmes_])


def scoreboard() -> dict:
    if not JSON_PATH.exists():
        pytest.fail(f"{rel(JSON_PATH)} is missing: run `bash tools/measure`", pytrace=False)
    return json.loads(JSON_PATH.read_text())


# --- every step has a README -------------------------------------------------------------


def test_every_step_has_a_readme(step):
    readme = step.path / "README.md"
    assert readme.is_file(), (
        f"tools/series.py lists {step.name}, but {rel(readme)} does not exist"
        + ("" if step.path.is_dir() else f" (nor does the folder {step.folder}/)")
    )


# --- the measured sections ---------------------------------------------------------------


def scoreboard_section(readme: Path) -> str:
    text = readme.read_text()
    begins, ends = text.count(BEGIN), text.count(END)
    assert begins == 1 and ends == 1, (
        f"{rel(readme)} needs exactly one {BEGIN} and one {END} (each on a line of its own), "
        f"found {begins} and {ends}"
    )
    assert text.index(BEGIN) < text.index(END), f"{rel(readme)}: {END} comes before {BEGIN}"
    assert re.search(f"^{re.escape(BEGIN)}\n", text, re.M) and re.search(f"^{re.escape(END)}$", text, re.M), (
        f"{rel(readme)}: put {BEGIN} and {END} each on a line of its own"
    )
    return next(content for name, _, content in readmes.blocks(text) if name == "scoreboard")


@readme_params([ROOT_README] + [r for r in STEP_READMES if r != ROOT_README])
def test_measured_section_matches_the_scoreboard(readme):
    section = scoreboard_section(readme)
    results = scoreboard()
    if readme == ROOT_README:
        expected, only = render.root_section(results), ""
    else:
        name = STEP_OF[readme].name
        expected, only = render.step_section(results, name), f" --only {name}"
        if not any(entry["step"] == name for entry in results["images"]):
            pytest.fail(
                f"{rel(JSON_PATH)} has no measurement of {name}: run `bash tools/measure{only}`",
                pytrace=False,
            )
    assert section == expected, (
        f"{rel(readme)}: the measured section is not what {rel(JSON_PATH)} renders: run "
        f"`bash tools/measure{only}` (or `bash tools/measure --render` to only redraw it)"
    )


def test_scoreboard_measured_every_image_as_committed(step):
    """Every image of the step measured, built fine, from the Dockerfile as it is now."""
    by_key = {entry["key"]: entry for entry in scoreboard()["images"]}
    command = f"bash tools/measure --only {step.name}"
    problems = []
    for image in images_of([step]):
        entry = by_key.get(image.key)
        dockerfile = step.path / image.dockerfile
        if entry is None:
            problems.append(f"{image.key} was never measured")
        elif entry["status"] != "ok":
            problems.append(f"{image.key} failed at {entry['phase']} when last measured")
        elif dockerfile.is_file() and entry["dockerfile_sha256"] != dockerfile_digest(dockerfile):
            problems.append(f"{rel(dockerfile)} changed since {image.key} was measured")
        elif not dockerfile.is_file():
            problems.append(f"{rel(dockerfile)} does not exist")
    assert not problems, f"{rel(JSON_PATH)}: {'; '.join(problems)}: run `{command}`"


def test_scoreboard_document_matches_the_scoreboard():
    results = scoreboard()
    assert MARKDOWN_PATH.is_file() and MARKDOWN_PATH.read_text() == render.document(results), (
        f"{rel(MARKDOWN_PATH)} is not what {rel(JSON_PATH)} renders: run `bash tools/measure --render`"
    )
    assert (MARKDOWN_PATH.parent / "scoreboard.png").is_file(), (
        "docs/scoreboard.png is missing: run `bash tools/measure --render`"
    )


def test_no_generated_sections_outside_the_series():
    """Only a step's README (and the root's scoreboard) has sections that a tool fills."""
    stray = [
        f"{rel(readme)}: {name}"
        for readme in OTHER_READMES
        for name, _, _ in readmes.blocks(readme.read_text())
        if not (readme == ROOT_README and name == "scoreboard")
    ]
    assert not stray, (
        "sections that no tool fills (their folders are not steps of tools/series.py):\n  "
        + "\n  ".join(stray)
    )


# --- the Dockerfile and diff sections ----------------------------------------------------


@readme_params(STEP_READMES)
def test_dockerfile_and_diff_sections_match_the_files(readme):
    step = STEP_OF[readme]
    try:
        expected = readmes.render(step)
    except FileNotFoundError as error:
        pytest.fail(f"{rel(readme)}: cannot render its Dockerfile or diff section: {error}", pytrace=False)
    current = [b for b in readmes.blocks(readme.read_text()) if b[0] in GENERATED]
    wanted = [b for b in readmes.blocks(expected) if b[0] in GENERATED]
    names = {name for name, _, _ in current}
    assert "dockerfile" in names, f"{rel(readme)} embeds no Dockerfile (<!-- dockerfile:begin -->)"
    stale = [
        f"{name} {argument or ''}".strip()
        for (name, argument, content), (_, _, fresh) in zip(current, wanted)
        if content != fresh
    ]
    assert not stale, (
        f"{rel(readme)}: the {', '.join(stale)} section(s) differ from the files: "
        "run `python -m tools.readmes`"
    )


# --- links -------------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+[\"'(].*?[\"')])?\s*\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.M)
_HTML = re.compile(r"<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def without_code(text: str) -> str:
    return _CODE_SPAN.sub("", _FENCE.sub("", text))


def links(text: str) -> list[str]:
    prose = without_code(text)
    found = _INLINE_LINK.findall(prose) + _REFERENCE.findall(prose) + _HTML.findall(prose)
    return [target for target in found if target and not _SCHEME.match(target)]


def heading_texts(text: str) -> list[str]:
    """ATX and setext headings, outside code blocks."""
    lines = _FENCE.sub("", text).splitlines()
    headings = []
    for number, line in enumerate(lines):
        if match := re.match(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$", line):
            headings.append(match.group(1) or "")
        elif (
            number
            and re.match(r"^ {0,3}(=+|-+)[ \t]*$", line)
            and lines[number - 1].strip()
            and not re.match(r"^ {0,3}([-*+>#|]|\d+[.)])", lines[number - 1])
        ):
            headings.append(lines[number - 1].strip())
    return headings


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: its text, lower case, punctuation dropped, spaces to -."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links and images: their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = re.sub(r"(?<!\w)[*_]+|[*_]+(?!\w)", "", text.replace("`", ""))  # emphasis marks
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(markdown: Path) -> set[str]:
    text = markdown.read_text()
    found, seen = set(), {}
    for heading in heading_texts(text):
        base = slug(heading)
        name, count = base, seen.get(base, 0)
        while name in found:
            count += 1
            name = f"{base}-{count}"
        seen[base] = count
        found.add(name)
    found.update(re.findall(r"<[^>]+\b(?:id|name)\s*=\s*[\"']([^\"']+)[\"']", text))
    return found


@readme_params(READMES)
def test_relative_links_resolve(readme):
    broken = []
    for target in links(readme.read_text()):
        path_part, _, anchor = target.partition("#")
        path_part = urllib.parse.unquote(path_part)
        if not path_part:
            resolved = readme
        elif path_part.startswith("/"):
            resolved = REPO / path_part.lstrip("/")
        else:
            resolved = readme.parent / path_part
        resolved = Path(os.path.normpath(resolved))
        if resolved != REPO and REPO not in resolved.parents:
            broken.append(f"{target} (outside the repository)")
        elif not resolved.exists():
            broken.append(f"{target} ({rel(resolved)} does not exist)")
        elif anchor and resolved.is_dir():
            broken.append(f"{target} (an anchor on a folder: link its README.md)")
        elif anchor and resolved.suffix.lower() == ".md":
            if urllib.parse.unquote(anchor).lower() not in anchors(resolved):
                broken.append(f"{target} (no heading in {rel(resolved)} has the anchor #{anchor})")
    assert not broken, f"{rel(readme)} has broken links:\n  " + "\n  ".join(broken)


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
def test_github_slugs(heading, anchor):
    assert slug(heading) == anchor


def test_anchors_number_repeated_headings(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Run it\n\n```\n# not a heading\n```\n\n## Run it\n\nRun it\n---\n")
    assert anchors(page) == {"run-it", "run-it-1", "run-it-2"}


def test_links_skip_code_and_absolute_urls():
    text = "[a](b.md#c) `[x](y.md)` <https://e.org> [d](https://e.org)\n```\n[z](z.md)\n```\n[r]: ref.md\n"
    assert links(text) == ["b.md#c", "ref.md"]
