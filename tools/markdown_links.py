"""The Markdown files' relative links and #anchors, resolved as GitHub resolves them: markdown-it-py
parses (so code holds no links), mdit-py-plugins' anchors plugin slugs headings as GitHub does,
html.parser reads raw HTML.

    python -m tools.markdown_links      # every broken link of the repository's Markdown files
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from tools.readmes import markdown_files
from tools.series import REPO

PARSER = MarkdownIt("commonmark").enable("table").use(anchors_plugin, min_level=1, max_level=6)


@dataclass(frozen=True)
class Link:
    line: int  # 1-based
    target: str  # as written, after Markdown's unescaping


class _HtmlAttributes(HTMLParser):
    """The link targets (href, src) and anchors (id, name) of a piece of raw HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.targets, self.anchors = [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and name in ("href", "src"):
                self.targets.append(value)
            elif value and name in ("id", "name"):
                self.anchors.append(value)


def _tokens(text: str, env: dict) -> Iterator[tuple[int, Token]]:
    """Every token with the line it starts on; inline ones take their block's line."""
    for token in PARSER.parse(text, env):
        line = token.map[0] + 1 if token.map else 0
        yield line, token
        yield from ((line, child) for child in token.children or [])


def links(text: str) -> list[Link]:
    """Every link and image target, reference definitions and raw HTML included, each once."""
    env: dict = {}
    found = []
    for line, token in _tokens(text, env):
        if token.type in ("link_open", "image"):
            found.append(Link(line, str(token.attrGet("href") or token.attrGet("src"))))
        elif token.type in ("html_block", "html_inline"):
            found += [Link(line, target) for target in _HtmlAttributes(token.content).targets]
    found += [Link(reference["map"][0] + 1, reference["href"]) for reference in env.get("references", {}).values()]
    first = {}  # a target once, where it first appears: a used reference is also a link
    for link in sorted(found, key=lambda link: link.line):
        first.setdefault(link.target, link)
    return list(first.values())


def anchors(text: str) -> set[str]:
    """The ids a link's #fragment can name: headings as GitHub slugs them, HTML ids and names."""
    found = set()
    for _, token in _tokens(text, {}):
        if token.type == "heading_open":
            found.add(str(token.attrGet("id")))
        elif token.type in ("html_block", "html_inline"):
            found.update(_HtmlAttributes(token.content).anchors)
    return found


def broken(link: Link, source: Path, text: str, root: Path) -> str | None:
    """Why `link`, written in `source` (whose content is `text`), leads nowhere; None if it resolves."""
    parts = urlsplit(link.target)
    if parts.scheme or parts.netloc:
        return None  # a URL elsewhere: not this repository's to check
    path, anchor = unquote(parts.path), unquote(parts.fragment)
    # GitHub reads a leading / from the repository's root.
    joined = root / path.lstrip("/") if path.startswith("/") else source.parent / path
    resolved = Path(os.path.normpath(joined)) if path else source
    if resolved != root and root not in resolved.parents:
        return "outside the repository"
    shown = resolved.relative_to(root).as_posix()
    if not resolved.exists():
        return f"{shown} does not exist"
    if anchor and resolved.is_dir():
        return "an anchor on a folder: link its README.md"
    if anchor and resolved.suffix.lower() == ".md":
        known = anchors(text if resolved == source else resolved.read_text())
        if anchor.lower() not in known:
            return f"no heading in {shown} has the anchor #{anchor}"
    return None


def broken_links(source: Path, root: Path = REPO) -> list[str]:
    """`source`'s links that lead nowhere, as "line: target (why)"."""
    text = source.read_text()
    return [f"{link.line}: {link.target} ({why})" for link in links(text) if (why := broken(link, source, text, root))]


def main() -> int:
    found = [f"{file.relative_to(REPO).as_posix()}:{why}" for file in markdown_files() for why in broken_links(file)]
    if found:
        print("\n".join(found))
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
