"""A step's Dockerfile keeps the comments of the instructions its lesson leaves alone.

Readers compare a step's Dockerfile with the one it builds on (`diff -u`, and the diff
section of each README), so the diff should show the lesson and nothing else: a
comment reworded above an instruction that did not change is noise. No Docker needed.

Each instruction (its text as written, continuation lines included) comes with its comment
block, the `#` lines directly above it (tests/dockerfiles.py: a blank line ends a block, and
parser directives such as `# syntax=...` are not comments). An instruction whose text occurs
in both Dockerfiles is unchanged (its n-th occurrence in one pairs with its n-th in the other)
and must keep its comment block exactly: a comment may change only with an instruction that
changes, comes or goes.
"""

from collections import defaultdict

import pytest

from dockerfiles import Instruction, parse
from tools.series import REPO, STEPS, starting_point

# An instruction of the earlier Dockerfile and the same one in the later, each with its comment block.
Rewording = tuple[Instruction, Instruction]


def reworded(before: str, after: str) -> list[Rewording]:
    """Instructions of `after` found unchanged in `before` whose comment block differs."""
    earlier: dict[str, list[Instruction]] = defaultdict(list)
    for instruction in parse(before):
        earlier[instruction.text].append(instruction)
    found = []
    for instruction in parse(after):
        if earlier[instruction.text]:
            old = earlier[instruction.text].pop(0)
            if old.comment != instruction.comment:
                found.append((old, instruction))
    return found


def describe(rewording: Rewording, before: str, after: str) -> str:
    def block(comment: tuple[str, ...]) -> str:
        return "\n".join(f"      {line}" for line in comment) or "      (no comment)"

    old, new = rewording
    lines = new.text.splitlines()
    shown = lines[0] + (" ..." if len(lines) > 1 else "")
    return (
        f"{after}:{new.line}: `{shown}` is unchanged since {before}:{old.line}, but its comment is not.\n"
        f"    {before}:\n{block(old.comment)}\n"
        f"    {after}:\n{block(new.comment)}"
    )


LESSONS = [step for step in STEPS if starting_point(step)]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda step: step.name)
def test_unchanged_instructions_keep_their_comments(lesson):
    before, after = (
        (step.path / "Dockerfile").relative_to(REPO).as_posix() for step in (starting_point(lesson), lesson)
    )
    found = reworded((REPO / before).read_text(), (REPO / after).read_text())
    if found:
        pytest.fail("\n".join([
            f"{after} rewords comments of instructions it keeps from {before}, so its diff shows "
            "more than the lesson: restore the earlier wording, or move the new one onto an "
            "instruction that this step changes.",
            *(describe(rewording, before, after) for rewording in found),
        ]), pytrace=False)


# --- the comparison itself, on small Dockerfiles -----------------------------------------

BEFORE = """\
# syntax=docker/dockerfile:1
# The official image.
FROM python:3.11
WORKDIR /app

# Dependencies first.
COPY requirements.txt ./
RUN pip install -r requirements.txt \\
    --no-cache-dir
"""


def test_a_reworded_comment_on_an_unchanged_instruction_is_reported():
    after = BEFORE.replace("# Dependencies first.", "# Dependencies first, so they stay cached.")
    [found] = reworded(BEFORE, after)
    old, new = found
    assert (new.text, new.line) == ("COPY requirements.txt ./", 7)
    assert old.comment == ("# Dependencies first.",)
    assert new.comment == ("# Dependencies first, so they stay cached.",)
    message = describe(found, "a/Dockerfile", "b/Dockerfile")
    assert "b/Dockerfile:7: `COPY requirements.txt ./`" in message and "so they stay cached" in message


def test_a_comment_may_change_with_its_instruction():
    after = BEFORE.replace(
        "# Dependencies first.\nCOPY requirements.txt ./",
        "# Only the lock, so that the install stays cached.\nCOPY requirements.lock ./",
    )
    assert reworded(BEFORE, after) == []


def test_blocks_end_at_a_blank_line_and_skip_the_parser_directive():
    instructions = parse(BEFORE)
    assert [(i.comment, i.line) for i in instructions] == [
        (("# The official image.",), 3), ((), 4), (("# Dependencies first.",), 7), ((), 8),
    ]
    assert instructions[-1].text.endswith("--no-cache-dir")
    detached = BEFORE.replace("# The official image.\n", "# The official image.\n\n")
    [(_, new)] = reworded(BEFORE, detached)
    assert new.text == "FROM python:3.11" and new.comment == ()
