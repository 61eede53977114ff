"""Keeps README sections generated from the files they describe.

Sections sit between markers such as
    <!-- dockerfile:begin --> ... <!-- dockerfile:end -->
    <!-- dockerfile:begin slim.Dockerfile --> ... <!-- dockerfile:end -->
    <!-- diff:begin --> ... <!-- diff:end -->      (this Dockerfile against the previous step's)
and are filled by `python -m tools.readmes`; `--check` only reports what differs.
"""

import difflib
import re
import sys

from tools.series import REPO, STEPS, Step, starting_point

_BLOCK = re.compile(r"(<!-- (\w+):begin ?([^ ]*) -->\n)(.*?)(<!-- \2:end -->)", re.S)


def blocks(text: str) -> list[tuple[str, str, str]]:
    """(name, argument, content) of every marked section."""
    return [(m.group(2), m.group(3), m.group(4)) for m in _BLOCK.finditer(text)]


def fill(text: str, name: str, render) -> str:
    """Replace each `name` section's content by render(argument)."""

    def replace(match):
        if match.group(2) != name:
            return match.group(0)
        return match.group(1) + render(match.group(3)) + match.group(5)

    return _BLOCK.sub(replace, text)


def fenced(language: str, body: str) -> str:
    return f"```{language}\n{body.rstrip()}\n```\n"


def dockerfile_diff(step: Step) -> str:
    before = starting_point(step)
    old = (before.path / "Dockerfile").read_text().splitlines(keepends=True)
    new = (step.path / "Dockerfile").read_text().splitlines(keepends=True)
    label = "." if step.folder == "." else step.folder
    lines = difflib.unified_diff(old, new, f"{before.folder}/Dockerfile", f"{label}/Dockerfile")
    return "".join(lines)


def render(step: Step) -> str:
    """The step's README as it should read, every generated section refreshed."""
    text = (step.path / "README.md").read_text()

    def embed(file_name: str) -> str:
        file_name = file_name or "Dockerfile"
        language = "dockerfile" if file_name.endswith("Dockerfile") else "text"
        return fenced(language, (step.path / file_name).read_text())

    text = fill(text, "dockerfile", embed)
    if starting_point(step):
        diff = dockerfile_diff(step)
        before = starting_point(step).folder
        unchanged = f"The Dockerfile is the same as in `{before}`.\n"
        text = fill(text, "diff", lambda _: fenced("diff", diff) if diff else unchanged)
    return text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = 0
    for step in STEPS:
        readme = step.path / "README.md"
        expected = render(step)
        if readme.read_text() != expected:
            stale += 1
            print(f"{'stale' if check else 'updated'}: {readme.relative_to(REPO)}")
            if not check:
                readme.write_text(expected)
    return 1 if stale and check else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
