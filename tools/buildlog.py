"""Reads BuildKit's plain progress output (`--progress plain`)."""

import re
from dataclasses import dataclass, field

_VERTEX = re.compile(r"^#(\d+) \[([^\]]*)\] (.+)$")
_CACHED = re.compile(r"^#(\d+) CACHED$")
_DONE = re.compile(r"^#(\d+) DONE (\d+(?:\.\d+)?)s$")
_OUTPUT = re.compile(r"^#(\d+) \d+\.\d+ (.*)$")
_ERROR = re.compile(r"^#(\d+) ERROR: (.*)$")
_CONTEXT = re.compile(r"transferring context: ([\d.]+)([kMG]?B)")
_UNITS = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
# What pip and uv print while installing (plain progress, no terminal).
_PIP_DOWNLOAD = re.compile(r"^\s*Downloading (?!.*\.metadata\b)\S")
_PIP_RAN = re.compile(r"^\s*(Collecting|Requirement already satisfied|Successfully installed) ")
_UV_RAN = re.compile(r"^(Resolved|Audited|Checked|Installed) \d+ packages?\b")
_UV_PREPARED = re.compile(r"^Prepared (\d+) packages?\b")


@dataclass
class Instruction:
    """One Dockerfile instruction as BuildKit ran it, e.g. 'RUN pip install …'."""

    text: str
    cached: bool = False
    output: list[str] = field(default_factory=list)
    seconds: float | None = None  # as BuildKit timed it; None when cached
    error: str | None = None  # why it failed, as BuildKit said

    def downloads(self) -> int | None:
        """Packages this instruction downloaded, as pip or uv reported them; None if neither ran: pip's
        "Downloading FILE" lines (not "Using cached FILE"), plus uv's "Prepared N packages" (fetched or
        built) when uv ran. An instruction running both (pip installing uv, then uv) counts both."""
        pip = sum(1 for line in self.output if _PIP_DOWNLOAD.match(line))
        uv_ran = any(_UV_RAN.match(line) for line in self.output)
        if not (pip or uv_ran or any(_PIP_RAN.match(line) for line in self.output)):
            return None
        return pip + sum(int(match.group(1)) for line in self.output if uv_ran and (match := _UV_PREPARED.match(line)))


@dataclass
class BuildLog:
    text: str
    instructions: list[Instruction]
    context_bytes: int  # the largest build context BuildKit transferred

    def matching(self, pattern: str) -> list[Instruction]:
        return [i for i in self.instructions if re.search(pattern, i.text)]

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.text.splitlines()[-lines:])

    def failure(self, lines: int = 40) -> str:
        """The instruction that failed, its last `lines` lines of output and BuildKit's error; the log's
        tail when no instruction failed. (The log ends with BuildKit's summary, which takes up a tail's
        lines: a reason printed above a traceback could fall out of it.)"""
        failed = next((i for i in self.instructions if i.error), None)
        if failed is None:
            return self.tail(lines)
        return "\n".join([f"{failed.text}:", *failed.output[-lines:], f"ERROR: {failed.error}"])


def parse(text: str) -> BuildLog:
    by_id: dict[str, Instruction] = {}
    context_bytes = 0
    for line in text.splitlines():
        if match := _VERTEX.match(line):
            number, stage, instruction = match.groups()
            # Only Dockerfile steps ("[image 3/4]"), not "[image internal] load …".
            if "/" in stage and number not in by_id:
                by_id[number] = Instruction(instruction)
        elif (match := _CACHED.match(line)) and match.group(1) in by_id:
            by_id[match.group(1)].cached = True
        elif (match := _DONE.match(line)) and match.group(1) in by_id:
            by_id[match.group(1)].seconds = float(match.group(2))
        elif (match := _OUTPUT.match(line)) and match.group(1) in by_id:
            by_id[match.group(1)].output.append(match.group(2))
        elif (match := _ERROR.match(line)) and match.group(1) in by_id:
            by_id[match.group(1)].error = match.group(2)
        if match := _CONTEXT.search(line):
            context_bytes = max(context_bytes, int(float(match.group(1)) * _UNITS[match.group(2)]))
    return BuildLog(text, list(by_id.values()), context_bytes)
