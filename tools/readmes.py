"""The repository's Markdown files and their generated sections: the one place markers are parsed.

A section sits between markers, each on a line of its own:
    <!-- dockerfile:begin --> ... <!-- dockerfile:end -->
    <!-- dockerfile:begin slim.Dockerfile --> ... <!-- dockerfile:end -->
tools/docs/sections.py says what fills each, and `python -m tools.docs` fills every section of every file.
"""

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from tools.series import REPO, STEPS

STEP_OF_README = {step.path / "README.md": step for step in STEPS}
_SECTION = re.compile(r"^(<!-- ([\w-]+):begin(?: ([^ \n]+))? -->\n)(.*?)^(<!-- \2:end -->)$", re.S | re.M)
# Any begin or end marker, to find those that open or close no section.
_MARKER = re.compile(r"<!-- [\w-]+:(?:begin|end)\b.*?-->")


class Section(NamedTuple):
    name: str
    argument: str  # "" when the marker has none
    content: str

    @property
    def marker(self) -> str:
        return f"<!-- {self.name}:begin{' ' + self.argument if self.argument else ''} -->"


def _section(match: re.Match) -> Section:
    return Section(match.group(2), match.group(3) or "", match.group(4))


def blocks(text: str) -> list[Section]:
    return [_section(match) for match in _SECTION.finditer(text)]


def stray_markers(text: str) -> list[str]:
    """Markers that open or close no section: unpaired, misnamed, or not on a line of their own."""
    delimiters = {start for match in _SECTION.finditer(text) for start in (match.start(1), match.start(5))}
    return [m.group(0) for m in _MARKER.finditer(text) if m.start() not in delimiters]


def fill_all(text: str, render: Callable[[Section], str]) -> str:
    """Replace every section's content by render(section)."""
    return _SECTION.sub(lambda match: match.group(1) + render(_section(match)) + match.group(5), text)


def markdown_files() -> list[Path]:
    """The repository's Markdown files: tracked, or new and not ignored (attendees' copies are)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.md"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout
    return sorted({REPO / name for name in listed.split("\0") if name and (REPO / name).is_file()})


def title(markdown: Path) -> str:
    """The text of a file's first level-one heading."""
    for line in markdown.read_text().splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError(f"{markdown.relative_to(REPO)} has no `# ` title")
