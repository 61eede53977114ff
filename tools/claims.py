"""The Better and Worse lines of the step READMEs, and the tests and steps each one links.

A README's claim lists are the top-level bullets under a heading named "Better", "Worse"
or "Ready for production" (the root's Final result section). A bullet names its tests as
Markdown links whose text is a test function in backticks and whose target is the test
module, relative to the README: [`test_server_user`](../tests/test_image.py). A Worse
bullet names the step that fixes its flaw with a link to that step's README, or says
"No later step fixes this".
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from tools.readmes import STEP_OF_README
from tools.series import REPO, Step

HEADINGS = ("Better", "Worse", "Ready for production")
TEST_NAME = re.compile(r"test_\w+")
# How a Worse line says that no later step fixes it.
KEPT = "no later step fixes this"


@dataclass
class Claim:
    section: str
    line: int  # 1-based, in the README
    end: int  # the line after the bullet's last
    text: str = ""
    tests: list[tuple[str, str]] = field(default_factory=list)  # (link target as written, test name)
    step_links: list[str] = field(default_factory=list)  # link targets that are step READMEs

    @property
    def better(self) -> bool:
        return self.section != "Worse"

    def where(self, readme: Path) -> str:
        snippet = self.text if len(self.text) <= 70 else self.text[:67] + "..."
        return f"{readme.relative_to(REPO)}:{self.line} ({self.section}: {snippet!r})"

    def fixed_in(self, readme: Path) -> Step | None:
        """The step a Worse line says fixes its flaw: the first step README it links."""
        for target in self.step_links:
            path = Path(os.path.normpath(readme.parent / target.partition("#")[0]))
            if path != readme.resolve() and path in STEP_OF_README:
                return STEP_OF_README[path]
        return None


def claims(text: str) -> list[Claim]:
    """The top-level bullets under each claim heading, with the tests and steps they link."""
    from markdown_it import MarkdownIt  # the suite's; the docs command renders without it

    tokens = MarkdownIt("commonmark").parse(text)
    found, section, section_level, depth = [], None, 0, 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1:])
            title = tokens[index + 1].content.strip()
            if title in HEADINGS:
                section, section_level = title, level
            elif section and level <= section_level:
                section = None
        elif not section:
            continue
        elif token.type in ("bullet_list_open", "ordered_list_open", "bullet_list_close", "ordered_list_close"):
            depth += token.nesting  # 1 opens a list, -1 closes one
        elif token.type == "list_item_open" and depth == 1:
            found.append(Claim(section, token.map[0] + 1, token.map[1] + 1))
        elif token.type == "inline" and found and depth >= 1 and found[-1].line - 1 <= token.map[0]:
            claim = found[-1]
            claim.text = (claim.text + " " + token.content.replace("\n", " ")).strip()
            children = token.children or []
            # A test link's whole text is one `test_name` in backticks.
            claim.tests += [
                (link.attrs["href"], text.content)
                for link, text, close in zip(children, children[1:], children[2:], strict=False)
                if link.type == "link_open" and text.type == "code_inline" and close.type == "link_close"
                and TEST_NAME.fullmatch(text.content)
            ]
            claim.step_links += [
                child.attrs["href"] for child in children
                if child.type == "link_open" and child.attrs["href"].partition("#")[0].endswith("README.md")
            ]
    return found
