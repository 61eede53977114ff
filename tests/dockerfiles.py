"""A Dockerfile read as its instructions, each with the comment block directly above it."""

import re
from dataclasses import dataclass

# Docker reads these only at the very top of a Dockerfile, before any other line.
PARSER_DIRECTIVE = re.compile(r"#\s*(syntax|escape|check)\s*=.*", re.I)


@dataclass(frozen=True)
class Instruction:
    comment: tuple[str, ...]  # the `#` lines directly above, as written
    text: str
    line: int  # 1-based, where the instruction starts


def parse(dockerfile: str) -> list[Instruction]:
    found: list[Instruction] = []
    comment: list[str] = []
    lines: list[str] = []  # the instruction being read, while its lines end in a backslash
    start = 0
    at_top = True
    for number, line in enumerate(dockerfile.splitlines(), 1):
        stripped = line.strip()
        if at_top and PARSER_DIRECTIVE.fullmatch(stripped):
            continue
        at_top = False
        if lines:
            lines.append(line)  # a comment or blank line inside a continuation belongs to it
        elif not stripped:
            comment = []
            continue
        elif stripped.startswith("#"):
            comment.append(line)
            continue
        else:
            lines, start = [line], number
        if stripped and not stripped.startswith("#") and not stripped.endswith("\\"):
            found.append(Instruction(tuple(comment), "\n".join(lines), start))
            comment, lines = [], []
    if lines:
        found.append(Instruction(tuple(comment), "\n".join(lines), start))
    return found


def instructions(dockerfile: str) -> list[str]:
    """Each instruction on one line, continuations joined and spaces collapsed; no comments."""
    found = []
    for instruction in parse(dockerfile):
        lines = [line for line in instruction.text.splitlines() if not line.lstrip().startswith("#")]
        found.append(" ".join("\n".join(lines).replace("\\\n", " ").split()))
    return found
