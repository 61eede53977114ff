"""Reads BuildKit's plain progress output (`--progress plain`)."""

import re
from dataclasses import dataclass, field

_VERTEX = re.compile(r"^#(\d+) \[([^\]]*)\] (.+)$")
_CACHED = re.compile(r"^#(\d+) CACHED$")
_OUTPUT = re.compile(r"^#(\d+) \d+\.\d+ (.*)$")
_CONTEXT = re.compile(r"transferring context: ([\d.]+)([kMG]?B)")
_UNITS = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}


@dataclass
class Instruction:
    """One Dockerfile instruction as BuildKit ran it, e.g. 'RUN pip install …'."""

    stage: str  # "[image 3/4]" without brackets
    text: str
    cached: bool = False
    output: list[str] = field(default_factory=list)


@dataclass
class BuildLog:
    text: str
    instructions: list[Instruction]
    context_bytes: int  # the largest build context BuildKit transferred

    def matching(self, pattern: str) -> list[Instruction]:
        return [i for i in self.instructions if re.search(pattern, i.text)]

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.text.splitlines()[-lines:])


def parse(text: str) -> BuildLog:
    by_id: dict[str, Instruction] = {}
    context_bytes = 0
    for line in text.splitlines():
        if match := _VERTEX.match(line):
            number, stage, instruction = match.groups()
            # Only Dockerfile steps ("[image 3/4]"), not "[image internal] load …".
            if "/" in stage and number not in by_id:
                by_id[number] = Instruction(stage, instruction)
        elif match := _CACHED.match(line):
            if match.group(1) in by_id:
                by_id[match.group(1)].cached = True
        elif match := _OUTPUT.match(line):
            if match.group(1) in by_id:
                by_id[match.group(1)].output.append(match.group(2))
        if match := _CONTEXT.search(line):
            size = float(match.group(1)) * _UNITS[match.group(2)]
            context_bytes = max(context_bytes, int(size))
    return BuildLog(text, list(by_id.values()), context_bytes)
