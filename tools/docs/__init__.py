"""Every generated part of the Markdown files, written again from the files and committed data.

    python -m tools.docs                # write every stale section
    python -m tools.docs --check        # change nothing: list each stale section, exit 1 if any
    python -m tools.docs FILE ...       # only these files (with or without --check)

Generated are the sections between `<!-- NAME:begin -->` and `<!-- NAME:end -->` markers
(tools/readmes.py parses them; sections.py says what fills each NAME) and the files
written whole, such as docs/scoreboard.md. Measuring is another job, `bash tools/measure`:
this only renders what docs/scoreboard.json and docs/workshop-timings.json hold.
Standard library only, like the workshop kit that calls it.
"""

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tools import readmes
from tools.docs import sections
from tools.readmes import Section
from tools.series import REPO

COMMAND = "python -m tools.docs"


@dataclass(frozen=True)
class Finding:
    """A section (or a file generated whole) that is stale, or that cannot be generated."""

    path: Path
    marker: str
    problem: str = ""  # why it cannot be generated; empty when it is only stale

    def __str__(self) -> str:
        where = f"{self.path.relative_to(REPO).as_posix()}: {self.marker}"
        return f"{where}: {self.problem}" if self.problem else where


def generated_files() -> list[Path]:
    return sorted({*readmes.markdown_files(), *sections.WHOLE_FILES})


def refresh(paths: list[Path] | None = None, check: bool = False) -> tuple[list[Finding], list[Finding]]:
    """(stale parts, parts that cannot be generated) of `paths`, by default every Markdown file.

    Unless `check`, the stale parts are written; a part that cannot be generated is left as it is.
    """
    sources = sections.Sources()
    outdated, problems = [], []

    def render(path: Path, section: Section) -> str:
        try:
            content = sections.render_section(path, section, sources)
        except (ValueError, OSError) as error:
            problems.append(Finding(path, section.marker, str(error)))
            return section.content
        if content != section.content:
            outdated.append(Finding(path, section.marker))
        return content

    for path in paths or generated_files():
        current = path.read_text() if path.exists() else ""
        if path in sections.WHOLE_FILES:
            fresh = sections.WHOLE_FILES[path](sources)
            if fresh != current:
                outdated.append(Finding(path, "the whole file"))
        else:
            problems += [Finding(path, stray, "opens or closes no section") for stray in readmes.stray_markers(current)]
            fresh = readmes.fill_all(current, partial(render, path))
        if fresh != current and not check:
            path.write_text(fresh)
    return outdated, problems
