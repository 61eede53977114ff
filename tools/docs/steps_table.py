"""The root README's table of the steps, one row per entry of tools/series.py, in its order.

A row links the step's README by its title; the final result, which lives at the root,
links its section of the same README. The lesson column is each step's `summary`.
"""

from tools import readmes
from tools.series import REPO, STEPS, Step

FINAL_RESULT = "[Final result](#final-result)"  # the root README's section of that name

def folder_link(step: Step) -> str:
    if step.folder == ".":
        return FINAL_RESULT
    readme = step.path / "README.md"
    return f"[{readmes.title(readme)}]({readme.relative_to(REPO).as_posix()})"


def lesson(step: Step) -> str:
    if not step.summary:
        raise ValueError(f"{step.name} has no summary in tools/series.py: add its lesson in a line")
    return step.summary


def render() -> str:
    rows = [f"| {folder_link(step)} | {lesson(step)} |" for step in STEPS]
    return "\n".join(["| folder | lesson |", "| --- | --- |", *rows]) + "\n"
