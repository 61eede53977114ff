"""Figures and comparisons typed into prose, each held to its source.

Prose (outside generated sections, code, links and headings) that states a size, a time, a
speed or a comparison ("faster", "smaller", "more requests") must say where it comes from,
in an HTML comment inside the same paragraph or bullet, which a reader does not see:

    <!-- measured: extra-1-compiling-dependencies:slim.size_bytes < extra-1-compiling-dependencies.size_bytes -->
        a comparison of two scoreboard entries (key.field, a median where the field has one),
        or of one with a value: final.oversized_header == 431
    <!-- setting: docker-compose.yml: stop_grace_period: 10s -->
        a configured value: the file, relative to the repository, contains the text, and the
        number typed last before the comment is one of the text's numbers
    <!-- unmeasured: a laptop's disk, not an image -->
        about nothing the scoreboard measures, and why

Each annotation is checked: a comparison against docs/scoreboard.json, a setting against its file.
"""

import operator
import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from tools import readmes
from tools.docs.sections import WHOLE_FILES
from tools.series import REPO

FIGURE = re.compile(
    r"(?<![\w.])\d[\d,.]*\s?(?:MB|kB|KB|GB|MiB|GiB|ms|s|seconds?|req/s|×)(?![\w/])"
    r"|\b(?:faster|slower|smaller|larger|bigger|quicker|fewer|more requests|cheaper|sooner|beats?|takes longer)\b",
    re.I,
)
ANNOTATION = re.compile(r"<!--\s*(measured|setting|unmeasured):\s*(.*?)\s*-->", re.S)
COMPARISON = re.compile(r"^([\w.:-]+)\.(\w+)\s*(<=|>=|<|>)\s*([\w.:-]+)\.(\w+)$")
OPERATORS = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}
NUMBER = re.compile(r"\d+(?:\.\d+)?")
# A measured value that is a word, not a number: KEY.FIELD == VALUE (or !=).
EQUALITY = re.compile(r"^([\w.:-]+)\.(\w+)\s*(==|!=)\s*(\S+)$")


@dataclass
class Passage:
    line: int
    text: str  # what a reader reads: no code, no link text, no comments
    annotations: list[tuple[str, str, str]]  # kind, claim, and the passage's text before it


def passages(markdown: str) -> list[Passage]:
    """Each paragraph or bullet of prose (a table is one paragraph), outside generated sections."""
    blanked = readmes.fill_all(markdown, lambda section: "\n" * section.content.count("\n"))
    found = []
    tokens = MarkdownIt("commonmark").parse(blanked)
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.map or (index and tokens[index - 1].type == "heading_open"):
            continue
        words, depth, comments = [], 0, []
        for child in token.children or []:
            if child.type in ("link_open", "link_close"):
                depth += child.nesting  # 1 opens a link, -1 closes one
            elif child.type == "html_inline":
                before = " ".join(words)
                comments += [(m.group(1), m.group(2), before) for m in ANNOTATION.finditer(child.content)]
            elif child.type == "text" and not depth:
                words.append(child.content)
        found.append(Passage(token.map[0] + 1, " ".join(words), comments))
    return found


def check(kind: str, claim: str, scoreboard: dict, before: str) -> str | None:
    """Why an annotation does not hold, or None; `before` is the prose typed before it."""
    if kind == "unmeasured":
        return None if claim else "unmeasured: say why"
    if kind == "setting":
        file, _, text = claim.partition(": ")
        path = REPO / file
        if not path.is_file():
            return f"setting names {file}, which does not exist"
        if not text or text not in path.read_text():
            return f"{file} does not contain {text!r}"
        typed = NUMBER.findall(before.replace(",", ""))
        if not typed or float(typed[-1]) not in {float(n) for n in NUMBER.findall(text)}:
            return f"the number typed before it ({typed[-1] if typed else 'none'}) is not {text!r}'s"
        return None
    entries = {entry["key"]: entry for entry in scoreboard["images"]}
    if match := EQUALITY.match(claim):
        key, field, op, expected = match.groups()
        if field not in entries.get(key, {}):
            return f"measured: no scoreboard entry {key!r} with {field!r}"
        if (str(entries[key][field]) == expected) != (op == "=="):
            return f"the scoreboard says otherwise: {key}.{field} = {entries[key][field]!r}"
        return None
    match = COMPARISON.match(claim)
    if not match:
        return f"measured: {claim!r} is not KEY.FIELD < KEY.FIELD (or KEY.FIELD == VALUE)"
    sides = []
    for key, field in (match.group(1, 2), match.group(4, 5)):
        if key not in entries:
            return f"measured: no scoreboard entry {key!r}"
        value = entries[key].get(field)
        value = value.get("median") if isinstance(value, dict) else value  # a median where the field has one
        if not isinstance(value, (int, float)):
            return f"measured: {key}.{field} is not a measured number ({value!r})"
        sides.append((f"{key}.{field}", value))
    (left, left_value), (right, right_value) = sides
    if not OPERATORS[match.group(3)](left_value, right_value):
        return f"the scoreboard says otherwise: {left} = {left_value} and {right} = {right_value}"
    return None


def problems(path: Path, scoreboard: dict, text: str | None = None) -> list[str]:
    found = []
    for passage in passages(path.read_text() if text is None else text):
        where = f"{path.relative_to(REPO)}:{passage.line}"
        found += [
            f"{where}: {why}" for kind, claim, before in passage.annotations
            if (why := check(kind, claim, scoreboard, before))
        ]
        typed = [m.group(0) for m in FIGURE.finditer(passage.text)]
        if typed and not passage.annotations:
            found.append(
                f"{where}: {', '.join(repr(t) for t in typed)} typed with no source: generate it, or say "
                "where it comes from (<!-- measured: ... --> or <!-- setting: FILE: TEXT -->)"
            )
    return found


def prose_files() -> list[Path]:
    return [path for path in readmes.markdown_files() if path not in WHOLE_FILES]  # every number there is generated
