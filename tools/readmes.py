"""Generated sections of the Markdown files: the one place their markers are parsed.

A section sits between markers, each on a line of its own:
    <!-- dockerfile:begin --> ... <!-- dockerfile:end -->
    <!-- dockerfile:begin slim.Dockerfile --> ... <!-- dockerfile:end -->
This module finds and fills sections; tools/docs/sections.py says what fills each, and
`python -m tools.docs` fills every section of every file.
"""

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from tools.series import REPO

_SECTION = re.compile(
    r"^(<!-- ([\w-]+):begin(?: ([^ \n]+))? -->\n)(.*?)^(<!-- \2:end -->)$", re.S | re.M
)
# Any begin or end marker, to find those that open or close no section.
_MARKER = re.compile(r"<!-- [\w-]+:(?:begin|end)\b.*?-->")


class Section(NamedTuple):
    name: str
    argument: str  # "" when the marker has none
    content: str


def blocks(text: str) -> list[Section]:
    """Every marked section, in order."""
    return [Section(m.group(2), m.group(3) or "", m.group(4)) for m in _SECTION.finditer(text)]


def stray_markers(text: str) -> list[str]:
    """Markers that open or close no section: unpaired, misnamed, or not on a line of their own."""
    delimiters = set()
    for match in _SECTION.finditer(text):
        delimiters |= {match.start(1), match.start(5)}
    return [m.group(0) for m in _MARKER.finditer(text) if m.start() not in delimiters]


def fill_all(text: str, render: Callable[[Section], str]) -> str:
    """Replace every section's content by render(section)."""

    def replace(match):
        section = Section(match.group(2), match.group(3) or "", match.group(4))
        return match.group(1) + render(section) + match.group(5)

    return _SECTION.sub(replace, text)


def markdown_files(root: Path = REPO) -> list[Path]:
    """The repository's Markdown files: tracked, or new and not ignored (attendees' copies are)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.md"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout
    return sorted({root / name for name in listed.split("\0") if name and (root / name).is_file()})


def title(markdown: Path) -> str:
    """The text of a file's first level-one heading."""
    for line in markdown.read_text().splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError(f"{markdown.relative_to(REPO)} has no `# ` title")

